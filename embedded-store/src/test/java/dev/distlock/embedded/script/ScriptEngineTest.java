package dev.distlock.embedded.script;

import static dev.distlock.embedded.script.Lua.NONE;
import static dev.distlock.embedded.script.Lua.bytes;
import static dev.distlock.embedded.script.Lua.error;
import static dev.distlock.embedded.script.Lua.eval;
import static dev.distlock.embedded.script.Lua.integer;
import static dev.distlock.embedded.script.Lua.sha;
import static dev.distlock.embedded.script.Lua.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.embedded.resp.Reply;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The engine's API: caching by SHA-1, SCRIPT LOAD/EXISTS/FLUSH, EVALSHA, compile errors, bad input. */
class ScriptEngineTest {
    private static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

    private final ScriptEngine engine = new ScriptEngine(Duration.ofSeconds(5));

    @Test
    void loadReturnsTheSha1AndEvalshaRunsIt() {
        String script = "return ARGV[1] .. KEYS[1]";
        Reply loaded = engine.load(bytes(script));
        assertThat(text(loaded)).isEqualTo(sha(script)).matches("[0-9a-f]{40}");
        assertThat(engine.exists(sha(script))).isTrue();
        assertThat(engine.exists(sha(script).toUpperCase(Locale.ROOT))).isTrue();
        Reply r = engine.evalsha(sha(script).toUpperCase(Locale.ROOT), Lua.list("k"), Lua.list("a"), new FakeRedis());
        assertThat(text(r)).isEqualTo("ak");
    }

    @Test
    void knownSha1OfAScript() {
        // the SHA redis-server 7.0 gives for SCRIPT LOAD "return 1"
        assertThat(text(engine.load(bytes("return 1")))).isEqualTo("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    }

    @Test
    void evalCachesTheScriptAndFlushForgetsIt() {
        String script = "return 7";
        assertThat(engine.exists(sha(script))).isFalse();
        assertThat(integer(eval(engine, script))).isEqualTo(7);
        assertThat(engine.exists(sha(script))).isTrue();
        assertThat(integer(engine.evalsha(sha(script), NONE, NONE, new FakeRedis()))).isEqualTo(7);
        engine.flush();
        assertThat(engine.exists(sha(script))).isFalse();
        assertThat(engine.evalsha(sha(script), NONE, NONE, new FakeRedis())).isEqualTo(new Reply.ErrorReply(NOSCRIPT));
    }

    @Test
    void unknownOrMalformedShaIsNoscript() {
        assertThat(engine.evalsha("ffffffffffffffffffffffffffffffffffffffff", NONE, NONE, new FakeRedis()))
                .isEqualTo(new Reply.ErrorReply(NOSCRIPT));
        assertThat(engine.evalsha("0123", NONE, NONE, new FakeRedis())).isEqualTo(new Reply.ErrorReply(NOSCRIPT));
        assertThat(engine.exists("0123")).isFalse();
    }

    @Test
    void compileErrorsHaveRedisShapeAndAreNotCached() {
        assertThat(error(engine.load(bytes("return 1 +"))))
                .isEqualTo("ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'");
        assertThat(error(eval(engine, "local x = 1\nreturn 'abc")))
                .startsWith("ERR Error compiling script (new function): user_script:2: ");
        assertThat(engine.exists(sha("return 1 +"))).isFalse();
        assertThat(engine.cachedScripts()).isZero();
    }

    @Test
    void shebangIsValidatedAndKeepsLineNumbers() {
        String script = "#!lua flags=no-writes,allow-stale\nerror('x')";
        assertThat(error(eval(engine, script)))
                .isEqualTo("ERR user_script:2: x script: " + sha(script) + ", on @user_script:2.");
        assertThat(error(eval(engine, "#!lu\nreturn 1"))).isEqualTo("ERR Unexpected engine in script shebang: #!lu");
        assertThat(error(eval(engine, "#!lua flags=bogus\nreturn 1"))).isEqualTo("ERR Unexpected flag in script shebang: bogus");
        assertThat(error(eval(engine, "#!lua")))
                .isEqualTo("ERR Invalid script shebang");
        assertThat(integer(eval(engine, "#!lua\nreturn 2"))).isEqualTo(2);
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> new ScriptEngine(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeLimit");
        assertThatThrownBy(() -> new ScriptEngine(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeLimit");
        assertThatThrownBy(() -> engine.load(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("script");
        assertThatThrownBy(() -> engine.eval(bytes("return 1"), null, NONE, new FakeRedis()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys");
        assertThatThrownBy(() -> engine.eval(bytes("return 1"), NONE, new byte[][] {null}, new FakeRedis()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("args[0]");
        assertThatThrownBy(() -> engine.eval(bytes("return 1"), NONE, NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invoker");
        assertThatThrownBy(() -> engine.evalsha(null, NONE, NONE, new FakeRedis()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sha1");
        assertThatThrownBy(() -> engine.exists(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aScriptStartedFromInsideAScriptIsRefused() {
        AtomicReference<Reply> inner = new AtomicReference<>();
        CommandInvoker reentrant = argv -> {
            Reply r = engine.eval(bytes("return 1"), NONE, NONE, new FakeRedis());
            inner.set(r);
            return r;
        };
        Reply outer = eval(engine, "return redis.pcall('eval')", reentrant);
        assertThat(inner.get()).isEqualTo(new Reply.ErrorReply("ERR This Redis command is not allowed from script"));
        assertThat(outer).isEqualTo(new Reply.ErrorReply("ERR This Redis command is not allowed from script"));
        assertThat(integer(eval(engine, "return 3"))).isEqualTo(3);
    }

    @Test
    void idleEngineReportsNothingRunning() {
        assertThat(engine.isRunning()).isFalse();
        assertThat(engine.runningMillis()).isZero();
        assertThat(engine.kill()).isFalse();
        eval(engine, "return 1");
        assertThat(engine.isRunning()).isFalse();
        assertThat(engine.kill()).isFalse();
    }

    @Test
    void isRunningIsTrueWhileCommandsOfTheScriptRun() {
        AtomicReference<Boolean> seen = new AtomicReference<>();
        eval(engine, "return redis.call('ping')", argv -> {
            seen.set(engine.isRunning());
            return new Reply.SimpleReply("PONG");
        });
        assertThat(seen.get()).isTrue();
    }
}

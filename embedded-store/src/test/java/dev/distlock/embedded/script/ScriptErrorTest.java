package dev.distlock.embedded.script;

import static dev.distlock.embedded.script.Lua.array;
import static dev.distlock.embedded.script.Lua.error;
import static dev.distlock.embedded.script.Lua.eval;
import static dev.distlock.embedded.script.Lua.sha;
import static dev.distlock.embedded.script.Lua.text;
import static dev.distlock.embedded.script.Lua.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.embedded.resp.Reply;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Errors in scripts: redis.call raises, redis.pcall returns, error()/error_reply/status_reply,
 * and the texts and positions Redis 7.0 gives them (each expectation was taken from a real
 * redis-server 7.0.15).
 */
class ScriptErrorTest {
    private static final ScriptEngine ENGINE = new ScriptEngine(Duration.ofSeconds(5));

    private static String suffix(String script, int line) {
        return " script: " + sha(script) + ", on @user_script:" + line + ".";
    }

    private static FakeRedis withString(String key) {
        FakeRedis redis = new FakeRedis();
        redis.data.put(key, "x");
        return redis;
    }

    @Test
    void callRaisesTheCommandErrorKeepingItsCode() {
        String script = "local a = 1\nreturn redis.call('hget', 's', 'f')";
        assertThat(error(eval(ENGINE, script, withString("s")))).isEqualTo(FakeRedis.WRONGTYPE + suffix(script, 2));
        String incr = "redis.call('incr', 's')\nreturn 1";
        assertThat(error(eval(ENGINE, incr, withString("s"))))
                .isEqualTo("ERR value is not an integer or out of range" + suffix(incr, 1));
    }

    @Test
    void callInsideANestedFunctionReportsThatLine() {
        String script = "local function f()\n  return redis.call('hget', 's', 'f')\nend\n\nreturn f()";
        assertThat(error(eval(ENGINE, script, withString("s")))).isEqualTo(FakeRedis.WRONGTYPE + suffix(script, 2));
    }

    @Test
    void pcallReturnsTheErrorAsATable() {
        assertThat(eval(ENGINE, "return redis.pcall('incr', 's')", withString("s")))
                .isEqualTo(new Reply.ErrorReply("ERR value is not an integer or out of range"));
        assertThat(text(eval(ENGINE, "local r = redis.pcall('hget', 's', 'f') return type(r) .. ' ' .. r.err", withString("s"))))
                .isEqualTo("table " + FakeRedis.WRONGTYPE);
        // the script goes on after a failed pcall
        assertThat(text(eval(ENGINE, "redis.pcall('incr', 's') return 'after'", withString("s")))).isEqualTo("after");
    }

    @Test
    void luaPcallCatchesRedisCallErrorsAsStringsLikeRedis7() {
        assertThat(texts(eval(ENGINE,
                "local ok, e = pcall(function() return redis.call('incr', 's') end) return {tostring(ok), type(e), e}",
                withString("s")))).containsExactly("false", "string", "ERR value is not an integer or out of range");
        assertThat(text(eval(ENGINE, "local ok, e = pcall(error, {err = 'X y'}) return e"))).isEqualTo("X y");
        assertThat(text(eval(ENGINE, "local ok, e = pcall(function() error('boom') end) return e")))
                .isEqualTo("user_script:1: boom");
        assertThat(text(eval(ENGINE, "local ok, e = pcall(error, 'direct') return e"))).isEqualTo("direct");
    }

    @Test
    void xpcallHandsTheErrorObjectToTheHandler() {
        assertThat(text(eval(ENGINE,
                "local ok, e = xpcall(function() error({err = 'X'}) end, function(e) return type(e) .. e.err end) return e")))
                .isEqualTo("tableX");
    }

    @Test
    void unknownCommandsAndWrongArityUseTheScriptWording() {
        String unknown = "return redis.call('nosuch')";
        assertThat(error(eval(ENGINE, unknown))).isEqualTo("ERR Unknown Redis command called from script" + suffix(unknown, 1));
        String arity = "return redis.call('incr', 'c', 'extra')";
        assertThat(error(eval(ENGINE, arity)))
                .isEqualTo("ERR Wrong number of args calling Redis command from script" + suffix(arity, 1));
    }

    @Test
    void errorWithAStringGetsPositionAndErrPrefix() {
        String plain = "error('plain')";
        assertThat(error(eval(ENGINE, plain))).isEqualTo("ERR user_script:1: plain" + suffix(plain, 1));
        String levelZero = "error('x', 0)";
        assertThat(error(eval(ENGINE, levelZero))).isEqualTo("ERR x" + suffix(levelZero, 1));
        String levelTwo = "local function f() error('x', 2) end\n\nf()";
        assertThat(error(eval(ENGINE, levelTwo))).isEqualTo("ERR user_script:3: x" + suffix(levelTwo, 1));
        String number = "error(123)";
        assertThat(error(eval(ENGINE, number))).isEqualTo("ERR user_script:1: 123" + suffix(number, 1));
        String nil = "error()";
        assertThat(error(eval(ENGINE, nil))).isEqualTo("ERR nil" + suffix(nil, 1));
    }

    @Test
    void errorWithATableUsesItsErrField() {
        String table = "error({err = 'TBL boom'})";
        assertThat(error(eval(ENGINE, table))).isEqualTo("TBL boom" + suffix(table, 1));
        String reply = "error(redis.error_reply('MY boom'))";
        assertThat(error(eval(ENGINE, reply))).isEqualTo("MY boom" + suffix(reply, 1));
    }

    @Test
    void runtimeErrorsCarryTheLine() {
        String script = "local t = nil\nreturn t.x";
        assertThat(error(eval(ENGINE, script))).startsWith("ERR user_script:2: attempt to index").endsWith(suffix(script, 2));
        String arith = "local x = nil; return x + 1";
        assertThat(error(eval(ENGINE, arith))).startsWith("ERR user_script:1: attempt to perform arithmetic");
        String assertion = "return assert(false, 'my assertion')";
        assertThat(error(eval(ENGINE, assertion))).isEqualTo("ERR user_script:1: my assertion" + suffix(assertion, 1));
    }

    @Test
    void errorReplyAndStatusReply() {
        assertThat(eval(ENGINE, "return redis.error_reply('boom')")).isEqualTo(new Reply.ErrorReply("ERR boom"));
        assertThat(eval(ENGINE, "return redis.error_reply('XY boom')")).isEqualTo(new Reply.ErrorReply("XY boom"));
        assertThat(eval(ENGINE, "return redis.error_reply('-XY boom')")).isEqualTo(new Reply.ErrorReply("XY boom"));
        assertThat(eval(ENGINE, "return redis.error_reply('-XY')")).isEqualTo(new Reply.ErrorReply("ERR XY"));
        assertThat(eval(ENGINE, "return redis.status_reply('FINE')")).isEqualTo(new Reply.SimpleReply("FINE"));
        assertThat(texts(eval(ENGINE, "local e = redis.error_reply('XY boom') return {type(e), e.err}")))
                .containsExactly("table", "XY boom");
        assertThat(texts(eval(ENGINE, "local s = redis.status_reply('OK') return {type(s), s.ok}")))
                .containsExactly("table", "OK");
        // bad arguments are returned (not raised) as an error table
        assertThat(eval(ENGINE, "return redis.error_reply(5)")).isEqualTo(new Reply.ErrorReply("ERR wrong number or type of arguments"));
        assertThat(eval(ENGINE, "return redis.status_reply()")).isEqualTo(new Reply.ErrorReply("ERR wrong number or type of arguments"));
    }

    @Test
    void sha1hexKnownVectors() {
        assertThat(text(eval(ENGINE, "return redis.sha1hex('')"))).isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assertThat(text(eval(ENGINE, "return redis.sha1hex('abc')"))).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(text(eval(ENGINE, "return redis.sha1hex(123)"))).isEqualTo("40bd001563085fc35165329ea1ff5c5ecbdbbeef");
        assertThat(text(eval(ENGINE,
                "return redis.sha1hex('The quick brown fox jumps over the lazy dog')")))
                .isEqualTo("2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
        String none = "return redis.sha1hex()";
        assertThat(error(eval(ENGINE, none))).isEqualTo("ERR wrong number of arguments" + suffix(none, 1));
    }

    @Test
    void redisLogValidatesItsArguments() {
        String noMessage = "redis.log(redis.LOG_WARNING)";
        assertThat(error(eval(ENGINE, noMessage))).isEqualTo("ERR redis.log() requires two arguments or more." + suffix(noMessage, 1));
        String badLevel = "redis.log('x', 'hello')";
        assertThat(error(eval(ENGINE, badLevel))).isEqualTo("ERR First argument must be a number (log level)." + suffix(badLevel, 1));
        assertThat(eval(ENGINE, "redis.log(redis.LOG_DEBUG, 'quiet', 1) return 1")).isEqualTo(new Reply.IntReply(1));
        assertThat(text(eval(ENGINE, "return redis.LOG_WARNING .. redis.LOG_NOTICE .. redis.LOG_VERBOSE .. redis.LOG_DEBUG")))
                .isEqualTo("3210");
    }

    @Test
    void setrespValidatesItsArgument() {
        String bad = "redis.setresp(4)";
        assertThat(error(eval(ENGINE, bad))).isEqualTo("ERR RESP version must be 2 or 3." + suffix(bad, 1));
    }

    @Test
    void invokerExceptionsBecomeErrorRepliesInsteadOfEscaping() {
        CommandInvoker broken = argv -> {
            throw new IllegalStateException("boom");
        };
        Reply r = eval(ENGINE, "return redis.pcall('get', 'k')", broken);
        assertThat(error(r)).startsWith("ERR command failed inside the server: java.lang.IllegalStateException: boom");
        assertThat(array(eval(ENGINE, "return {1}"))).hasSize(1);
    }
}

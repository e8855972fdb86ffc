package dev.distlock.embedded.script;

import static dev.distlock.embedded.script.Lua.error;
import static dev.distlock.embedded.script.Lua.eval;
import static dev.distlock.embedded.script.Lua.integer;
import static dev.distlock.embedded.script.Lua.sha;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.distlock.embedded.resp.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runaway scripts: the time limit and SCRIPT KILL stop them, and pcall cannot keep them alive. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ScriptLimitTest {
    private static final ExecutorService COMMAND_THREAD = Executors.newSingleThreadExecutor();

    @AfterAll
    static void stop() {
        COMMAND_THREAD.shutdownNow();
    }

    @Test
    void aScriptRunningPastTheTimeLimitIsStopped() {
        ScriptEngine engine = new ScriptEngine(Duration.ofMillis(200));
        String script = "local i = 0\nwhile true do i = i + 1 end";
        long start = System.nanoTime();
        Reply r = eval(engine, script);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(error(r)).isEqualTo("ERR Script exceeded the time limit of 200 ms and was stopped script: "
                + sha(script) + ", on @user_script:2.");
        assertThat(tookMs).isBetween(190L, 5_000L);
        assertThat(engine.isRunning()).isFalse();
        assertThat(integer(eval(engine, "return 5"))).isEqualTo(5);
    }

    @Test
    void pcallCannotSwallowTheStop() {
        ScriptEngine engine = new ScriptEngine(Duration.ofMillis(200));
        String script = "while true do pcall(function() while true do end end) end";
        assertThat(error(eval(engine, script))).startsWith("ERR Script exceeded the time limit of 200 ms");
        String xp = "while true do xpcall(function() while true do end end, function(e) while true do end end) end";
        assertThat(error(eval(engine, xp))).startsWith("ERR Script exceeded the time limit of 200 ms");
    }

    @Test
    void aLoopThatOnlyCallsRedisIsStoppedToo() {
        ScriptEngine engine = new ScriptEngine(Duration.ofMillis(200));
        assertThat(error(eval(engine, "while true do redis.call('ping') end"))).startsWith("ERR Script exceeded the time limit");
    }

    @Test
    void killStopsTheRunningScriptFromAnotherThread() {
        ScriptEngine engine = new ScriptEngine(Duration.ofSeconds(60));
        String script = "while true do end";
        CompletableFuture<Reply> result = CompletableFuture.supplyAsync(() -> eval(engine, script), COMMAND_THREAD);
        await().atMost(Duration.ofSeconds(10)).until(engine::isRunning);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.runningMillis() > 0);
        assertThat(engine.kill()).isTrue();
        Reply r = result.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(error(r)).isEqualTo("ERR Script killed by user with SCRIPT KILL... script: " + sha(script)
                + ", on @user_script:1.");
        assertThat(engine.isRunning()).isFalse();
        assertThat(engine.runningMillis()).isZero();
        assertThat(engine.kill()).isFalse();
        // a kill aimed at the old run does not touch the next one
        assertThat(integer(CompletableFuture.supplyAsync(() -> eval(engine, "return 9"), COMMAND_THREAD).join())).isEqualTo(9);
    }
}

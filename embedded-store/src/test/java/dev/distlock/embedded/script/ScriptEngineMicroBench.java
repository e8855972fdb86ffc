package dev.distlock.embedded.script;

import static dev.distlock.embedded.script.Lua.bytes;

import dev.distlock.embedded.resp.Reply;
import java.time.Duration;

/**
 * A rough per-call cost of the engine (not a test, not JMH): first call, then EVAL and EVALSHA of
 * the lock scripts against an invoker that answers instantly, so the numbers are the engine's own
 * cost (hashing, tables, Lua, conversions). Run with
 * {@code java -cp <test classpath> dev.distlock.embedded.script.ScriptEngineMicroBench [iterations]}.
 */
public final class ScriptEngineMicroBench {
    private ScriptEngineMicroBench() {
    }

    /**
     * Prints the measurements.
     *
     * @param args optional: iterations per measurement (default 100000)
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        CommandInvoker instant = argv -> (argv[0][0] | 0x20) == 's' ? Reply.OK : new Reply.IntReply(7);

        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        long c0 = mx.getCurrentThreadCpuTime();
        ScriptEngine engine = new ScriptEngine(Duration.ofSeconds(5));
        Reply first = engine.eval(bytes("return 1"), Lua.NONE, Lua.NONE, instant);
        System.out.printf("first eval (luaj class loading + sandbox): %.1f ms wall, %.1f ms cpu -> %s%n",
                (System.nanoTime() - t0) / 1e6, (mx.getCurrentThreadCpuTime() - c0) / 1e6, first);
        t0 = System.nanoTime();
        c0 = mx.getCurrentThreadCpuTime();
        ScriptEngine another = new ScriptEngine(Duration.ofSeconds(5));
        another.eval(bytes("return 1"), Lua.NONE, Lua.NONE, instant);
        System.out.printf("first eval of a second engine in the same JVM: %.1f ms wall, %.1f ms cpu%n",
                (System.nanoTime() - t0) / 1e6, (mx.getCurrentThreadCpuTime() - c0) / 1e6);

        byte[] setIncr = bytes(LockScriptTest.SET_NX_PX_INCR);
        byte[][] keys = Lua.list("lock:orders:42", "fence:orders:42");
        byte[][] argv = Lua.list("5f1c2b9e-1:7", "30000");
        String sha = Lua.text(engine.load(setIncr));
        for (int round = 0; round < 3; round++) {
            measure("EVAL    SET NX PX + INCR", n, () -> engine.eval(setIncr, keys, argv, instant));
            measure("EVALSHA SET NX PX + INCR", n, () -> engine.evalsha(sha, keys, argv, instant));
            measure("EVALSHA return 1        ", n, () -> engine.evalsha(Lua.sha("return 1"), Lua.NONE, Lua.NONE, instant));
        }
        byte[] acquire = bytes(LockScriptTest.ACQUIRE);
        FakeRedis redis = new FakeRedis();
        measure("EVAL reentrant acquire (FakeRedis, hash + pexpire)", n, () -> {
            redis.data.clear();
            return engine.eval(acquire, Lua.list("lock"), Lua.list("30000", "a:1"), redis);
        });
    }

    private static void measure(String name, int n, java.util.function.Supplier<Reply> call) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Reply last = null;
        long cpu = mx.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            last = call.get();
        }
        long ns = System.nanoTime() - start;
        cpu = mx.getCurrentThreadCpuTime() - cpu;
        System.out.printf("%s: %,d calls, %.2f us/call wall, %.2f us/call cpu (last reply %s)%n",
                name, n, ns / 1e3 / n, cpu / 1e3 / n, last);
    }
}

package dev.distlock.bench.jmh;

import dev.distlock.bench.BenchServers;
import dev.distlock.bench.Contender;
import dev.distlock.bench.LockAdapter;
import dev.distlock.bench.LockAdapters;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The JMH suite: lock+unlock throughput of every {@link Contender} (chosen by {@code @Param}),
 * uncontended (1 and 8 threads, a name per thread, one shared client), on one contended name (4
 * and 16 threads, one shared client or a client per thread) and reentrant. Each operation is one
 * {@code lock(name)} + {@code unlock(name)} through the contender's {@link LockAdapter}.
 *
 * <p>JMH measures acquisitions per second; on a contended name those include a thread taking the
 * lock straight back. The runner ({@code dev.distlock.bench.Compare}) measures strict handoffs,
 * their latency, server commands and CPU. Run through {@code java -jar benchmarks.jar jmh}, which
 * starts the servers once and passes them to the forks; a fork started otherwise starts its own.
 * Floors run only the uncontended benchmarks; elsewhere their trial fails with "floor: not a
 * lock", as does any contender whose backend is missing (with the reason).
 *
 * <p>Each JMH worker thread uses the states as JMH prescribes; the adapters are thread-safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LockBenchmarks {
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /** The contender; all of them unless {@code -p contender=…} narrows it. */
    @Param
    public Contender contender;

    BenchServers servers;
    LockAdapter shared;
    String hot;

    /**
     * Starts (or adopts) the servers and opens the shared client.
     *
     * @param params which benchmark runs (floors refuse the lock-only ones)
     * @throws IllegalStateException if the contender cannot run here (the message says why)
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        String method = params.getBenchmark();
        if (contender.isFloor() && !method.contains("uncontended")) {
            throw new IllegalStateException("floor: not a lock (" + contender.label() + " runs only the uncontended"
                    + " benchmarks)");
        }
        servers = BenchServers.start(BenchServers.Options.fromSystemProperties(), EnumSet.of(contender.family()),
                m -> { });
        shared = LockAdapters.open(contender, servers);
        hot = "jmh:hot:" + System.nanoTime();
    }

    /** Closes the shared client and the servers started by this fork. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (shared != null) {
            shared.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    /** A name of the worker thread's own. */
    @State(Scope.Thread)
    public static class OwnName {
        String name;

        /** Picks the name. */
        @Setup(Level.Trial)
        public void setUp() {
            name = "jmh:own:" + System.nanoTime() + ":" + THREAD_IDS.incrementAndGet();
        }
    }

    /** A client of the worker thread's own (a separate application). */
    @State(Scope.Thread)
    public static class OwnClient {
        LockAdapter adapter;

        /**
         * Opens the client.
         *
         * @param b the benchmark state (servers, contender)
         */
        @Setup(Level.Trial)
        public void setUp(LockBenchmarks b) {
            adapter = LockAdapters.open(b.contender, b.servers);
        }

        /** Closes the client. */
        @TearDown(Level.Trial)
        public void tearDown() {
            if (adapter != null) {
                adapter.close();
            }
        }
    }

    /** The worker thread holds its own lock once, so every measured acquire is a reentry. */
    @State(Scope.Thread)
    public static class Holding {
        LockAdapter adapter;
        String name;

        /**
         * Takes the outer hold on the worker thread.
         *
         * @param b the benchmark state
         */
        @Setup(Level.Trial)
        public void setUp(LockBenchmarks b) {
            adapter = b.shared;
            name = "jmh:re:" + System.nanoTime() + ":" + THREAD_IDS.incrementAndGet();
            adapter.lock(name);
        }

        /** Releases the outer hold. */
        @TearDown(Level.Trial)
        public void tearDown() {
            adapter.unlock(name);
        }
    }

    private static void cycle(LockAdapter a, String name) {
        a.lock(name);
        a.unlock(name);
    }

    /**
     * Uncontended lock+unlock, one thread.
     *
     * @param t the thread's name
     */
    @Benchmark
    @Threads(1)
    public void uncontended1(OwnName t) {
        cycle(shared, t.name);
    }

    /**
     * Uncontended lock+unlock, 8 threads sharing one client, a name each.
     *
     * @param t the thread's name
     */
    @Benchmark
    @Threads(8)
    public void uncontended8(OwnName t) {
        cycle(shared, t.name);
    }

    /** 4 threads sharing one client on one name. */
    @Benchmark
    @Threads(4)
    public void contended4Shared() {
        cycle(shared, hot);
    }

    /**
     * 4 threads, a client each, on one name.
     *
     * @param c the thread's client
     */
    @Benchmark
    @Threads(4)
    public void contended4PerClient(OwnClient c) {
        cycle(c.adapter, hot);
    }

    /** 16 threads sharing one client on one name. */
    @Benchmark
    @Threads(16)
    public void contended16Shared() {
        cycle(shared, hot);
    }

    /**
     * 16 threads, a client each, on one name.
     *
     * @param c the thread's client
     */
    @Benchmark
    @Threads(16)
    public void contended16PerClient(OwnClient c) {
        cycle(c.adapter, hot);
    }

    /**
     * Reentrant acquire+release while already holding, one thread.
     *
     * @param h the outer hold
     */
    @Benchmark
    @Threads(1)
    public void reentrant(Holding h) {
        cycle(h.adapter, h.name);
    }
}

package dev.distlock.bench.jmh;

import dev.distlock.bench.BenchServers;
import dev.distlock.bench.Contender;
import dev.distlock.bench.CoordinationAdapter;
import dev.distlock.bench.CoordinationAdapters;
import dev.distlock.bench.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
 * The JMH suite of the coordination primitives, for every {@link Contender} that has them
 * ({@link CoordinationAdapters#supports}): a read-write lock under 8 threads with 90% reads, a
 * 3-permit semaphore under 8 threads (acquire+release), and leader-election failover (the leader
 * resigns; one operation lasts until the next leader is elected, so JMH's sample mode gives its
 * percentiles). The runner ({@code dev.distlock.bench.Compare}) measures the same with violation
 * checks, server commands and CPU. A contender without the primitive fails its trial at once
 * with the reason.
 *
 * <p>Each JMH worker thread uses the states as JMH prescribes; the adapters are thread-safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CoordinationBenchmarks {
    /** The contender; all of them unless {@code -p contender=…} narrows it. */
    @Param({"DISTLOCK_REDIS", "DISTLOCK_REDLOCK", "DISTLOCK_ZOOKEEPER", "DISTLOCK_MEMORY", "REDISSON", "CURATOR"})
    public Contender contender;

    BenchServers servers;
    CoordinationAdapter shared;
    String name;

    /**
     * Starts (or adopts) the servers and opens the shared client.
     *
     * @param params which benchmark runs
     * @throws IllegalStateException if the contender lacks the primitive or cannot run here
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        String method = params.getBenchmark();
        Scenario s = method.endsWith("readWrite8") ? Scenario.READ_WRITE_8
                : method.endsWith("semaphore3of8") ? Scenario.SEMAPHORE_3_OF_8 : Scenario.ELECTION_FAILOVER_3;
        if (!CoordinationAdapters.supports(contender, s)) {
            throw new IllegalStateException(contender.label() + " has no primitive for \"" + s.title() + "\"");
        }
        servers = BenchServers.start(BenchServers.Options.fromSystemProperties(), EnumSet.of(contender.family()),
                m -> { });
        shared = CoordinationAdapters.open(contender, servers);
        name = "jmh:coord:" + System.nanoTime();
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

    /**
     * One read (90%) or write (10%) lock+unlock of one read-write lock, 8 threads, one client.
     *
     * @return whether it was a read
     */
    @Benchmark
    @Threads(8)
    public boolean readWrite8() {
        boolean read = ThreadLocalRandom.current().nextDouble() < Scenario.READ_SHARE;
        if (read) {
            shared.readLock(name);
            shared.readUnlock(name);
        } else {
            shared.writeLock(name);
            shared.writeUnlock(name);
        }
        return read;
    }

    /** One permit of a 3-permit semaphore taken and given back, 8 threads, one client. */
    @Benchmark
    @Threads(8)
    public void semaphore3of8() {
        Object permit = shared.acquirePermit(name, Scenario.SEMAPHORE_PERMITS);
        shared.releasePermit(name, permit);
    }

    /** Three participants, a client each, in one election. */
    @State(Scope.Benchmark)
    public static class Election {
        final List<CoordinationAdapter> clients = new ArrayList<>();
        final List<CoordinationAdapter.Participant> participants = new ArrayList<>();
        final AtomicLong gains = new AtomicLong();
        Runnable onGained;

        /**
         * Opens the clients and joins the participants.
         *
         * @param b the benchmark state
         * @throws IllegalStateException if no participant leads within 30 s
         */
        @Setup(Level.Trial)
        public void setUp(CoordinationBenchmarks b) {
            onGained = gains::incrementAndGet;
            for (int i = 0; i < Scenario.ELECTION_FAILOVER_3.threads(); i++) {
                CoordinationAdapter c = CoordinationAdapters.open(b.contender, b.servers);
                clients.add(c);
                CoordinationAdapter.Participant p = c.participant(b.name);
                participants.add(p);
                p.join(onGained);
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (leader() == null) {
                if (System.nanoTime() - until > 0) {
                    throw new IllegalStateException("no leader within 30 s");
                }
                LockSupport.parkNanos(10_000_000);
            }
        }

        CoordinationAdapter.Participant leader() {
            for (CoordinationAdapter.Participant p : participants) {
                if (p.isLeader()) {
                    return p;
                }
            }
            return null;
        }

        /** Resigns every participant and closes the clients. */
        @TearDown(Level.Trial)
        public void tearDown() {
            participants.forEach(CoordinationAdapter.Participant::resign);
            clients.forEach(CoordinationAdapter::close);
        }
    }

    /**
     * One failover: the leader resigns; the operation ends when another participant is elected
     * and the one that resigned has joined again ({@code join} returns at once).
     *
     * @param e the election
     * @return the gains seen so far
     */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long electionFailover(Election e) {
        CoordinationAdapter.Participant leader;
        while ((leader = e.leader()) == null) {
            LockSupport.parkNanos(20_000);
        }
        long before = e.gains.get();
        leader.resign();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (e.gains.get() == before) {
            if (System.nanoTime() - until > 0) {
                throw new IllegalStateException("no new leader within 10 s of a resign");
            }
            LockSupport.parkNanos(20_000);
        }
        leader.join(e.onGained);
        return e.gains.get();
    }
}

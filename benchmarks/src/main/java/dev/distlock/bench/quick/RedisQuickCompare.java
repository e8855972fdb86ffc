package dev.distlock.bench.quick;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.embedded.RedisProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * A quick side-by-side run of distlock's Redis lock and Redisson's {@code RLock} on the same
 * Redis server, in one JVM, with warm-up: uncontended lock+unlock with 1 and 8 threads, and 4
 * threads contending for one name (hand-offs per second, p50/p99 hand-off latency). Prints each
 * number and the ratio against issue 4's targets. Not a JMH benchmark: a fast smoke check of
 * the performance design (one multiplexed connection, one round trip per operation, no
 * subscription on the uncontended path).
 *
 * <p>Run (from the repository root; starts a redis-server on a free port unless a URI is given):
 * <pre>
 * mvn -q -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/cp.txt -DskipTests
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/cp.txt) dev.distlock.bench.quick.RedisQuickCompare \
 *      [redis://host:port] [--seconds 3] [--warmup 5] [--rounds 5]
 * </pre>
 *
 * <p>A hand-off is an acquisition by a thread other than the previous holder; its latency runs
 * from the moment the previous holder called {@code unlock()} to the moment the next holder's
 * {@code lock()} returned. Both libraries use a watchdog lease (30 s) and one client shared by
 * all threads.
 */
public final class RedisQuickCompare {
    /** A single lock+unlock slower than this is reported: it would be a stall, not noise. */
    private static final long SLOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private RedisQuickCompare() {
    }

    /** One library under test: a shared client and a lock per name. */
    private interface Contender extends AutoCloseable {
        String name();

        Lock lock(String name);

        @Override
        void close();
    }

    private static Contender distlock(String uri) {
        LockClient client = LockClients.connect(uri);
        return new Contender() {
            @Override
            public String name() {
                return "distlock";
            }

            @Override
            public Lock lock(String name) {
                return client.mutex(name);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static Contender redisson(String uri) {
        Config config = new Config();
        config.useSingleServer().setAddress(uri);
        RedissonClient client = Redisson.create(config);
        return new Contender() {
            @Override
            public String name() {
                return "redisson";
            }

            @Override
            public Lock lock(String name) {
                return client.getLock(name);
            }

            @Override
            public void close() {
                client.shutdown();
            }
        };
    }

    /** What one timed run measured. */
    private record Result(double opsPerSec, double handoffsPerSec, double p50Micros, double p99Micros) {
    }

    /** Hand-off bookkeeping shared by the contending threads. */
    private static final class Baton {
        volatile int holder = -1;
        volatile long releasedAt;
    }

    private static Result run(Contender c, String scenario, int threads, boolean contended, long nanos)
            throws InterruptedException {
        String base = "quick:" + scenario + ":" + c.name() + ":" + System.nanoTime();
        Baton baton = new Baton();
        long[] ops = new long[threads];
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        long[] deadline = new long[1];
        for (int t = 0; t < threads; t++) {
            int me = t;
            Lock lock = c.lock(contended ? base : base + ":" + t);
            latencies[t] = new long[1 << 16];
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long n = 0;
                while (System.nanoTime() - deadline[0] < 0) {
                    long began = System.nanoTime();
                    lock.lock();
                    if (contended) {
                        int prev = baton.holder;
                        if (prev != me && prev != -1) {
                            long lat = System.nanoTime() - baton.releasedAt;
                            if (counts[me] == latencies[me].length) {
                                latencies[me] = Arrays.copyOf(latencies[me], counts[me] * 2);
                            }
                            latencies[me][counts[me]++] = lat;
                        }
                        baton.holder = me;
                        baton.releasedAt = System.nanoTime();
                    }
                    lock.unlock();
                    long took = System.nanoTime() - began;
                    if (took > SLOW_NANOS) {
                        System.out.printf(Locale.ROOT, "  (slow: one lock+unlock of %s took %d ms in %s)%n", c.name(),
                                took / 1_000_000, Thread.currentThread().getName());
                    }
                    n++;
                }
                ops[me] = n;
            }, "quick-" + scenario + "-" + t);
            workers.add(w);
            w.start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + nanos;
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long total = Arrays.stream(ops).sum();
        if (!contended) {
            return new Result(total / secs, 0, 0, 0);
        }
        int n = Arrays.stream(counts).sum();
        long[] all = new long[n];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        double p50 = n == 0 ? Double.NaN : all[(int) (n * 0.50)] / 1e3;
        double p99 = n == 0 ? Double.NaN : all[Math.min(n - 1, (int) (n * 0.99))] / 1e3;
        return new Result(total / secs, n / secs, p50, p99);
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code [redis://host:port] [--seconds N] [--warmup N] [--rounds N]}
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        String uri = null;
        int seconds = 3;
        int warmup = 5;
        int rounds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> {
                    if (args[i].startsWith("redis://")) {
                        uri = args[i];
                    } else {
                        throw new IllegalArgumentException("unknown argument '" + args[i]
                                + "'; usage: [redis://host:port] [--seconds N] [--warmup N] [--rounds N]");
                    }
                }
            }
        }
        RedisProcess server = null;
        if (uri == null) {
            if (!RedisProcess.isAvailable()) {
                throw new IllegalStateException("no URI given and redis-server is not installed");
            }
            server = RedisProcess.startDefault();
            uri = server.uri();
        }
        System.out.printf(Locale.ROOT, "Redis at %s; %d s per run after %d s warm-up, %d rounds, %d cores%n", uri,
                seconds, warmup, rounds, Runtime.getRuntime().availableProcessors());
        List<Function<String, Contender>> factories = List.of(RedisQuickCompare::distlock, RedisQuickCompare::redisson);
        List<Contender> contenders = new ArrayList<>();
        try {
            for (Function<String, Contender> f : factories) {
                contenders.add(f.apply(uri));
            }
            long measure = TimeUnit.SECONDS.toNanos(seconds);
            long warm = TimeUnit.SECONDS.toNanos(warmup);
            String[] scenarios = {"uncontended-1", "uncontended-8", "contended-4"};
            double[][][][] results = new double[scenarios.length][contenders.size()][4][rounds];
            for (int s = 0; s < scenarios.length; s++) {
                int threads = s == 0 ? 1 : s == 1 ? 8 : 4;
                boolean contended = s == 2;
                for (Contender c : contenders) {
                    run(c, scenarios[s] + "-warm", threads, contended, warm);
                }
                for (int r = 0; r < rounds; r++) {
                    for (int ci = 0; ci < contenders.size(); ci++) {
                        Contender c = contenders.get(ci);
                        Result res = run(c, scenarios[s], threads, contended, measure);
                        System.out.printf(Locale.ROOT, "  %-14s %-9s round %d: %,10.0f ops/s%s%n", scenarios[s], c.name(),
                                r + 1, res.opsPerSec(), contended ? String.format(Locale.ROOT,
                                        ", %,8.0f hand-offs/s, p50 %,7.0f us, p99 %,7.0f us", res.handoffsPerSec(),
                                        res.p50Micros(), res.p99Micros()) : "");
                        double[][] acc = results[s][ci];
                        acc[0][r] = res.opsPerSec();
                        acc[1][r] = res.handoffsPerSec();
                        acc[2][r] = res.p50Micros();
                        acc[3][r] = res.p99Micros();
                    }
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%-36s %14s %14s %10s  %s%n", "measure (median of rounds)", "distlock",
                    "redisson", "ratio", "target");
            row("uncontended lock+unlock/s, 1 thread", median(results[0][0][0]), median(results[0][1][0]), ">= 1.5");
            row("uncontended lock+unlock/s, 8 threads", median(results[1][0][0]), median(results[1][1][0]), ">= 2");
            row("contended (4 threads) acquisitions/s", median(results[2][0][0]), median(results[2][1][0]), "");
            row("contended (4 threads) hand-offs/s", median(results[2][0][1]), median(results[2][1][1]), ">= 2");
            row("contended hand-off p50 (us)", median(results[2][1][2]), median(results[2][0][2]), "(redisson/distlock)");
            row("contended hand-off p99 (us)", median(results[2][1][3]), median(results[2][0][3]),
                    ">= 3 (redisson/distlock)");
        } finally {
            for (Contender c : contenders) {
                c.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void row(String what, double distlockOrRedisson, double other, String target) {
        boolean latency = what.contains("(us)");
        double d = latency ? other : distlockOrRedisson;
        double r = latency ? distlockOrRedisson : other;
        System.out.printf(Locale.ROOT, "%-36s %,14.0f %,14.0f %10.2f  %s%n", what, d, r, distlockOrRedisson / other,
                target);
    }
}

package dev.distlock.bench.quickredlock;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.Mutex;
import dev.distlock.embedded.RedisProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.RedissonRedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * A quick, single-threaded comparison of uncontended lock+unlock on the same three real
 * {@code redis-server} processes in one run: distlock Redlock (3 nodes), distlock redis-lock
 * (node 1 alone) and Redisson's {@code RedissonRedLock} (3 nodes). Rounds are interleaved so
 * that the noise of a shared machine hits every contender alike; the median round counts.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am compile exec:java
 * -Dexec.mainClass=dev.distlock.bench.quickredlock.RedlockQuickCompare -Dexec.args="5 2000"}
 * (or with {@code java -cp}); arguments: rounds (default 5) and milliseconds per round (default
 * 2000). Not thread-safe; a main only.
 */
public final class RedlockQuickCompare {
    private RedlockQuickCompare() {
    }

    /** One contender: a lock+unlock of a fixed name. */
    private interface Op {
        void lockUnlock();
    }

    /**
     * Runs the comparison and prints µs per lock+unlock and the ratios.
     *
     * @param args optional: rounds, milliseconds per round
     * @throws Exception if a server cannot be started
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long roundMillis = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        if (!RedisProcess.isAvailable()) {
            System.err.println("redis-server is not installed; nothing to compare");
            return;
        }
        List<RedisProcess> nodes = new ArrayList<>();
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisProcess.startDefault());
            }
            String hosts = nodes.stream().map(n -> "127.0.0.1:" + n.port()).reduce((x, y) -> x + "," + y).orElseThrow();
            LockClient redlock = LockClients.connect("redlock://" + hosts);
            closers.add(redlock);
            LockClient single = LockClients.connect(nodes.get(0).uri());
            closers.add(single);
            List<RedissonClient> rs = new ArrayList<>();
            for (RedisProcess n : nodes) {
                Config c = new Config();
                c.useSingleServer().setAddress("redis://127.0.0.1:" + n.port()).setConnectionMinimumIdleSize(1)
                        .setConnectionPoolSize(2);
                RedissonClient r = Redisson.create(c);
                rs.add(r);
                closers.add(r::shutdown);
            }
            Mutex redlockMutex = redlock.mutex("quick:redlock");
            Mutex singleMutex = single.mutex("quick:single");
            RLock[] parts = rs.stream().map(r -> r.getLock("quick:redisson")).toArray(RLock[]::new);
            @SuppressWarnings("deprecation")
            RedissonRedLock redissonRedLock = new RedissonRedLock(parts);

            Map<String, Op> ops = new LinkedHashMap<>();
            ops.put("distlock redlock (3 nodes)", () -> {
                redlockMutex.lock();
                redlockMutex.unlock();
            });
            ops.put("distlock redis (1 node)", () -> {
                singleMutex.lock();
                singleMutex.unlock();
            });
            ops.put("Redisson RedissonRedLock (3 nodes)", () -> {
                redissonRedLock.lock();
                redissonRedLock.unlock();
            });
            Map<String, List<Double>> micros = new LinkedHashMap<>();
            ops.keySet().forEach(k -> micros.put(k, new ArrayList<>()));
            for (Map.Entry<String, Op> e : ops.entrySet()) {
                run(e.getValue(), 1000); // warm-up
            }
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Op> e : ops.entrySet()) {
                    micros.get(e.getKey()).add(run(e.getValue(), roundMillis));
                }
            }
            Map<String, Double> median = new LinkedHashMap<>();
            System.out.printf("%-38s %12s %12s   rounds (µs/op)%n", "contender", "µs/op", "ops/s");
            for (Map.Entry<String, List<Double>> e : micros.entrySet()) {
                List<Double> sorted = new ArrayList<>(e.getValue());
                sorted.sort(null);
                double m = sorted.get(sorted.size() / 2);
                median.put(e.getKey(), m);
                System.out.printf("%-38s %12.1f %12.0f   %s%n", e.getKey(), m, 1e6 / m, fmt(e.getValue()));
            }
            double red = median.get("distlock redlock (3 nodes)");
            double one = median.get("distlock redis (1 node)");
            double rr = median.get("Redisson RedissonRedLock (3 nodes)");
            System.out.printf("redlock / single-node cost: %.2fx (target <= 1.5x); median of per-round ratios %.2fx%n",
                    red / one, medianRatio(micros.get("distlock redlock (3 nodes)"), micros.get("distlock redis (1 node)")));
            System.out.printf("RedissonRedLock / redlock cost: %.2fx (target >= 2x); median of per-round ratios %.2fx%n",
                    rr / red, medianRatio(micros.get("Redisson RedissonRedLock (3 nodes)"),
                            micros.get("distlock redlock (3 nodes)")));
        } finally {
            for (int i = closers.size() - 1; i >= 0; i--) {
                try {
                    closers.get(i).close();
                } catch (Exception e) {
                    System.err.println("close failed: " + e);
                }
            }
            nodes.forEach(RedisProcess::close);
        }
    }

    /** Runs {@code op} for about {@code millis} and returns µs per operation. */
    private static double run(Op op, long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - end < 0) {
            op.lockUnlock();
            n++;
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }

    /** The median over rounds of {@code a[r] / b[r]}: steadier than a ratio of medians when load swings between rounds. */
    private static double medianRatio(List<Double> a, List<Double> b) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            r.add(a.get(i) / b.get(i));
        }
        r.sort(null);
        return r.get(r.size() / 2);
    }

    private static String fmt(List<Double> v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(String.format("%.0f ", d));
        }
        return sb.toString().trim();
    }
}

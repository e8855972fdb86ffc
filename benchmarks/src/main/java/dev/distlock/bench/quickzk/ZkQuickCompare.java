package dev.distlock.bench.quickzk;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.zookeeper.ZkLockOptions;
import dev.distlock.zookeeper.ZkRequestStats;
import dev.distlock.zookeeper.ZooKeeperLocks;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.drivers.TracerDriver;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * A quick side-by-side run of distlock's ZooKeeper backend and Curator's
 * {@code InterProcessMutex} on one in-process ZooKeeper server ({@code TestingServer} on
 * 127.0.0.1), in one JVM and one run: the uncontended lock+unlock rate of one thread, and the
 * hand-offs per second of four threads contending for one lock — once with the four threads
 * sharing one client (one session), once with a client per thread (four sessions). Each
 * measurement is preceded by a warm-up and repeated in alternating rounds; the median round
 * counts, and so does the median of the per-round ratios. It also prints the ZooKeeper requests
 * and round trips per lock+unlock, and the process CPU time per lock+unlock (client and server
 * together: a measure that suffers less from other load on a shared machine than rates do).
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/cp.txt) \
 *     dev.distlock.bench.quickzk.ZkQuickCompare --seconds 2 --rounds 6
 * </pre>
 *
 * Options: {@code --seconds N} per measured round (default 2), {@code --warmup N} seconds
 * (default 3), {@code --rounds N} (default 6), {@code --threads N} contenders (default 4),
 * {@code --fsync} to keep ZooKeeper's transaction-log fsync on (off by default, as in
 * {@code EmbeddedZooKeeper}: with fsync the disk, not the client, sets the pace), {@code --floor}
 * to add two reference loops to the uncontended rounds: the bare ZooKeeper handle sending only
 * the requests each recipe needs, with no lock logic ({@code create} + {@code delete}, and
 * {@code create} + {@code getChildren} + {@code delete}). Their ratio is what the request
 * patterns alone allow; each lock's rate next to its floor shows its own client overhead.
 * {@code --slices N} splits each round into N slices per contender, alternating the contenders
 * slice by slice (default 1: each contender runs its whole round at once); the round's rate is
 * then the sum over its slices, so the two sides of a per-round ratio were measured closer
 * together in time, which counts when the load of a shared machine swings from second to second.
 *
 * <p>Options to reproduce the comparison runner's conditions ({@code benchmarks.jar --quick}):
 * {@code --round-ms N} and {@code --warmup-ms N} set the round and warm-up lengths in
 * milliseconds (the runner measures one 500 ms window after a 200 ms warm-up);
 * {@code --server embedded} runs distlock's {@code EmbeddedZooKeeper} (the runner's server, which
 * reaps empty container nodes every 100 ms) instead of {@code TestingServer} (every 60 s), and
 * {@code --container-check MS} sets that interval on the embedded server; {@code --lease S} gives
 * distlock's clients the runner's lease (3 s) instead of the default; {@code --show-rounds} prints
 * every round's ratio, so the spread of single-window ratios can be seen; {@code --turns} makes
 * the contending threads take turns as the runner's hand-off loop does (after releasing, a thread
 * polls every 20 µs, for up to 200 ms, until another thread has acquired, before asking again).
 *
 * <p>Not thread-safe; a program, run once.
 */
public final class ZkQuickCompare {
    /** Whether contending threads take turns as in the comparison runner ({@code --turns}). */
    private static boolean turns;

    private ZkQuickCompare() {
    }

    /** One contender's way to take and give back a lock. */
    private interface Locker extends AutoCloseable {
        void lock() throws Exception;

        void unlock() throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Makes lockers on one lock name; {@code shared} says whether they share a session. */
    private interface Contender extends AutoCloseable {
        String name();

        Locker locker(String lock, boolean shared) throws Exception;

        /** Requests sent so far by this contender's clients. */
        long requests();

        /** Round trips waited for so far, or -1 if unknown. */
        long roundTrips();

        @Override
        void close() throws Exception;
    }

    /**
     * Runs the comparison and prints the results.
     *
     * @param args the options described in the class comment
     * @throws Exception if the server or a client fails
     */
    public static void main(String[] args) throws Exception {
        int seconds = 2;
        int warmup = 3;
        int rounds = 6;
        int threads = 4;
        boolean fsync = false;
        boolean floor = false;
        int slices = 1;
        long roundMillis = -1;
        long warmupMillis = -1;
        boolean embedded = false;
        long containerCheckMillis = 100;
        long leaseSeconds = -1;
        boolean showRounds = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--round-ms" -> roundMillis = Long.parseLong(args[++i]);
                case "--warmup-ms" -> warmupMillis = Long.parseLong(args[++i]);
                case "--server" -> {
                    String kind = args[++i];
                    if (!kind.equals("embedded") && !kind.equals("testing")) {
                        throw new IllegalArgumentException("--server must be embedded or testing, got " + kind);
                    }
                    embedded = kind.equals("embedded");
                }
                case "--container-check" -> containerCheckMillis = Long.parseLong(args[++i]);
                case "--lease" -> leaseSeconds = Long.parseLong(args[++i]);
                case "--show-rounds" -> showRounds = true;
                case "--turns" -> turns = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--fsync" -> fsync = true;
                case "--floor" -> floor = true;
                case "--slices" -> slices = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --seconds N, --warmup N, --rounds N, --threads N, --fsync, --floor, --slices N,"
                        + " --round-ms N, --warmup-ms N, --server embedded|testing, --container-check MS, --lease S,"
                        + " --show-rounds, --turns)");
            }
        }
        long round = roundMillis > 0 ? roundMillis : seconds * 1000L;
        long warm = warmupMillis >= 0 ? warmupMillis : warmup * 1000L;
        if (slices < 1 || round / slices < 100) {
            throw new IllegalArgumentException("--slices must be at least 1 and leave slices of at least 100 ms, got "
                    + slices + " for " + round + " ms rounds");
        }
        if (leaseSeconds == 0 || leaseSeconds < -1) {
            throw new IllegalArgumentException("--lease must be a positive number of seconds, got " + leaseSeconds);
        }
        if (containerCheckMillis < 10) {
            throw new IllegalArgumentException("--container-check must be at least 10 ms, got " + containerCheckMillis);
        }
        // ZooKeeper and Curator log every connection at INFO; keep the output to the results.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // Read by ZooKeeper's transaction log when its class loads: set before the server starts.
        System.setProperty("zookeeper.forceSync", fsync ? "yes" : "no");
        LockConfig config = leaseSeconds > 0
                ? LockConfig.builder().leaseTime(java.time.Duration.ofSeconds(leaseSeconds)).build() : LockConfig.defaults();
        try (Server server = embedded ? new Embedded(fsync, containerCheckMillis) : new Testing()) {
            String connect = server.connect();
            System.out.printf(Locale.ROOT, "ZooKeeper %s (%s, in process, fsync %s), %d cores, %d ms rounds x %d (%d slice%s"
                            + " each), warm-up %d ms, distlock lease %s, load average %.2f%n",
                    connect, server.describe(), fsync ? "on" : "off", Runtime.getRuntime().availableProcessors(), round,
                    rounds, slices, slices == 1 ? "" : "s", warm, config.leaseTime(), loadAverage());
            try (Contender ours = new Distlock(connect, config); Contender curator = new Curator(connect);
                    Contender floor2 = floor ? new Floor(connect, false) : null;
                    Contender floor3 = floor ? new Floor(connect, true) : null) {
                List<Contender> both = List.of(ours, curator);
                System.out.println();
                System.out.println("uncontended lock+unlock, 1 thread");
                Map<String, Double> unc = compare(floor ? List.of(ours, curator, floor2, floor3) : both, 1, true,
                        round, warm, rounds, slices, "u", showRounds);
                System.out.println();
                System.out.printf(Locale.ROOT, "contended, %d threads, one shared client (session)%n", threads);
                Map<String, Double> shared = compare(both, threads, true, round, warm, rounds, slices, "s", showRounds);
                System.out.println();
                System.out.printf(Locale.ROOT, "contended, %d threads, a client (session) per thread%n", threads);
                Map<String, Double> perThread = compare(both, threads, false, round, warm, rounds, slices, "p", showRounds);
                System.out.println();
                System.out.println("ratio distlock / InterProcessMutex (target >= 1.5)");
                ratio("uncontended lock+unlock/s", unc);
                ratio("hand-offs/s, " + threads + " threads, shared client", shared);
                ratio("hand-offs/s, " + threads + " threads, client per thread", perThread);
                if (floor) {
                    System.out.printf(Locale.ROOT, "  %-46s %5.2fx (median of per-round ratios: what 2 requests vs 3 allow)%n",
                            "floor, create+delete / create+list+delete", unc.get("floorRatio"));
                }
                System.out.printf(Locale.ROOT, "load average at the end: %.2f%n", loadAverage());
            }
        }
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The in-process ZooKeeper server the contenders share. */
    private interface Server extends AutoCloseable {
        String connect();

        String describe();
    }

    /** Curator's {@code TestingServer}: empty container nodes are reaped every 60 s (its default). */
    private static final class Testing implements Server {
        private final TestingServer server;

        Testing() throws Exception {
            File dir = Files.createTempDirectory("quickzk-").toFile();
            // port -1: a free port; election/quorum ports unused by a single server
            InstanceSpec spec = new InstanceSpec(dir, -1, -1, -1, true, -1, -1, 0,
                    Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
            this.server = new TestingServer(spec, true);
        }

        @Override
        public String connect() {
            return "127.0.0.1:" + server.getPort();
        }

        @Override
        public String describe() {
            return "curator-test TestingServer, containers reaped every 60 s";
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    /** distlock's {@code EmbeddedZooKeeper}, the comparison runner's server. */
    private static final class Embedded implements Server {
        private final EmbeddedZooKeeper server;
        private final long containerCheckMillis;

        Embedded(boolean fsync, long containerCheckMillis) {
            this.containerCheckMillis = containerCheckMillis;
            this.server = EmbeddedZooKeeper.builder().fsync(fsync)
                    .containerCheckInterval(java.time.Duration.ofMillis(containerCheckMillis)).build().start();
        }

        @Override
        public String connect() {
            return server.connectString();
        }

        @Override
        public String describe() {
            return "distlock EmbeddedZooKeeper, containers reaped every " + containerCheckMillis + " ms";
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private static void ratio(String what, Map<String, Double> rates) {
        System.out.printf(Locale.ROOT, "  %-46s %5.2fx (median of per-round ratios; ratio of medians %.2fx)%n", what,
                rates.get("ratio"), rates.get("distlock") / rates.get("InterProcessMutex"));
    }

    /**
     * Runs every contender in alternating rounds (the order flips every round, so that a change
     * of load on a shared machine hits both alike); prints each one's median rate, CPU time per
     * operation and requests per operation; returns the median of the per-round ratios
     * (distlock / InterProcessMutex) under the key "ratio", and the median rates by name.
     */
    private static Map<String, Double> compare(List<Contender> contenders, int threads, boolean shared, long roundMillis,
            long warmupMillis, int rounds, int slices, String tag, boolean showRounds) throws Exception {
        Map<String, List<Double>> rates = new ConcurrentHashMap<>();
        Map<String, List<Double>> cpu = new ConcurrentHashMap<>();
        Map<String, double[]> perOp = new ConcurrentHashMap<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> floorRatios = new ArrayList<>();
        for (Contender c : contenders) {
            run(c, threads, shared, warmupMillis, tag);
        }
        for (int r = 0; r < rounds; r++) {
            List<Contender> order = new ArrayList<>(contenders);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            Map<String, Double> thisRound = new ConcurrentHashMap<>();
            // per contender: ops, elapsed nanos, CPU nanos, requests, round trips
            Map<String, long[]> sums = new ConcurrentHashMap<>();
            for (int s = 0; s < slices; s++) {
                if (s > 0) {
                    java.util.Collections.reverse(order);
                }
                for (Contender c : order) {
                    long req0 = c.requests();
                    long rt0 = c.roundTrips();
                    long cpu0 = processCpuNanos();
                    long[] ops = run(c, threads, shared, roundMillis / slices, tag);
                    long cpuUsed = processCpuNanos() - cpu0;
                    long[] sum = sums.computeIfAbsent(c.name(), k -> new long[5]);
                    sum[0] += ops[0];
                    sum[1] += ops[1];
                    sum[2] += cpuUsed;
                    sum[3] += c.requests() - req0;
                    sum[4] = rt0 < 0 ? -1 : sum[4] + c.roundTrips() - rt0;
                }
            }
            for (Contender c : contenders) {
                long[] sum = sums.get(c.name());
                double rate = sum[0] * 1e9 / sum[1];
                thisRound.put(c.name(), rate);
                rates.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(rate);
                cpu.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(sum[2] / 1e3 / Math.max(1, sum[0]));
                perOp.put(c.name(), new double[] {(double) sum[3] / Math.max(1, sum[0]),
                        sum[4] < 0 ? -1 : (double) sum[4] / Math.max(1, sum[0])});
            }
            ratios.add(thisRound.get(contenders.get(0).name()) / thisRound.get(contenders.get(1).name()));
            if (contenders.size() >= 4) {
                floorRatios.add(thisRound.get(contenders.get(2).name()) / thisRound.get(contenders.get(3).name()));
            }
        }
        if (showRounds) {
            StringBuilder b = new StringBuilder();
            for (double r : ratios) {
                b.append(String.format(Locale.ROOT, " %.2f", r));
            }
            List<Double> sorted = new ArrayList<>(ratios);
            sorted.sort(Double::compare);
            System.out.printf(Locale.ROOT, "  per-round ratios %s / %s:%s (min %.2f, max %.2f; %d of %d at or above 1.5)%n",
                    contenders.get(0).name(), contenders.get(1).name(), b, sorted.get(0), sorted.get(sorted.size() - 1),
                    ratios.stream().filter(r -> r >= 1.5).count(), ratios.size());
        }
        Map<String, Double> result = new ConcurrentHashMap<>();
        for (Contender c : contenders) {
            double median = median(rates.get(c.name()));
            result.put(c.name(), median);
            double[] po = perOp.get(c.name());
            System.out.printf(Locale.ROOT, "  %-18s %7.0f ops/s (median of %d; min %.0f, max %.0f)  %6.0f us CPU/op  %.2f requests/op%s%n",
                    c.name(), median, rounds, java.util.Collections.min(rates.get(c.name())),
                    java.util.Collections.max(rates.get(c.name())), median(cpu.get(c.name())), po[0],
                    po[1] < 0 ? "" : String.format(Locale.ROOT, ", %.2f round trips/op", po[1]));
        }
        result.put("ratio", median(ratios));
        if (!floorRatios.isEmpty()) {
            result.put("floorRatio", median(floorRatios));
        }
        return result;
    }

    private static double median(List<Double> values) {
        List<Double> list = new ArrayList<>(values);
        list.sort(Double::compare);
        int n = list.size();
        return n % 2 == 1 ? list.get(n / 2) : (list.get(n / 2 - 1) + list.get(n / 2)) / 2;
    }

    /** CPU time of this process (client and in-process server), in nanoseconds. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    /** Runs {@code threads} lockers for {@code millis}; returns {ops, elapsed nanos}. */
    private static long[] run(Contender c, int threads, boolean shared, long millis, String tag) throws Exception {
        String lock = "quickzk-" + tag + "-" + c.name();
        List<Locker> lockers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            lockers.add(c.locker(lock, shared));
        }
        LongAdder ops = new LongAdder();
        java.util.concurrent.atomic.AtomicLong acquisitions = new java.util.concurrent.atomic.AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (Locker l : lockers) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    while (!stop.get()) {
                        l.lock();
                        long generation = acquisitions.incrementAndGet();
                        l.unlock();
                        ops.increment();
                        if (turns && threads > 1) {
                            // As the comparison runner's hand-off loop: let another thread have it
                            // before asking again, polling every 20 µs for up to 200 ms.
                            long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                            while (acquisitions.get() == generation && !stop.get()
                                    && System.nanoTime() - giveUpAt < 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                            }
                        }
                    }
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            }, "quickzk-" + c.name());
            w.start();
            workers.add(w);
        }
        long t0 = System.nanoTime();
        start.countDown();
        Thread.sleep(millis); // the measured interval itself
        stop.set(true);
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
        }
        long elapsed = System.nanoTime() - t0;
        for (Locker l : lockers) {
            l.close();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException(c.name() + " failed", errors.get(0));
        }
        return new long[] {ops.sum(), elapsed};
    }

    /** distlock's ZooKeeper backend through the public API. */
    private static final class Distlock implements Contender {
        private final String connect;
        private final ZkRequestStats stats = new ZkRequestStats();
        private final LockClient sharedClient;

        private final LockConfig config;

        Distlock(String connect, LockConfig config) {
            this.connect = connect;
            this.config = config;
            this.sharedClient = newClient();
        }

        private LockClient newClient() {
            return ZooKeeperLocks.connect("zk://" + connect + "/quickzk", config,
                    ZkLockOptions.builder().stats(stats).build());
        }

        @Override
        public String name() {
            return "distlock";
        }

        @Override
        public Locker locker(String lock, boolean shared) {
            LockClient client = shared ? sharedClient : newClient();
            Mutex m = client.mutex(lock);
            return new Locker() {
                @Override
                public void lock() {
                    m.lock();
                }

                @Override
                public void unlock() {
                    m.unlock();
                }

                @Override
                public void close() {
                    if (!shared) {
                        client.close();
                    }
                }
            };
        }

        @Override
        public long requests() {
            return stats.requests();
        }

        @Override
        public long roundTrips() {
            return stats.roundTrips();
        }

        @Override
        public void close() {
            sharedClient.close();
        }
    }

    /**
     * A reference loop on the bare ZooKeeper handle (of a Curator client, which only keeps the
     * connection): "lock" creates an ephemeral sequential node (and with {@code list} lists its
     * parent, as {@code InterProcessMutex} does), "unlock" deletes it. No checks, no waiting, no
     * re-entry: the floor of what a recipe sending these requests can cost. Only meaningful
     * uncontended.
     */
    private static final class Floor implements Contender {
        private final boolean list;
        private final LongAdder requests = new LongAdder();
        private final CuratorFramework client;

        Floor(String connect, boolean list) throws InterruptedException {
            this.list = list;
            this.client = CuratorFrameworkFactory.newClient(connect, 30_000, 10_000, new ExponentialBackoffRetry(50, 3));
            client.start();
            if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Curator could not connect to " + connect);
            }
        }

        @Override
        public String name() {
            return list ? "floor c+list+d" : "floor c+d";
        }

        @Override
        public Locker locker(String lock, boolean shared) throws Exception {
            String parent = "/quickzk-floor/" + lock;
            if (client.checkExists().forPath(parent) == null) {
                client.create().creatingParentsIfNeeded().forPath(parent);
            }
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            byte[] data = "floor".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String[] node = new String[1];
            return new Locker() {
                @Override
                public void lock() throws Exception {
                    node[0] = zk.create(parent + "/n-", data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
                    requests.increment();
                    if (list) {
                        zk.getChildren(parent, false);
                        requests.increment();
                    }
                }

                @Override
                public void unlock() throws Exception {
                    zk.delete(node[0], -1);
                    requests.increment();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public long requests() {
            return requests.sum();
        }

        @Override
        public long roundTrips() {
            return requests.sum();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Curator's InterProcessMutex; its requests are counted through Curator's tracer. */
    private static final class Curator implements Contender {
        private final String connect;
        private final LongAdder requests = new LongAdder();
        private final CuratorFramework sharedClient;

        Curator(String connect) throws InterruptedException {
            this.connect = connect;
            this.sharedClient = newClient();
        }

        private CuratorFramework newClient() throws InterruptedException {
            CuratorFramework c = CuratorFrameworkFactory.newClient(connect, 30_000, 10_000,
                    new ExponentialBackoffRetry(50, 3));
            c.getZookeeperClient().setTracerDriver(new TracerDriver() {
                @Override
                public void addTrace(String name, long time, TimeUnit unit) {
                    // one trace per foreground or background ZooKeeper operation
                    if (name.endsWith("-Foreground") || name.endsWith("-Background")) {
                        requests.increment();
                    }
                }

                @Override
                public void addCount(String name, int increment) {
                }
            });
            c.start();
            if (!c.blockUntilConnected(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Curator could not connect to " + connect);
            }
            return c;
        }

        @Override
        public String name() {
            return "InterProcessMutex";
        }

        @Override
        public Locker locker(String lock, boolean shared) throws InterruptedException {
            CuratorFramework client = shared ? sharedClient : newClient();
            InterProcessMutex m = new InterProcessMutex(client, "/quickzk-curator/" + lock);
            return new Locker() {
                @Override
                public void lock() throws Exception {
                    m.acquire();
                }

                @Override
                public void unlock() throws Exception {
                    m.release();
                }

                @Override
                public void close() {
                    if (!shared) {
                        client.close();
                    }
                }
            };
        }

        @Override
        public long requests() {
            return requests.sum();
        }

        @Override
        public long roundTrips() {
            return -1;
        }

        @Override
        public void close() {
            sharedClient.close();
        }
    }
}

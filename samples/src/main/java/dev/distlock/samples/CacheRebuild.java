package dev.distlock.samples;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockException;
import dev.distlock.Mutex;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The cache-rebuild demo (cache stampede): a hot key in a shared cache (the {@link Database})
 * expires again and again while {@code N} application instances × {@code M} reader threads keep
 * reading it. Rebuilding it is slow (a heavy query). With no lock, every reader that finds it
 * expired rebuilds it at the same time; with a distributed lock, exactly one caller rebuilds it
 * per expiry, under {@code rebuild:<key>}, while the others serve the stale value (or, when there
 * is nothing to serve yet, wait for the lock and read what the rebuilder wrote).
 *
 * <pre>
 * mvn -q -B -Pdemo -pl samples -am verify -DskipTests -Ddemo.main=dev.distlock.samples.CacheRebuild
 * </pre>
 *
 * <p>Options: {@code --uri URI} (repeatable) runs on those lock servers instead of the embedded
 * ones; {@code --short} is a small run for CI.
 */
public final class CacheRebuild {
    /**
     * The load of a run.
     *
     * @param instances simulated application instances, each with its own lock client
     * @param readers reader threads per instance
     * @param duration how long the readers read
     * @param ttl how long a rebuilt value stays fresh
     * @param rebuildTime how long a rebuild takes
     * @param uris lock store URIs to use instead of the embedded servers; empty for embedded
     */
    public record Options(int instances, int readers, Duration duration, Duration ttl, Duration rebuildTime,
            List<String> uris) {
        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException if a count or a duration is not positive, or uris is null
         */
        public Options {
            if (instances < 1 || readers < 1) {
                throw new IllegalArgumentException("instances and readers must be at least 1, were " + instances
                        + ", " + readers);
            }
            for (Duration d : new Duration[] {duration, ttl, rebuildTime}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("duration, ttl and rebuildTime must be positive, were "
                            + duration + ", " + ttl + ", " + rebuildTime);
                }
            }
            if (uris == null) {
                throw new IllegalArgumentException("uris must not be null");
            }
            uris = List.copyOf(uris);
        }

        /**
         * The demo's load: 3 instances × 4 readers for 4 s, a 500 ms TTL, 100 ms rebuilds.
         *
         * @return the options
         */
        public static Options defaults() {
            return new Options(3, 4, Duration.ofSeconds(4), Duration.ofMillis(500), Duration.ofMillis(100), List.of());
        }

        /**
         * The CI load: 2 instances × 3 readers for 1.5 s, a 300 ms TTL, 50 ms rebuilds.
         *
         * @return the options
         */
        public static Options quick() {
            return new Options(2, 3, Duration.ofMillis(1500), Duration.ofMillis(300), Duration.ofMillis(50), List.of());
        }

        /**
         * Parses command-line arguments over {@link #defaults()}.
         *
         * @param args {@code --short}, {@code --uri URI} (repeatable)
         * @return the options
         * @throws IllegalArgumentException for an unknown option or a missing value
         */
        public static Options parse(String... args) {
            Options o = defaults();
            List<String> uris = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.isBlank()) {
                    continue;
                }
                if (a.equals("--short")) {
                    o = quick();
                } else if (a.equals("--uri") && i + 1 < args.length) {
                    String v = args[++i];
                    LockServers.backendOf(v);
                    uris.add(v);
                } else {
                    throw new IllegalArgumentException("unknown option or missing value: " + a
                            + "; usage: CacheRebuild [--short] [--uri URI]...");
                }
            }
            return new Options(o.instances, o.readers, o.duration, o.ttl, o.rebuildTime, uris);
        }
    }

    /**
     * One line of the table.
     *
     * @param backend the lock backend, or {@code -} for no lock
     * @param reads reads of the key
     * @param expiries versions of the value found expired
     * @param rebuilds rebuilds done
     * @param maxPerExpiry the most rebuilds of any one version (1 is right; more is a stampede)
     * @param staleServes reads answered with the expired value while another caller rebuilt it
     * @param waits reads that waited for the rebuilder because there was nothing to serve
     * @param lockErrors lock calls that threw (timeouts on a loaded machine); that read was retried
     */
    public record Row(String backend, long reads, int expiries, int rebuilds, int maxPerExpiry, long staleServes,
            long waits, long lockErrors) {
    }

    private CacheRebuild() {
    }

    /**
     * Runs the demo and prints progress and the table to standard output.
     *
     * @param args see {@link Options#parse(String...)}
     * @throws Exception if the demo fails
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(options, System.out);
    }

    /**
     * Runs the no-lock baseline, then one row per lock backend, printing a line as each finishes
     * and the table at the end.
     *
     * @param options the load and the servers
     * @param out where progress and the table go
     * @return the rows, the no-lock baseline first
     * @throws Exception if a read or a server fails
     */
    public static List<Row> run(Options options, PrintStream out) throws Exception {
        out.printf("Cache rebuild: %d instances x %d readers read a hot key for %d ms; it expires every %d ms and"
                + " takes %d ms to rebuild%n", options.instances(), options.readers(), options.duration().toMillis(),
                options.ttl().toMillis(), options.rebuildTime().toMillis());
        List<Row> rows = new ArrayList<>();
        try (Database db = Database.start();
                LockServers servers = options.uris().isEmpty() ? LockServers.embedded(out::println)
                        : LockServers.of(options.uris())) {
            int total = 1 + servers.uris().size();
            rows.add(progress(out, 1, total, row(db, "-", null, options)));
            for (Map.Entry<String, String> s : servers.uris().entrySet()) {
                rows.add(progress(out, rows.size() + 1, total, row(db, s.getKey(), s.getValue(), options)));
            }
        }
        out.println();
        out.print(table(rows));
        out.println();
        out.println("With no lock every reader that finds the key expired rebuilds it; with a lock, one rebuild per"
                + " expiry while the others serve the stale value.");
        return rows;
    }

    private static Row progress(PrintStream out, int n, int total, Row r) {
        out.printf(Locale.ROOT, "  [%d/%d] %-10s %d expiries, %d rebuilds (at most %d of one version), %d stale serves%s%n",
                n, total, r.backend(), r.expiries(), r.rebuilds(), r.maxPerExpiry(), r.staleServes(),
                r.lockErrors() > 0 ? ", " + r.lockErrors() + " lock call(s) failed and were retried" : "");
        return r;
    }

    /**
     * Formats rows as the demo's table.
     *
     * @param rows the rows
     * @return the table, one line per row after a header
     */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-10s %-16s %7s %9s %9s %14s %12s %6s%n", "backend", "mode", "reads",
                "expiries", "rebuilds", "max/expiry", "stale serves", "waits"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-10s %-16s %7d %9d %9d %14d %12d %6d%n", r.backend(),
                    r.backend().equals("-") ? "no lock" : "tryLock or stale", r.reads(), r.expiries(), r.rebuilds(),
                    r.maxPerExpiry(), r.staleServes(), r.waits()));
        }
        return sb.toString();
    }

    private static final AtomicInteger KEYS = new AtomicInteger();

    /** Counters shared by the instances of one row. */
    static final class Stats {
        final LongAdder reads = new LongAdder();
        final LongAdder stale = new LongAdder();
        final LongAdder waits = new LongAdder();
        final LongAdder errors = new LongAdder();
        final Set<Long> expired = ConcurrentHashMap.newKeySet();
        final Map<Long, AtomicInteger> rebuildsOf = new ConcurrentHashMap<>();
    }

    /** Runs readers on every instance for the duration; the cache starts empty. */
    static Row row(Database db, String backend, String uri, Options o) throws Exception {
        String key = "cache:product:" + KEYS.incrementAndGet();
        Stats stats = new Stats();
        List<LockClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(o.instances() * o.readers());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> readers = new ArrayList<>();
            long[] deadline = new long[1];
            for (int i = 0; i < o.instances(); i++) {
                Mutex mutex = null;
                if (uri != null) {
                    LockClient client = LockClients.connect(uri, FlashSale.lockConfig("cache-" + i));
                    clients.add(client);
                    mutex = client.mutex("rebuild:" + key);
                }
                Cache cache = new Cache(db.connect(), key, mutex, o, stats);
                for (int r = 0; r < o.readers(); r++) {
                    readers.add(pool.submit(() -> {
                        start.await();
                        while (System.nanoTime() - deadline[0] < 0) {
                            try {
                                cache.get();
                            } catch (LockException e) {
                                // A lock call that failed on a loaded machine (a timeout): the next read tries again.
                                stats.errors.increment();
                            }
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a request every ~1 ms
                        }
                        return null;
                    }));
                }
            }
            deadline[0] = System.nanoTime() + o.duration().toNanos();
            start.countDown();
            for (Future<?> f : readers) {
                f.get(5, TimeUnit.MINUTES);
            }
            int rebuilds = stats.rebuildsOf.values().stream().mapToInt(AtomicInteger::get).sum();
            int max = stats.rebuildsOf.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
            return new Row(backend, stats.reads.sum(), stats.expired.size(), rebuilds, max, stats.stale.sum(),
                    stats.waits.sum(), stats.errors.sum());
        } finally {
            pool.shutdownNow();
            for (LockClient c : clients) {
                c.close();
            }
        }
    }

    /**
     * One instance's cache-aside logic over the shared cache. A value is stored as
     * {@code version|expiresAtMillis|payload}; it is kept after it expires, so that it can be
     * served stale.
     */
    static final class Cache {
        private final RedisCommands<String, String> db;
        private final String key;
        private final Mutex rebuildLock;
        private final Options options;
        private final Stats stats;

        Cache(RedisCommands<String, String> db, String key, Mutex rebuildLock, Options options, Stats stats) {
            this.db = db;
            this.key = key;
            this.rebuildLock = rebuildLock;
            this.options = options;
            this.stats = stats;
        }

        /** Reads the key: fresh, stale while another caller rebuilds it, or rebuilt by this caller. */
        String get() {
            stats.reads.increment();
            Entry e = read();
            if (e != null && e.fresh()) {
                return e.payload;
            }
            long version = e == null ? 0 : e.version;
            stats.expired.add(version);
            if (rebuildLock == null) {
                return rebuild(version);   // the stampede: every caller that saw it expired rebuilds it
            }
            if (e == null) {
                // Nothing to serve yet: wait for whoever rebuilds it, then read what they wrote.
                rebuildLock.lock();
                try {
                    Entry again = read();
                    if (again != null && again.fresh()) {
                        stats.waits.increment();
                        return again.payload;
                    }
                    return rebuild(again == null ? 0 : again.version);
                } finally {
                    rebuildLock.unlock();
                }
            }
            if (!rebuildLock.tryLock()) {
                stats.stale.increment();   // someone else is rebuilding it
                return e.payload;
            }
            try {
                Entry again = read();
                if (again != null && (again.fresh() || again.version != version)) {
                    return again.payload;   // rebuilt while we were taking the lock
                }
                return rebuild(version);
            } finally {
                rebuildLock.unlock();
            }
        }

        private String rebuild(long expiredVersion) {
            stats.expired.add(expiredVersion);
            stats.rebuildsOf.computeIfAbsent(expiredVersion, v -> new AtomicInteger()).incrementAndGet();
            // The slow query the cache is there to avoid; its duration is the point of the demo.
            LockSupport.parkNanos(options.rebuildTime().toNanos());
            long version = expiredVersion + 1;
            String payload = "product 42, version " + version;
            db.set(key, version + "|" + (System.currentTimeMillis() + options.ttl().toMillis()) + "|" + payload);
            return payload;
        }

        private Entry read() {
            String v = db.get(key);
            if (v == null) {
                return null;
            }
            String[] parts = v.split("\\|", 3);
            return new Entry(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]);
        }
    }

    private record Entry(long version, long expiresAt, String payload) {
        boolean fresh() {
            return System.currentTimeMillis() < expiresAt;
        }
    }
}

package dev.distlock.samples;

import dev.distlock.Lease;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockException;
import dev.distlock.Mutex;
import dev.distlock.annotation.LockProxies;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The flash-sale demo (ticket grabbing): {@code N} application instances, each with its own
 * {@link LockClient} and its own database connection as separate servers would have, run
 * {@code M} buyer threads each, all buying one unit at a time from a fixed stock kept in a shared
 * {@link Database} until it is sold out. A purchase is a non-atomic read-modify-write (see
 * {@link Shop}), so with no lock the instances sell more than there is; with a distributed lock,
 * taken either through {@code @DistributedLock} ({@link LockProxies}) or by hand
 * ({@link Mutex#acquire(Duration)}), they sell exactly the stock.
 *
 * <pre>
 * mvn -q -B -Pdemo -pl samples -am verify -DskipTests                    # embedded servers
 * mvn -q -B -Pdemo -pl samples -am verify -DskipTests -Ddemo.args="--uri redis://127.0.0.1:6379"
 * </pre>
 *
 * <p>Options: {@code --uri URI} (repeatable) runs on those servers instead of the embedded
 * ones; {@code --short} is a small run for CI; {@code --stock}, {@code --instances},
 * {@code --buyers} (per instance) and {@code --window-ms} change the load.
 */
public final class FlashSale {
    /** How a row's purchases are protected. */
    public enum Mode {
        /** No lock at all: the baseline that oversells. */
        NONE("no lock"),
        /** {@code @DistributedLock} on {@link Shop#buy(String)}, through {@link LockProxies#wrap}. */
        ANNOTATED("@DistributedLock"),
        /** {@code try (Lease lease = mutex.acquire(wait)) { shop.buyUnlocked(sku); }}. */
        PROGRAMMATIC("mutex.acquire");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /**
         * Returns the label printed in the table.
         *
         * @return the label
         */
        public String label() {
            return label;
        }
    }

    /**
     * The load of a run and the servers it runs on.
     *
     * @param stock units in stock at the start of each row
     * @param instances simulated application instances, each with its own lock client
     * @param buyers buyer threads per instance
     * @param window the pause between reading and writing the stock
     * @param uris lock store URIs to use instead of the embedded servers; empty for embedded
     */
    public record Options(int stock, int instances, int buyers, Duration window, List<String> uris) {
        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException if a count is not positive, the window is null or
         *         negative, or uris is null
         */
        public Options {
            if (stock < 1 || instances < 1 || buyers < 1) {
                throw new IllegalArgumentException("stock, instances and buyers must be at least 1, were "
                        + stock + ", " + instances + ", " + buyers);
            }
            if (window == null || window.isNegative()) {
                throw new IllegalArgumentException("window must not be null or negative, was " + window);
            }
            if (uris == null) {
                throw new IllegalArgumentException("uris must not be null");
            }
            uris = List.copyOf(uris);
        }

        /**
         * The quick-start load: 3 instances × 4 buyers, 200 units, a 1 ms window, embedded servers.
         *
         * @return the options
         */
        public static Options defaults() {
            return new Options(200, 3, 4, Duration.ofMillis(1), List.of());
        }

        /**
         * The CI load: 2 instances × 2 buyers, 20 units, a 1 ms window, embedded servers.
         *
         * @return the options
         */
        public static Options quick() {
            return new Options(20, 2, 2, Duration.ofMillis(1), List.of());
        }

        /**
         * Parses command-line arguments over {@link #defaults()}.
         *
         * @param args {@code --short}, {@code --uri URI} (repeatable), {@code --stock N},
         *        {@code --instances N}, {@code --buyers N}, {@code --window-ms N}
         * @return the options
         * @throws IllegalArgumentException for an unknown option, a missing or malformed value
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
                    o = new Options(quick().stock, quick().instances, quick().buyers, o.window, o.uris);
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(usage("missing value after " + a));
                }
                String v = args[++i];
                switch (a) {
                    case "--uri" -> {
                        LockServers.backendOf(v);
                        uris.add(v);
                    }
                    case "--stock" -> o = new Options(number(a, v), o.instances, o.buyers, o.window, o.uris);
                    case "--instances" -> o = new Options(o.stock, number(a, v), o.buyers, o.window, o.uris);
                    case "--buyers" -> o = new Options(o.stock, o.instances, number(a, v), o.window, o.uris);
                    case "--window-ms" -> o = new Options(o.stock, o.instances, o.buyers,
                            Duration.ofMillis(number(a, v)), o.uris);
                    default -> throw new IllegalArgumentException(usage("unknown option " + a));
                }
            }
            return new Options(o.stock, o.instances, o.buyers, o.window, uris);
        }

        private static int number(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(usage(option + " needs a whole number, was " + value));
            }
        }

        private static String usage(String problem) {
            return problem + "; usage: FlashSale [--short] [--uri redis://host:port | redlock://h1:p1,h2:p2,h3:p3"
                    + " | zk://host:port]... [--stock N] [--instances N] [--buyers N] [--window-ms N]";
        }
    }

    /**
     * One line of the table.
     *
     * @param backend the backend's name, or {@code -} for no lock
     * @param mode how purchases were protected
     * @param stock units in stock at the start
     * @param sold units the instances sold (each a read and a write of the stock)
     * @param elapsed from the first buyer's start to the last buyer's end
     * @param lockErrors lock calls that threw (an acquisition or release that timed out on a
     *        loaded machine, a lease lost); the buyer then tries again
     * @param firstError the first of them, or null
     */
    public record Row(String backend, Mode mode, int stock, int sold, Duration elapsed, int lockErrors,
            String firstError) {
        /**
         * Returns how many units were sold that did not exist.
         *
         * @return {@code max(0, sold - stock)}
         */
        public int oversold() {
            return Math.max(0, sold - stock);
        }

        /**
         * Returns purchases per second.
         *
         * @return sold ÷ elapsed seconds
         */
        public double perSecond() {
            return sold / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private FlashSale() {
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
     * Runs one row per backend and mode, after the no-lock baseline, printing a line as each
     * row finishes and the table at the end.
     *
     * @param options the load and the servers
     * @param out where progress and the table go
     * @return the rows, the no-lock baseline first
     * @throws Exception if a purchase or a server fails
     */
    public static List<Row> run(Options options, PrintStream out) throws Exception {
        out.printf("Flash sale: %d units, %d application instances x %d buyer threads, a %d ms gap between"
                + " reading and writing the stock%n", options.stock(), options.instances(), options.buyers(),
                options.window().toMillis());
        long started = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        try (Database db = Database.start();
                LockServers servers = options.uris().isEmpty() ? LockServers.embedded(out::println)
                        : LockServers.of(options.uris())) {
            int total = 1 + 2 * servers.uris().size();
            rows.add(progress(out, rows.size() + 1, total, row(db, "-", null, Mode.NONE, options)));
            for (Map.Entry<String, String> s : servers.uris().entrySet()) {
                for (Mode mode : List.of(Mode.ANNOTATED, Mode.PROGRAMMATIC)) {
                    rows.add(progress(out, rows.size() + 1, total, row(db, s.getKey(), s.getValue(), mode, options)));
                }
            }
        }
        out.println();
        out.print(table(rows));
        out.printf("%nThe no-lock row sells units that do not exist; every locked row sells exactly the stock."
                + " (%.1f s in all)%n", (System.nanoTime() - started) / 1e9);
        return rows;
    }

    private static Row progress(PrintStream out, int n, int total, Row r) {
        out.printf(Locale.ROOT, "  [%d/%d] %-10s %-16s sold %4d of %d in %5.2f s%s%n", n, total, r.backend(),
                r.mode().label(), r.sold(), r.stock(), r.elapsed().toNanos() / 1e9,
                r.oversold() > 0 ? "  <- oversold by " + r.oversold() : "");
        if (r.lockErrors() > 0) {
            out.printf("         %d lock call(s) failed and were retried; the first: %s%n", r.lockErrors(), r.firstError());
        }
        return r;
    }

    /**
     * Formats rows as the demo's table.
     *
     * @param rows the rows
     * @return the table, one line per row after a header, each line ending with a newline
     */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-10s %-16s %6s %6s %9s %9s %12s%n", "backend", "mode", "stock", "sold",
                "oversold", "elapsed", "purchases/s"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-10s %-16s %6d %6d %9d %7.2f s %12.0f%n", r.backend(),
                    r.mode().label(), r.stock(), r.sold(), r.oversold(), r.elapsed().toNanos() / 1e9, r.perSecond()));
        }
        return sb.toString();
    }

    private static final AtomicInteger SKUS = new AtomicInteger();
    /** How long a buyer waits for the lock; generous, for loaded CI machines. */
    static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * The lock clients' settings: a 5 s watchdog lease (renewed every 5 s / 3), so that a lock
     * left behind by a crashed holder frees itself quickly.
     */
    static LockConfig lockConfig(String clientName) {
        return LockConfig.builder().clientName(clientName).leaseTime(Duration.ofSeconds(5)).build();
    }

    /** Runs one sale: restock, start every buyer at once, wait until all found the stock empty. */
    static Row row(Database db, String backend, String uri, Mode mode, Options o) throws Exception {
        String sku = "sku-" + SKUS.incrementAndGet();
        List<LockClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(o.instances() * o.buyers());
        try {
            AtomicInteger sold = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            AtomicReference<String> firstError = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> buyers = new ArrayList<>();
            for (int i = 0; i < o.instances(); i++) {
                Shop shop = new Shop(db.connect(), o.window(), sold);
                if (i == 0) {
                    shop.restock(sku, o.stock());
                }
                Purchase purchase;
                if (mode == Mode.NONE) {
                    purchase = shop::buyUnlocked;
                } else {
                    LockClient client = LockClients.connect(uri, lockConfig("shop-" + i));
                    clients.add(client);
                    // Untimed warm-up: the first lock of a client opens its connections and loads its scripts.
                    Mutex warmUp = client.mutex("warm-up:" + sku);
                    warmUp.lock();
                    warmUp.unlock();
                    if (mode == Mode.ANNOTATED) {
                        Shop locked = LockProxies.wrap(shop, client);
                        purchase = locked::buy;
                    } else {
                        Mutex mutex = client.mutex("stock:" + sku);
                        purchase = s -> {
                            try (Lease lease = mutex.acquire(WAIT)) {
                                return shop.buyUnlocked(s);
                            }
                        };
                    }
                }
                for (int b = 0; b < o.buyers(); b++) {
                    buyers.add(pool.submit(() -> {
                        start.await();
                        while (true) {
                            try {
                                if (!purchase.buy(sku)) {
                                    return null;
                                }
                            } catch (LockException e) {
                                // The shop counted the sale if it was made; try again.
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e.toString());
                            }
                        }
                    }));
                }
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : buyers) {
                f.get(5, TimeUnit.MINUTES);
            }
            return new Row(backend, mode, o.stock(), sold.get(), Duration.ofNanos(System.nanoTime() - t0), errors.get(),
                    firstError.get());
        } finally {
            pool.shutdownNow();
            for (LockClient c : clients) {
                c.close();
            }
        }
    }

    /** One purchase attempt, however it is protected. */
    @FunctionalInterface
    private interface Purchase {
        boolean buy(String sku);
    }
}

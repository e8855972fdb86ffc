package dev.distlock.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The comparison runner: starts the servers it needs, runs every available contender through
 * every scenario side by side in one run, prints progress, and writes {@code results.md}, a
 * chart ({@code chart.svg}) and {@code results.csv}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar --quick          # at most ~2 minutes
 * java -jar benchmarks/target/benchmarks.jar --smoke          # ~30 s, for CI; no pass/fail on speed
 * java -jar benchmarks/target/benchmarks.jar                  # the full run (~20 minutes)
 * java -jar benchmarks/target/benchmarks.jar jmh [JMH options] # the JMH suite on the same servers
 * </pre>
 *
 * Run with {@code --help} for every option. The exit status is 0 when the run completed, even if
 * contenders were skipped or targets missed (speed is reported, not enforced); 2 for bad
 * arguments; 1 if a contender broke mutual exclusion (a correctness failure, not a speed one).
 *
 * <p>Not thread-safe; one run per JVM.
 */
public final class Compare {
    private static final String USAGE = """
            Usage: java -jar benchmarks.jar [mode] [options]
                   java -jar benchmarks.jar jmh [JMH options]   (the JMH suite, on servers started here)
            Modes:
              --quick                 short windows, 1,000 held locks, no 16-thread handoffs: at most ~2 minutes
              --smoke                 tiny windows and counts, one scenario of each kind, ~35 s:
                                      checks that everything runs (CI); no pass/fail on speed
              (none)                  full run: 3 s warm-up, 10 s windows, 10,000 held locks
            Options:
              --redis-uri URI         use this Redis instead of starting one (redis://[user:pass@]host:port)
              --redlock-uris U,U,U    use these Redis nodes for the Redlocks instead of starting three
              --zk-uri URI            use this ZooKeeper (zk://host:port or host:port[,host:port])
              --redis-server KIND     how to start Redis: auto (redis-server if installed, else embedded),
                                      process, embedded                               [auto]
              --contenders LIST       comma-separated, e.g. REDISSON,DISTLOCK_REDIS   [all available]
              --scenarios LIST        comma-separated, e.g. UNCONTENDED_1,WAITERS_100 [all]
              --held N                locks held in the watchdog scenario
              --warmup MS, --measure MS   override the window lengths
              --rounds N              rounds of the scenarios whose targets compare two
                                      contenders: they run N times, in alternating order;
                                      targets use the median of the per-round ratios
                                      [quick 3, full 3, smoke 1]
              --no-client-priming     do not prime each point's own clients before its warm-up (to see
                                      what cold clients cost; the report says so)
              --command-deltas        print each point's server commands by name, per operation (debugging)
              --out DIR               where to write results.md, chart.svg, results.csv
                                      [benchmarks/results, or results if there is no benchmarks/ here]
              --help                  this text
            """;

    private Compare() {
    }

    /** Parsed command line. */
    record Options(String mode, Duration prime, Duration warmup, Duration measure, int held, Duration heldWindow,
                   Duration budget,
                   BenchServers.Options servers, List<Contender> contenders, List<Scenario> scenarios, Path out,
                   boolean primeClients, boolean commandDeltas, int rounds) {
    }

    /**
     * The scenarios whose targets compare two contenders: with two or more contenders they run
     * in {@link Options#rounds()} rounds, so that a target rests on several alternating windows
     * rather than one (a single short window is close to random for ZooKeeper on a busy machine).
     * The waiter scenarios are not among them: their target compares a contender with itself,
     * and three rounds of 101 clients would not fit in a quick run.
     */
    static final Set<Scenario> ROUND_SCENARIOS = EnumSet.of(Scenario.UNCONTENDED_1, Scenario.UNCONTENDED_8,
            Scenario.HANDOFF_4_SHARED, Scenario.HANDOFF_4_PER_CLIENT);

    /**
     * The scenarios of a quick run unless --scenarios says otherwise: all but the 16-thread
     * handoffs (no target uses them; 16 clients each cost too much of two minutes).
     */
    static final List<Scenario> QUICK_SCENARIOS = java.util.Arrays.stream(Scenario.values())
            .filter(s -> s != Scenario.HANDOFF_16_SHARED && s != Scenario.HANDOFF_16_PER_CLIENT).toList();

    /** The scenarios of a smoke run unless --scenarios says otherwise: one of each kind. */
    static final List<Scenario> SMOKE_SCENARIOS = List.of(Scenario.UNCONTENDED_1, Scenario.HANDOFF_4_PER_CLIENT,
            Scenario.REENTRANT, Scenario.HELD_UNDER_WATCHDOG, Scenario.WAITERS_10, Scenario.READ_WRITE_8,
            Scenario.SEMAPHORE_3_OF_8, Scenario.ELECTION_FAILOVER_3);

    /**
     * Runs the comparison (or, with {@code jmh} first, the JMH suite).
     *
     * @param args the command line; see the class documentation
     * @throws Exception if the run cannot be completed (servers, output directory)
     */
    public static void main(String[] args) throws Exception {
        quietLogging();
        if (args.length > 0 && args[0].equals("jmh")) {
            JmhLauncher.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.print(USAGE);
            return;
        }
        int status = run(o, String.join(" ", "java -jar benchmarks.jar", String.join(" ", args)).trim(), System.out);
        System.exit(status);
    }

    /** Sets quiet logging before any logger exists; a -D on the command line still wins. */
    static void quietLogging() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "error"));
        System.setProperty("org.slf4j.simpleLogger.logFile", System.getProperty("org.slf4j.simpleLogger.logFile",
                "System.err"));
        // Redisson makes a HashedWheelTimer per client; Netty complains past 64 (the 100-waiter scenario).
        System.setProperty("org.slf4j.simpleLogger.log.io.netty.util.HashedWheelTimer", "off");
        // Redisson's watchdog logs a stack trace when a client is shut down while a lock is still held
        // (a stuck thread at the end of a window); the report says so already.
        System.setProperty("org.slf4j.simpleLogger.log.org.redisson.renewal", "off");
        // A LeaderLatch that joined just before the end of the election scenario may still have its node's
        // create in flight when its client closes; Curator logs that as an error with a stack trace.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.curator.framework.imps.CuratorFrameworkImpl",
                System.getProperty("org.slf4j.simpleLogger.log.org.apache.curator.framework.imps.CuratorFrameworkImpl",
                        "off"));
    }

    static Options parse(String[] args) {
        String mode = "full";
        Duration warmup = null;
        Duration measure = null;
        Integer held = null;
        String redisUri = null;
        List<String> redlock = List.of();
        String zk = null;
        BenchServers.RedisServerKind kind = BenchServers.RedisServerKind.AUTO;
        List<Contender> contenders = List.of(Contender.values());
        List<Scenario> scenarios = null;
        Path out = Files.isDirectory(Paths.get("benchmarks")) ? Paths.get("benchmarks", "results") : Paths.get("results");
        boolean primeClients = true;
        boolean commandDeltas = false;
        Integer rounds = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--quick" -> mode = "quick";
                case "--smoke" -> mode = "smoke";
                case "--full" -> mode = "full";
                case "--redis-uri" -> redisUri = value(args, ++i, a);
                case "--redlock-uris" -> redlock = List.of(value(args, ++i, a).split(","));
                case "--zk-uri" -> zk = value(args, ++i, a).replaceFirst("^zk://", "").replaceFirst("/.*$", "");
                case "--redis-server" -> kind = enumValue(BenchServers.RedisServerKind.class, value(args, ++i, a), a);
                case "--contenders" -> contenders = list(Contender.class, value(args, ++i, a), a);
                case "--scenarios" -> scenarios = list(Scenario.class, value(args, ++i, a), a);
                case "--held" -> held = positive(value(args, ++i, a), a);
                case "--warmup" -> warmup = Duration.ofMillis(positive(value(args, ++i, a), a));
                case "--measure" -> measure = Duration.ofMillis(positive(value(args, ++i, a), a));
                case "--out" -> out = Paths.get(value(args, ++i, a));
                case "--no-client-priming" -> primeClients = false;
                case "--command-deltas" -> commandDeltas = true;
                case "--rounds" -> rounds = positive(value(args, ++i, a), a);
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (redisUri != null && !redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
            throw new IllegalArgumentException("--redis-uri must start with redis:// or rediss://, was " + redisUri);
        }
        if (!redlock.isEmpty() && redlock.size() < 3) {
            throw new IllegalArgumentException("--redlock-uris must name at least 3 nodes, was " + redlock);
        }
        redlock = redlock.stream().map(u -> u.contains("://") ? u : "redis://" + u).toList();
        Duration heldWindow;
        Duration budget;
        Duration prime;
        switch (mode) {
            case "smoke" -> {
                warmup = warmup != null ? warmup : Duration.ofMillis(100);
                measure = measure != null ? measure : Duration.ofMillis(250);
                held = held != null ? held : 200;
                heldWindow = Duration.ofMillis(1100);
                budget = Duration.ofSeconds(28); // 22 s for the lock scenarios, 6 s for the coordination ones
                prime = Duration.ofMillis(200);
                scenarios = scenarios != null ? scenarios : SMOKE_SCENARIOS;
            }
            case "quick" -> {
                warmup = warmup != null ? warmup : Duration.ofMillis(200);
                measure = measure != null ? measure : Duration.ofMillis(500);
                held = held != null ? held : 1_000;
                heldWindow = Duration.ofMillis(2100);
                budget = Duration.ofSeconds(114); // 95 s for the lock scenarios, 19 s for the coordination ones; servers and the report take the rest of 2 min
                prime = Duration.ofMillis(800);
                scenarios = scenarios != null ? scenarios : QUICK_SCENARIOS;
            }
            default -> {
                warmup = warmup != null ? warmup : Duration.ofSeconds(3);
                measure = measure != null ? measure : Duration.ofSeconds(10);
                held = held != null ? held : 10_000;
                heldWindow = Duration.ofSeconds(10);
                budget = null;
                prime = Duration.ofSeconds(5);
            }
        }
        scenarios = scenarios != null ? scenarios : List.of(Scenario.values());
        rounds = rounds != null ? rounds : mode.equals("smoke") ? 1 : 3;
        return new Options(mode, prime, warmup, measure, held, heldWindow, budget,
                new BenchServers.Options(redisUri, redlock, zk, kind), contenders, scenarios, out, primeClients,
                commandDeltas, rounds);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String flag) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException(flag + " must be a positive integer, was '" + v + "'");
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String v, String flag) {
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " must be one of " + Arrays.toString(type.getEnumConstants())
                    + ", was '" + v + "'");
        }
    }

    private static <E extends Enum<E>> List<E> list(Class<E> type, String csv, String flag) {
        List<E> out = new ArrayList<>();
        for (String part : csv.split(",")) {
            if (!part.isBlank()) {
                out.add(enumValue(type, part, flag));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(flag + " must name at least one value");
        }
        return out;
    }

    /** Runs the comparison; returns the exit status. */
    static int run(Options o, String command, PrintStream out) throws InterruptedException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "distlock comparison, %s mode: warm-up %d ms, window %d ms, %,d held locks%n", o.mode(),
                o.warmup().toMillis(), o.measure().toMillis(), o.held());
        Set<Contender.Family> families = EnumSet.noneOf(Contender.Family.class);
        o.contenders().forEach(c -> families.add(c.family()));
        List<Result> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        boolean violated = false;
        boolean shrunk = false;
        double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        try (BenchServers servers = BenchServers.start(o.servers(), families, m -> out.println("  " + m))) {
            servers.describe().forEach(d -> out.println("  server: " + d));
            List<Contender> available = new ArrayList<>();
            for (Contender c : o.contenders()) {
                String why = LockAdapters.unavailable(c, servers);
                if (why == null) {
                    available.add(c);
                } else {
                    skipped.add(c.label() + ": " + why);
                    out.println("  SKIP " + c.label() + ": " + why);
                }
            }
            Harness harness = new Harness(servers, o.budget() != null ? Duration.ofSeconds(3) : Duration.ofSeconds(10),
                    primeLimit(o));
            harness.primeClients(o.primeClients());
            harness.printCommandDeltas(o.commandDeltas() ? out : null);
            Harness.Settings full = new Harness.Settings(o.warmup(), o.measure(), o.held(), o.heldWindow(),
                    Duration.ofMillis(200));
            Budget budget = new Budget();
            List<Scenario> queue = new ArrayList<>();
            out.printf(Locale.ROOT, "== priming every contender (%d ms each, not measured)%n", o.prime().toMillis());
            for (Contender c : new ArrayList<>(available)) {
                try {
                    harness.prime(c, o.prime());
                } catch (RuntimeException ex) {
                    available.remove(c);
                    skipped.add(c.label() + ": failed while priming: " + ex);
                    out.println("  SKIP " + c.label() + ": failed while priming: " + ex);
                }
            }
            Map<Scenario, List<Contender>> plan = new LinkedHashMap<>();
            Map<Scenario, List<Map<Contender, Result>>> roundResults = new EnumMap<>(Scenario.class);
            int total = 0;
            for (Scenario s : o.scenarios()) {
                List<Contender> cs = new ArrayList<>();
                for (Contender c : available) {
                    if (CoordinationAdapters.supports(c, s)) {
                        cs.add(c);
                    }
                }
                plan.put(s, cs);
                int rounds = rounds(o, s, cs);
                total += cs.size() * rounds;
                if (scenarioWarmup(o, s, cs)) {
                    queue.add(s);
                }
                for (int r = 0; r < rounds; r++) {
                    cs.forEach(c -> queue.add(s));
                }
            }
            int n = 0;
            int q = 0;
            for (Map.Entry<Scenario, List<Contender>> e : plan.entrySet()) {
                Scenario s = e.getKey();
                out.println("== " + s.title());
                if (scenarioWarmup(o, s, e.getValue())) {
                    // The first window of a scenario is slow for whoever runs it (the JIT is still
                    // compiling the scenario's harness code): an unmeasured pass takes that cost.
                    Contender c = e.getValue().get(0);
                    long p0 = System.nanoTime();
                    out.printf(Locale.ROOT, "  [ -/%d] %-30s ", total, c.label(s) + " (scenario warm-up)");
                    out.flush();
                    Harness.Settings settings = full;
                    if (o.budget() != null) {
                        settings = budget.fit(full, o.budget().toNanos() / 1e9 - (p0 - t0) / 1e9,
                                queue.subList(q, queue.size()));
                        shrunk |= settings != full;
                    }
                    q++;
                    try {
                        Result r = harness.run(c, s, settings);
                        out.println(progressLine(r, (System.nanoTime() - p0) / 1e9) + ", not measured");
                    } catch (RuntimeException ex) {
                        out.println("failed (not measured): " + ex);
                    }
                }
                int rounds = rounds(o, s, e.getValue());
                List<Map<Contender, Result>> perRound = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    Map<Contender, Result> got = new EnumMap<>(Contender.class);
                    perRound.add(got);
                    List<Contender> order = new ArrayList<>(e.getValue());
                    if (round % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    for (Contender c : order) {
                        n++;
                        long p0 = System.nanoTime();
                        out.printf(Locale.ROOT, "  [%2d/%d] %-30s ", n, total,
                                c.label(s) + (rounds > 1 ? " (round " + (round + 1) + "/" + rounds + ")" : ""));
                        out.flush();
                        Harness.Settings settings = full;
                        if (o.budget() != null) {
                            double left = o.budget().toNanos() / 1e9 - (p0 - t0) / 1e9;
                            settings = budget.fit(full, left, queue.subList(q, queue.size()));
                            shrunk |= settings != full;
                        }
                        q++;
                        Result r;
                        try {
                            r = harness.run(c, s, settings);
                            budget.record(s.clientPerThread() ? s.threads() : 1,
                                    (System.nanoTime() - p0) / 1e9 - Budget.windows(settings, s));
                        } catch (RuntimeException ex) {
                            skipped.add(c.label() + " in \"" + s.title() + "\""
                                    + (rounds > 1 ? " (round " + (round + 1) + ")" : "") + ": failed: " + ex);
                            out.println("FAILED: " + ex);
                            continue;
                        }
                        got.put(c, r);
                        violated |= r.violations() > 0;
                        out.println(progressLine(r, (System.nanoTime() - p0) / 1e9));
                    }
                }
                for (Contender c : e.getValue()) {
                    Result median = Rounds.median(c, perRound);
                    if (median != null) {
                        results.add(median);
                    }
                }
                if (rounds > 1) {
                    roundResults.put(s, perRound);
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            List<String> settings = new ArrayList<>(settings(o));
            if (shrunk) {
                settings.add("**Time budget**: windows were shortened as the run went to finish within "
                        + o.budget().toSeconds() + " s");
            }
            settings.add(String.format(Locale.ROOT, "**System load average** (1 min, all processes): %.1f at the"
                    + " start, %.1f at the end, on %d cores", load0,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors()));
            RunInfo info = new RunInfo(o.mode(), command, started, took, Machine.current(), servers.describe(),
                    settings, skipped);
            write(o.out(), info, results, roundResults);
            out.printf(Locale.ROOT, "done in %.1f s: %s, %s, %s%n", took.toMillis() / 1000.0,
                    o.out().resolve("results.md"), o.out().resolve("chart.svg"), o.out().resolve("results.csv"));
        }
        if (violated) {
            out.println("MUTUAL EXCLUSION VIOLATED: see the notes in results.md");
            return 1;
        }
        return 0;
    }

    /**
     * Whether scenario {@code s} gets an unmeasured pass of its first contender before the measured
     * ones: when two or more contenders are compared in it, except in {@code --smoke} (which makes
     * no speed claim) and in the held-locks scenario (whose pass is long and measures renewals, not
     * a hot path).
     */
    static boolean scenarioWarmup(Options o, Scenario s, List<Contender> contenders) {
        return contenders.size() > 1 && s.kind() != Scenario.Kind.HELD && !o.mode().equals("smoke");
    }

    /** How long priming one point's clients may take: a few seconds in the timed modes. */
    static Duration primeLimit(Options o) {
        return o.budget() != null ? Duration.ofSeconds(4) : Duration.ofSeconds(20);
    }

    private static List<String> settings(Options o) {
        return List.of(
                String.format(Locale.ROOT, "**Windows**: every contender primed for %d ms first (4 threads"
                        + " locking, not measured), then per contender and scenario %d ms warm-up and %d ms measured;"
                        + " all contenders share this JVM (JMH forks isolate them)", o.prime().toMillis(),
                        o.warmup().toMillis(), o.measure().toMillis()),
                "**Order**: the contenders of a scenario run one after the other in a fixed order; " + (o.mode().equals("smoke")
                        ? "no unmeasured pass first (smoke), so the first one pays the scenario's first-window cost"
                        : "before them an unmeasured pass of the first one takes the scenario's first-window cost (the"
                        + " JIT still compiling its harness code), which otherwise falls on whoever runs first")
                        + (o.rounds() > 1 ? String.format(Locale.ROOT, ". **Rounds**: the scenarios whose targets compare"
                        + " two contenders (%s) run %d rounds, the order of the contenders reversed every other round; a"
                        + " contender's row is its median round (by throughput), and a target is judged on the median"
                        + " of the per-round ratios (their range beside it)", ROUND_SCENARIOS.stream()
                        .map(Scenario::name).collect(java.util.stream.Collectors.joining(", ")), o.rounds()) : ""),
                o.primeClients() ? String.format(Locale.ROOT, "**Clients primed**: before each point's warm-up every"
                        + " client it opened locks and unlocks a name of its own; in the handoff and waiter scenarios"
                        + " every thread then waits once on the scenario's name behind a holder and takes it in turn"
                        + " (read-write lock and semaphore: the same with the write lock or all permits held), so"
                        + " connections, scripts, subscriptions and watches are live before the window (at most %.0f s"
                        + " per point; what did not finish is noted); only commands issued between the window's two"
                        + " INFO/srvr readings count", primeLimit(o).toMillis() / 1000.0)
                        : "**Clients not primed** (--no-client-priming): each point's clients start cold in its"
                        + " warm-up",
                "**Leases**: " + LockAdapters.LEASE.toSeconds() + " s, renewed every third of it while held (distlock"
                        + " lease time; Redisson lock watchdog timeout); ZooKeeper holds last as long as the session",
                String.format(Locale.ROOT, "**Held under the watchdog**: %,d locks on one client (8 threads acquire"
                        + " them), watched for %.1f s", o.held(), o.heldWindow().toMillis() / 1000.0),
                "**Handoff**: threads take turns (after releasing, a thread waits up to 200 ms for another to"
                        + " acquire); latency = previous holder's unlock() call → next holder's lock() return",
                "**Server commands**: Redis INFO commandstats (commands run inside Lua scripts count too), summed"
                        + " over the Redlock nodes; ZooKeeper requests received (srvr), pings included",
                "**Redisson clients**: one shared Netty event loop group (4 threads), pool ≤ 24 connections,"
                        + " 4 executor threads each");
    }

    private static String progressLine(Result r, double seconds) {
        StringBuilder b = new StringBuilder();
        b.append(Report.rate(r.throughput())).append(' ').append(r.scenario().throughputUnit());
        if (r.p99Nanos() >= 0) {
            b.append(", p50 ").append(Report.micros(r.p50Nanos())).append(" µs, p99 ")
                    .append(Report.micros(r.p99Nanos())).append(" µs");
        }
        if (Double.isFinite(r.commandsPerOp())) {
            b.append(String.format(Locale.ROOT, ", %.2f cmds/op", r.commandsPerOp()));
        }
        if (r.scenario().kind() == Scenario.Kind.HELD && Double.isFinite(r.clientCpu())) {
            b.append(String.format(Locale.ROOT, ", client CPU %.2f cores", r.clientCpu()));
        }
        if (r.errors() > 0) {
            b.append(", ").append(r.errors()).append(" errors");
        }
        if (r.violations() > 0) {
            b.append(", ").append(r.violations()).append(" VIOLATIONS");
        }
        b.append(String.format(Locale.ROOT, " (%.1f s)", seconds));
        return b.toString();
    }

    /**
     * How many rounds scenario {@code s} runs: {@link Options#rounds()} for a target scenario
     * compared between two or more contenders, else one.
     */
    static int rounds(Options o, Scenario s, List<Contender> contenders) {
        return ROUND_SCENARIOS.contains(s) && contenders.size() >= 2 ? o.rounds() : 1;
    }

    /** Writes results.md, chart.svg and results.csv into {@code dir}. */
    static void write(Path dir, RunInfo info, List<Result> results, Map<Scenario, List<Map<Contender, Result>>> rounds) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("results.md"), Report.markdown(info, results, rounds), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("chart.svg"), SvgChart.render("distlock vs Redisson and Curator ("
                    + info.mode() + " run, " + info.startedAt().toString().substring(0, 16).replace('T', ' ') + " UTC)",
                    info.machine().describe(), results), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("results.csv"), Csv.render(results), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results into " + dir, e);
        }
    }
}

package dev.distlock.tests.safety;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One safety run: starts worker JVMs against a {@link SafetyBackend}, injects a schedule of
 * faults while they work, stops them, and checks the history with {@link SafetyChecker}.
 *
 * <p>The schedule is a round of faults, repeated until the run's duration has passed (at least
 * one full round): SIGSTOP the probable holder for longer than its lease, then SIGCONT it;
 * {@code kill -9} the probable holder and start a replacement worker; then the backend's own
 * faults ({@link SafetyBackend#storeFaults()}). A pause of {@code gap} lets the workers settle
 * between faults.
 *
 * <p>Workers are started with this JVM's {@code java} binary and class path. The probable
 * holder is the worker whose critical section did the store's last operation (a read, so it is
 * likely still inside).
 *
 * <p>Not thread-safe: one thread drives a run.
 */
public final class SafetyRun implements AutoCloseable {
    /**
     * Settings of a run.
     *
     * @param duration how long faults keep coming (at least one full round is injected)
     * @param workers how many worker processes run at once (at least 3)
     * @param threads threads per worker (at least 1)
     * @param gap the pause between faults
     * @param directory where the store, histories and worker logs go
     */
    public record Options(Duration duration, int workers, int threads, Duration gap, Path directory) {
        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException if a duration or the directory is null, a duration
         *         is negative, {@code workers} is below 3 or {@code threads} below 1
         */
        public Options {
            if (duration == null || gap == null || directory == null) {
                throw new IllegalArgumentException("duration, gap and directory must not be null");
            }
            if (duration.isNegative() || gap.isNegative()) {
                throw new IllegalArgumentException("duration and gap must not be negative");
            }
            if (workers < 3) {
                throw new IllegalArgumentException("workers must be at least 3, was " + workers);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
        }
    }

    private static final String LOCK_NAME = "safety";

    private final SafetyBackend backend;
    private final Options options;
    private final Path storeDir;
    private final Path stopFile;
    private final Map<String, Process> workers = new LinkedHashMap<>();
    private final Set<String> killed = new HashSet<>();
    private final Set<String> stopped = new HashSet<>();
    private final List<Fault.Injected> injected = new ArrayList<>();
    private int nextWorker = 1;
    private FencedStore store;

    /**
     * Prepares a run; nothing starts until {@link #run()}.
     *
     * @param backend the started backend
     * @param options the settings
     * @throws IllegalArgumentException if an argument is null
     */
    public SafetyRun(SafetyBackend backend, Options options) {
        if (backend == null || options == null) {
            throw new IllegalArgumentException("backend and options must not be null");
        }
        this.backend = backend;
        this.options = options;
        this.storeDir = options.directory().resolve("store");
        this.stopFile = options.directory().resolve("stop");
    }

    /**
     * Returns the name of the lock the workers fight over.
     *
     * @return the lock name
     */
    public String lockName() {
        return LOCK_NAME;
    }

    /**
     * Runs the workers and the fault schedule, stops them and checks the history.
     *
     * @return the summary
     * @throws IllegalStateException if the workers do not start
     * @throws InterruptedException if the driving thread is interrupted
     */
    public SafetySummary run() throws InterruptedException {
        long started = System.nanoTime();
        try {
            Files.createDirectories(storeDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store = FencedStore.open(storeDir);
        for (int i = 0; i < options.workers(); i++) {
            startWorker();
        }
        awaitHolds(3, Duration.ofSeconds(90));
        List<Fault> round = new ArrayList<>();
        round.add(new Fault("sigstop-holder", SafetyRun::stopHolder));
        round.add(new Fault("kill9-holder", SafetyRun::killHolder));
        round.addAll(backend.storeFaults());
        long faultsUntil = System.nanoTime() + options.duration().toNanos();
        int done = 0;
        while (done < round.size() || System.nanoTime() < faultsUntil) {
            settle();
            Fault f = round.get(done % round.size());
            long start = Micros.now();
            String target;
            try {
                target = f.action().inject(this);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                target = "failed to inject: " + e;
            }
            injected.add(new Fault.Injected(f.name(), target, start, Micros.now()));
            done++;
        }
        backend.heal();
        settle();
        stopWorkers();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        return summarize(elapsed);
    }

    private void settle() throws InterruptedException {
        Thread.sleep(options.gap().toMillis()); // workers run undisturbed between faults: time passing is the point
    }

    private Process startWorker() {
        String id = "w" + nextWorker++;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                SafetyWorker.class.getName(),
                "--id", id, "--uri", backend.uri(), "--store", storeDir.toString(),
                "--history", history(id).toString(), "--stop", stopFile.toString(),
                "--threads", Integer.toString(options.threads()), "--name", LOCK_NAME,
                "--lease-ms", Long.toString(backend.leaseMs()), "--work-ms", "60",
                "--loss-wait-ms", Long.toString(backend.stallMs() + 5_000)));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(options.directory().resolve(id + ".log").toFile()).start();
            workers.put(id, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + id, e);
        }
    }

    private Path history(String id) {
        return options.directory().resolve(id + ".history");
    }

    private void awaitHolds(int count, Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < until) {
            if (readHolds().size() >= count) {
                return;
            }
            for (Map.Entry<String, Process> w : workers.entrySet()) {
                if (!w.getValue().isAlive()) {
                    throw new IllegalStateException("worker " + w.getKey() + " exited with " + w.getValue().exitValue()
                            + "; see " + options.directory().resolve(w.getKey() + ".log"));
                }
            }
            Thread.sleep(100); // polling the history files, bounded by `within`
        }
        throw new IllegalStateException("workers recorded fewer than " + count + " holds within " + within
                + "; see the logs in " + options.directory());
    }

    /**
     * The worker that holds the lock now: waits (up to 5 s) until the store's last operation is
     * a read of a live worker, which is then between its read and its write. Falls back to the
     * last writer, or a random live worker.
     */
    private String probableHolder() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String fallback = null;
        while (System.nanoTime() < until) {
            String last = store.lastOperation();
            if (last != null) {
                String[] parts = last.split(" ");
                String w = Hold.workerOf(parts[0]);
                Process p = workers.get(w);
                if (p != null && p.isAlive() && !killed.contains(w)) {
                    if (parts[1].equals("READ")) {
                        return w + " (inside its critical section)";
                    }
                    fallback = w + " (last writer)";
                }
            }
            Thread.sleep(2); // polling the store for a holder inside its critical section, bounded above
        }
        if (fallback != null) {
            return fallback;
        }
        List<String> live = workers.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey)
                .toList();
        return live.get(ThreadLocalRandom.current().nextInt(live.size())) + " (random)";
    }

    private static String stopHolder(SafetyRun run) throws Exception {
        // A stop that lands after the holder's write is worthless: check the holder is still
        // between its read and its write once stopped, or let it go and try again.
        String target = null;
        long pid = 0;
        for (int attempt = 1; attempt <= 20 && target == null; attempt++) {
            String candidate = run.probableHolder();
            String id = candidate.split(" ")[0];
            String before = run.store.lastOperation();
            pid = run.workers.get(id).pid();
            signal("STOP", pid);
            run.stopped.add(id);
            if (candidate.contains("inside") && before != null && before.equals(run.store.lastOperation())
                    && before.endsWith(" READ") && Hold.workerOf(before.split(" ")[0]).equals(id)) {
                target = id + " (stopped between read and write of " + before.split(" ")[0] + ", attempt " + attempt
                        + ")";
            } else if (attempt == 20) {
                target = candidate + " (not caught inside its critical section)";
            } else {
                signal("CONT", pid);
                run.stopped.remove(id);
            }
        }
        String id = target.split(" ")[0];
        try {
            Thread.sleep(run.backend.stallMs()); // the stop lasts past the lease: time passing is the point
        } finally {
            signal("CONT", pid);
            run.stopped.remove(id);
        }
        return target + " for " + run.backend.stallMs() + " ms";
    }

    private static String killHolder(SafetyRun run) throws Exception {
        String target = run.probableHolder();
        String id = target.split(" ")[0];
        Process p = run.workers.get(id);
        p.destroyForcibly(); // SIGKILL on Unix
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("worker " + id + " survived kill -9");
        }
        run.killed.add(id);
        Process replacement = run.startWorker();
        return target + " killed; replaced by worker with pid " + replacement.pid();
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + sig + " " + pid + " failed");
        }
    }

    private void stopWorkers() throws InterruptedException {
        try {
            Files.writeString(stopFile, "stop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(backend.stallMs() / 1000 + 60);
        for (Map.Entry<String, Process> w : workers.entrySet()) {
            long left = Math.max(0, until - System.nanoTime());
            if (!w.getValue().waitFor(left, TimeUnit.NANOSECONDS)) {
                w.getValue().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                killed.add(w.getKey());
                injected.add(new Fault.Injected("hung-worker-killed", w.getKey() + " did not stop in time", Micros.now(),
                        Micros.now()));
            }
        }
    }

    private List<Hold> readHolds() {
        List<Hold> holds = new ArrayList<>();
        for (String id : workers.keySet()) {
            for (String line : lines(history(id))) {
                if (line.startsWith("H\t")) {
                    try {
                        holds.add(Hold.parse(line));
                    } catch (IllegalArgumentException e) {
                        // a line cut short by kill -9
                    }
                }
            }
        }
        return holds;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SafetySummary summarize(Duration elapsed) {
        List<Hold> holds = readHolds();
        Map<String, Integer> failures = new TreeMap<>();
        for (String id : workers.keySet()) {
            for (String line : lines(history(id))) {
                if (line.startsWith("F\t")) {
                    String[] f = line.split("\t");
                    failures.merge(f.length > 4 ? f[4] : "?", 1, Integer::sum);
                }
            }
        }
        List<StoreOp> ops = FencedStore.readLog(storeDir);
        SafetyChecker.Result result = new SafetyChecker(SafetyChecker.DEFAULT_MARGIN_MICROS).check(holds, ops, killed);
        return new SafetySummary(backend.name(), elapsed, workers.size(), options.threads(), holds.size(),
                (int) holds.stream().filter(Hold::lost).count(), failures, injected, result, options.directory());
    }

    /** Resumes stopped workers and kills every worker still running. Idempotent. */
    @Override
    public void close() {
        for (Map.Entry<String, Process> w : workers.entrySet()) {
            try {
                if (stopped.contains(w.getKey())) {
                    signal("CONT", w.getValue().pid());
                }
            } catch (Exception ignored) {
                // it is killed next anyway
            }
            w.getValue().destroyForcibly();
        }
        if (store != null) {
            store.close();
        }
    }
}

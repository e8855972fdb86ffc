package dev.distlock.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one scenario for one contender and measures it: the runner's own loop (not JMH), because
 * handoff latency, server commands per operation and CPU are measured around the operations.
 *
 * <p>Design: worker threads loop until told to stop; the measurement window is a phase
 * (warm-up, then measure, then stop) read by every worker, and only operations that end inside
 * the measure phase count. Server commands and CPU are read at the window's edges. A handoff
 * loop forces turn-taking: after releasing, a thread waits (up to {@link Settings#patience()})
 * until another thread has acquired before it asks again, so every counted acquisition is a
 * real handoff between threads, and handoff latency is the time from the previous holder's
 * {@code unlock()} call to the next holder's {@code lock()} return. Every acquisition also checks
 * that no one else is inside (violations are reported, never hidden). An operation that throws
 * is counted as an error and the loop goes on.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class Harness {
    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    /**
     * How long things take.
     *
     * @param warmup       time before the measurement window
     * @param measure      the measurement window
     * @param heldLocks    how many locks the held-under-watchdog scenario holds
     * @param heldWindow   how long it watches them being renewed
     * @param patience     how long a releasing thread waits for someone else to acquire
     */
    record Settings(Duration warmup, Duration measure, int heldLocks, Duration heldWindow, Duration patience) {
    }

    private final BenchServers servers;
    private Settings settings;
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Duration stuckWait;
    private final Duration primeLimit;

    /**
     * @param servers    the run's servers
     * @param stuckWait  how long to wait, after a window, for threads still blocked in the library
     *                   before interrupting them and reporting them as stuck
     * @param primeLimit how long priming a point's clients may take at most (a herd of 100 waiters
     *                   can need far longer than a quick run can give); what is left unprimed then
     *                   is named in the point's notes
     */
    Harness(BenchServers servers, Duration stuckWait, Duration primeLimit) {
        this.servers = servers;
        this.stuckWait = stuckWait;
        this.primeLimit = primeLimit;
    }

    private volatile int phase;

    /** Whether {@link #run} primes the scenario's own clients before the warm-up (see {@link #primeLocks}). */
    private boolean primeClients = true;
    /** Where to print each point's per-command deltas, or null (a debugging aid). */
    private java.io.PrintStream commandDeltas;
    /** What priming a point's clients had to report (it did not finish in time), or empty. */
    private String primeNote = "";

    /**
     * Switches the priming of each scenario's own clients on (the default) or off (to see what
     * cold clients cost, for comparison only).
     *
     * @param on whether to prime
     */
    void primeClients(boolean on) {
        this.primeClients = on;
    }

    /**
     * Prints, after every point, the server commands of its measured window by command name,
     * per operation (Redis {@code INFO commandstats} deltas; ZooKeeper knows only the total).
     *
     * @param out where to print, or null for nothing
     */
    void printCommandDeltas(java.io.PrintStream out) {
        this.commandDeltas = out;
    }

    /**
     * Runs {@code s} for {@code c} with {@code settings}.
     *
     * @throws RuntimeException if the contender's clients cannot be opened (failures during the
     *                          loop are counted as errors in the result instead)
     */
    Result run(Contender c, Scenario s, Settings settings) throws InterruptedException {
        this.settings = settings;
        String prefix = "bench:" + runId + ":" + s.name().toLowerCase(java.util.Locale.ROOT);
        if (s.isCoordination()) {
            return runCoordination(c, s, prefix);
        }
        List<LockAdapter> adapters = new ArrayList<>();
        ServerCounter counter = servers.counter(c.family());
        try {
            int clients = s.clientPerThread() ? s.threads() : 1;
            adapters.addAll(openAll(clients, () -> LockAdapters.open(c, servers)));
            primeNote = "";
            if (primeClients) {
                primeLocks(s, adapters, prefix);
            }
            return switch (s.kind()) {
                case UNCONTENDED -> uncontended(c, s, adapters.get(0), prefix, counter);
                case HANDOFF, WAITERS -> handoff(c, s, adapters, prefix + ":hot", counter);
                case REENTRANT -> reentrant(c, s, adapters.get(0), prefix + ":re", counter);
                case HELD -> held(c, s, adapters.get(0), prefix, counter);
                case READ_WRITE, SEMAPHORE, ELECTION -> throw new AssertionError("run by runCoordination");
            };
        } finally {
            closeAll(adapters);
            counter.close();
        }
    }

    /**
     * Warms a contender up before anything of it is measured: its client opens, and 4 threads
     * lock and unlock names of their own for {@code duration}, so that class loading, script
     * loading and the first JIT compilations do not land in the first measured scenario.
     */
    void prime(Contender c, Duration duration) throws InterruptedException {
        this.settings = new Settings(duration, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO);
        String prefix = "bench:" + runId + ":prime";
        try (LockAdapter adapter = LockAdapters.open(c, servers)) {
            measure(c, Scenario.UNCONTENDED_8, 4, ServerCounter.NONE, (id, t) -> {
                String name = prefix + ":" + id;
                while (phase != STOP) {
                    try {
                        adapter.lock(name);
                        adapter.unlock(name);
                    } catch (RuntimeException e) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
            });
        }
    }

    private Result runCoordination(Contender c, Scenario s, String prefix) throws InterruptedException {
        List<CoordinationAdapter> adapters = new ArrayList<>();
        ServerCounter counter = servers.counter(c.family());
        try {
            int clients = s.clientPerThread() ? s.threads() : 1;
            adapters.addAll(openAll(clients, () -> CoordinationAdapters.open(c, servers)));
            primeNote = "";
            if (primeClients && s.kind() != Scenario.Kind.ELECTION) {
                primeCoordination(s, adapters.get(0), prefix);
            }
            return switch (s.kind()) {
                case READ_WRITE -> readWrite(c, s, adapters.get(0), prefix + ":rw", counter);
                case SEMAPHORE -> semaphore(c, s, adapters.get(0), prefix + ":sem", counter);
                case ELECTION -> election(c, s, adapters, prefix + ":elect", counter);
                default -> throw new IllegalArgumentException(s + " is not a coordination scenario");
            };
        } finally {
            closeAll(adapters);
            counter.close();
        }
    }

    /**
     * Primes the clients a lock scenario has just opened, so that its window sees them in their
     * steady state rather than starting up: first every client, each on a thread of its own,
     * locks and unlocks a name of its own (connections open, scripts loaded, first-attempt costs
     * paid); then, for the contended scenarios (handoff, waiters), a contended pass on the
     * scenario's own name: a holder takes it, every worker thread (on its own client, or on the
     * shared one) asks for it and waits, the holder lets go, and each worker acquires and
     * releases once in turn. So every client has waited on that name (pub/sub subscriptions,
     * wake channels, watches live) and acquired it. With a client per thread a second round has
     * worker 0 wait on a holder of another client, since in the first round it waited on a
     * holder of its own client. The same for every contender; nothing of it is measured.
     */
    void primeLocks(Scenario s, List<LockAdapter> adapters, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + primeLimit.toNanos();
        List<BooleanSupplier> each = new ArrayList<>();
        for (int i = 0; i < adapters.size(); i++) {
            LockAdapter a = adapters.get(i);
            String name = prefix + ":prime:" + i;
            each.add(() -> lockUnlock(a, name, deadline));
        }
        contendedPass("priming (a name each)", null, null, each, deadline);
        if (s.kind() != Scenario.Kind.HANDOFF && s.kind() != Scenario.Kind.WAITERS) {
            return;
        }
        String hot = prefix + ":hot";
        // Each pass gets its own time: one stalled pass must not leave the next one none.
        long passDeadline = System.nanoTime() + primeLimit.toNanos();
        List<BooleanSupplier> workers = new ArrayList<>();
        for (int i = 0; i < s.threads(); i++) {
            LockAdapter a = adapters.get(adapters.size() == 1 ? 0 : i);
            workers.add(() -> lockUnlock(a, hot, passDeadline));
        }
        LockAdapter first = adapters.get(0);
        contendedPass("priming (contended)", () -> first.lock(hot), () -> first.unlock(hot), workers, passDeadline);
        if (adapters.size() > 1) {
            long lastDeadline = System.nanoTime() + primeLimit.toNanos() / 2;
            LockAdapter worker0 = adapters.get(0);
            LockAdapter second = adapters.get(1);
            contendedPass("priming (contended, client 0)", () -> second.lock(hot), () -> second.unlock(hot),
                    List.of(() -> lockUnlock(worker0, hot, lastDeadline)), lastDeadline);
        }
    }

    private static boolean lockUnlock(LockAdapter a, String name, long deadline) {
        if (!a.tryLock(name, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            return false;
        }
        a.unlock(name);
        return true;
    }

    /**
     * Primes the client of a read-write lock or semaphore scenario the same way: a holder takes
     * the write lock (or every permit), every worker thread asks for it and waits, then each
     * takes and gives back the primitive (a read lock and then a write lock; a permit) once. The
     * waits open the client's coordination pub/sub connection or watches before the window.
     * These primitives have no timed acquire in the adapters: a worker still waiting when the
     * priming time is up goes on in the background and is reported in the point's notes.
     */
    private void primeCoordination(Scenario s, CoordinationAdapter adapter, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + primeLimit.toNanos();
        List<BooleanSupplier> workers = new ArrayList<>();
        if (s.kind() == Scenario.Kind.READ_WRITE) {
            String name = prefix + ":rw";
            for (int i = 0; i < s.threads(); i++) {
                workers.add(() -> {
                    adapter.readLock(name);
                    adapter.readUnlock(name);
                    adapter.writeLock(name);
                    adapter.writeUnlock(name);
                    return true;
                });
            }
            contendedPass("priming (contended)", () -> adapter.writeLock(name), () -> adapter.writeUnlock(name),
                    workers, deadline);
        } else if (s.kind() == Scenario.Kind.SEMAPHORE) {
            String name = prefix + ":sem";
            int permits = Scenario.SEMAPHORE_PERMITS;
            for (int i = 0; i < s.threads(); i++) {
                workers.add(() -> {
                    adapter.releasePermit(name, adapter.acquirePermit(name, permits));
                    return true;
                });
            }
            List<Object> held = new ArrayList<>();
            contendedPass("priming (contended)", () -> {
                for (int k = 0; k < permits; k++) {
                    held.add(adapter.acquirePermit(name, permits));
                }
            }, () -> {
                for (Object permit : held) {
                    adapter.releasePermit(name, permit);
                }
            }, workers, deadline);
        }
    }

    /**
     * Primes the participants of an election the way the lock scenarios' clients are primed:
     * failovers, unmeasured, until every participant has led once (so each has won, resigned and
     * joined again), at most for the priming time.
     */
    private void primeElection(List<CoordinationAdapter.Participant> participants, AtomicLong gains,
            Runnable onGained) {
        long deadline = System.nanoTime() + primeLimit.toNanos();
        boolean[] led = new boolean[participants.size()];
        int leaders = 0;
        while (System.nanoTime() - deadline < 0) {
            int leader = -1;
            for (int i = 0; i < participants.size() && leader < 0; i++) {
                if (participants.get(i).isLeader()) {
                    leader = i;
                }
            }
            if (leader < 0) {
                LockSupport.parkNanos(100_000);
                continue;
            }
            if (!led[leader]) {
                led[leader] = true;
                leaders++;
            }
            if (leaders == led.length) {
                return;
            }
            long before = gains.get();
            try {
                participants.get(leader).resign();
                while (gains.get() == before && System.nanoTime() - deadline < 0) {
                    LockSupport.parkNanos(100_000);
                }
                participants.get(leader).join(onGained);
            } catch (RuntimeException e) {
                primeNote = addNote(primeNote, "priming (failovers) failed: " + e);
                return;
            }
        }
        primeNote = addNote(primeNote, String.format(java.util.Locale.ROOT, "priming (failovers): %d of %d"
                + " participants led within %.1f s", leaders, led.length, primeLimit.toMillis() / 1000.0));
    }

    /**
     * On a thread of its own, runs {@code take}; then starts {@code workers}, a thread each; once
     * they have all started, gives their first attempts a moment to fail and start waiting, then
     * runs {@code give} on the same thread as {@code take}, and waits until every worker is done
     * or {@code deadline} ({@link System#nanoTime()}) has passed. Without {@code take}, just runs
     * the workers. A worker returns false if it gave up at the deadline. Failures, give-ups and
     * overruns are noted in the point's notes.
     */
    private void contendedPass(String step, Runnable take, Runnable give, List<BooleanSupplier> workers,
            long deadline) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(workers.size());
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(workers.size() + (take == null ? 0 : 1));
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger gaveUp = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        java.util.function.Consumer<RuntimeException> failed = e -> {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, e.toString());
        };
        List<Thread> threads = new ArrayList<>();
        if (take != null) {
            threads.add(primeThread("bench-prime-holder", failed, done, () -> {
                boolean held = false;
                try {
                    take.run();
                    held = true;
                } catch (RuntimeException e) {
                    failed.accept(e);
                } finally {
                    taken.countDown();
                }
                if (held) {
                    started.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    // The passing of time is the point: the workers' first attempts go out and fail
                    // (and their subscriptions or watches are set up) while the holder still holds.
                    Thread.sleep(PRIME_SETTLE.toMillis());
                    give.run();
                }
            }));
        } else {
            taken.countDown();
        }
        for (int i = 0; i < workers.size(); i++) {
            BooleanSupplier w = workers.get(i);
            threads.add(primeThread("bench-prime-" + i, failed, done, () -> {
                taken.await();
                started.countDown();
                if (!w.getAsBoolean()) {
                    gaveUp.incrementAndGet();
                }
            }));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
        // A little beyond the deadline: the workers' timed attempts end at it.
        if (!done.await(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1),
                TimeUnit.NANOSECONDS)) {
            threads.forEach(Thread::interrupt);
            primeNote = addNote(primeNote, String.format(java.util.Locale.ROOT, "%s did not finish in time"
                    + " (%d of %d threads still busy)", step, done.getCount(),
                    threads.size()));
        }
        if (gaveUp.get() > 0) {
            primeNote = addNote(primeNote, String.format(java.util.Locale.ROOT, "%s: %d of %d threads got no turn"
                    + " in time", step, gaveUp.get(), workers.size()));
        }
        if (failures.get() > 0) {
            primeNote = addNote(primeNote, String.format(java.util.Locale.ROOT, "%s: %d %s failed (first: %s)", step,
                    failures.get(), failures.get() == 1 ? "call" : "calls", firstFailure.get()));
        }
    }

    /** A priming thread's work: it may wait, and is stopped by an interrupt. */
    private interface PrimeBody {
        void run() throws InterruptedException;
    }

    /**
     * A daemon-to-be thread that runs {@code body}, hands a {@link RuntimeException} to
     * {@code failed}, ends quietly on an interrupt, and counts {@code done} down in every case.
     */
    private static Thread primeThread(String name, java.util.function.Consumer<RuntimeException> failed,
            CountDownLatch done, PrimeBody body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failed.accept(e);
            } finally {
                done.countDown();
            }
        }, name);
    }

    /** How long the holder of a contended priming pass keeps holding after every worker has started. */
    private static final Duration PRIME_SETTLE = Duration.ofMillis(30);

    private static String addNote(String notes, String note) {
        return notes.isEmpty() ? note : note.isEmpty() ? notes : notes + "; " + note;
    }

    private <T extends AutoCloseable> List<T> openAll(int n, java.util.concurrent.Callable<T> opener)
            throws InterruptedException {
        if (n == 1) {
            try {
                return List.of(opener.call());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 8));
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(opener));
        }
        pool.shutdown();
        List<T> out = new ArrayList<>();
        RuntimeException failure = null;
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        if (failure != null) {
            closeAll(out);
            throw failure;
        }
        return out;
    }

    private static void closeAll(List<? extends AutoCloseable> adapters) {
        if (adapters.size() <= 1) {
            adapters.forEach(Harness::closeQuietly);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        adapters.forEach(a -> pool.submit(() -> closeQuietly(a)));
        pool.shutdown();
        try {
            pool.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable a) {
        try {
            a.close();
        } catch (Exception ignored) {
            // closing is best effort at the end of a scenario
        }
    }

    /** Per-thread tallies, merged after the run. */
    private static final class Tally {
        final LatencyHistogram latency = new LatencyHistogram();
        long ops;
        long retakes;
        long errors;
        long violations;
        String firstError;

        void error(RuntimeException e) {
            errors++;
            if (firstError == null) {
                firstError = e.toString();
            }
        }
    }

    private interface Loop {
        void run(int thread, Tally tally);
    }

    /** A measurement window's edges; {@code byCommand} only when per-command deltas are printed. */
    private record Window(long nanos, long commands, double cpuSeconds, double serverCpuSeconds,
                          java.util.Map<String, Long> byCommand) {
    }

    private Window mark(ServerCounter counter) {
        long commands;
        double serverCpu;
        java.util.Map<String, Long> byCommand = java.util.Map.of();
        try {
            if (commandDeltas != null) {
                byCommand = counter.commandCounts();
                commands = byCommand.isEmpty() ? counter.commands()
                        : byCommand.values().stream().mapToLong(Long::longValue).sum();
            } else {
                commands = counter.commands();
            }
            serverCpu = counter.cpuSeconds();
        } catch (RuntimeException e) {
            commands = -1;
            serverCpu = Double.NaN;
        }
        return new Window(System.nanoTime(), commands, os.getProcessCpuTime() / 1e9, serverCpu, byCommand);
    }

    /** Prints the window's server commands by name, per operation (the debugging aid). */
    private void printDeltas(Contender c, Scenario s, Window start, Window end, long ops) {
        if (commandDeltas == null || start.commands < 0 || end.commands < 0) {
            return;
        }
        java.util.Map<String, Long> delta = new java.util.TreeMap<>();
        end.byCommand.forEach((k, v) -> {
            long d = v - start.byCommand.getOrDefault(k, 0L);
            if (d != 0) {
                delta.put(k, d);
            }
        });
        StringBuilder b = new StringBuilder();
        b.append(String.format(java.util.Locale.ROOT, "%n    commands in the window of %s / %s: %,d in %,d ops",
                c.label(s), s.name(), end.commands - start.commands, ops));
        delta.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).forEach(e -> b.append(
                String.format(java.util.Locale.ROOT, "; %s %,d (%.2f/op)", e.getKey(), e.getValue(),
                        ops > 0 ? (double) e.getValue() / ops : Double.NaN)));
        b.append(String.format("%n    "));
        commandDeltas.print(b);
    }

    /** Runs {@code loop} on {@code threads} threads through warm-up and the measure window. */
    private Result measure(Contender c, Scenario s, int threads, ServerCounter counter, Loop loop)
            throws InterruptedException {
        phase = WARMUP;
        Tally[] tallies = new Tally[threads];
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            Tally t = tallies[i] = new Tally();
            int id = i;
            workers[i] = new Thread(() -> loop.run(id, t), "bench-" + c.name().toLowerCase(java.util.Locale.ROOT)
                    + "-" + i);
            workers[i].setDaemon(true);
        }
        for (Thread w : workers) {
            w.start();
        }
        sleep(settings.warmup());
        Window start = mark(counter);
        phase = MEASURE;
        sleep(settings.measure());
        phase = STOP;
        Window end = mark(counter);
        String stuck = join(workers);
        return summarise(c, s, tallies, start, end, stuck);
    }

    private static void sleep(Duration d) throws InterruptedException {
        // A benchmark window: the passing of time is what is being measured here.
        Thread.sleep(d.toMillis());
    }

    private String join(Thread[] workers) throws InterruptedException {
        long deadline = System.nanoTime() + stuckWait.toNanos();
        int stuck = 0;
        for (Thread w : workers) {
            w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (w.isAlive()) {
                stuck++;
                w.interrupt();
            }
        }
        return stuck == 0 ? "" : String.format(java.util.Locale.ROOT, "%d %s still blocked %.0f s after the"
                + " window (interrupted)", stuck, stuck == 1 ? "thread" : "threads", stuckWait.toMillis() / 1000.0);
    }

    private Result summarise(Contender c, Scenario s, Tally[] tallies, Window start, Window end, String stuck) {
        LatencyHistogram all = new LatencyHistogram();
        long ops = 0;
        long retakes = 0;
        long errors = 0;
        long violations = 0;
        String firstError = null;
        for (Tally t : tallies) {
            all.add(t.latency);
            ops += t.ops;
            retakes += t.retakes;
            errors += t.errors;
            violations += t.violations;
            if (firstError == null) {
                firstError = t.firstError;
            }
        }
        double seconds = (end.nanos - start.nanos) / 1e9;
        double perOp = start.commands >= 0 && end.commands >= 0 && ops > 0
                ? (double) (end.commands - start.commands) / ops : Double.NaN;
        printDeltas(c, s, start, end, ops);
        String note = addNote(primeNote, stuck);
        if (ops == 0 && retakes == 0 && errors == 0) {
            note = (note.isEmpty() ? "" : note + "; ") + String.format(java.util.Locale.ROOT,
                    "no acquisition at all in the %d ms window", settings.measure().toMillis());
        }
        if (retakes > 0) {
            note = (note.isEmpty() ? "" : note + "; ") + String.format(java.util.Locale.ROOT,
                    "%s nobody else acquired within %d ms of a release, so the releaser took it back",
                    retakes == 1 ? "once" : String.format(java.util.Locale.ROOT, "%,d times", retakes),
                    settings.patience().toMillis());
        }
        if (firstError != null) {
            note = (note.isEmpty() ? "" : note + "; ") + "first error: " + firstError;
        }
        return new Result(c, s, ops / seconds, all.percentile(50), all.percentile(99), perOp,
                (end.cpuSeconds - start.cpuSeconds) / seconds, (end.serverCpuSeconds - start.serverCpuSeconds) / seconds,
                ops, errors, violations, note);
    }

    private Result uncontended(Contender c, Scenario s, LockAdapter adapter, String prefix, ServerCounter counter)
            throws InterruptedException {
        return measure(c, s, s.threads(), counter, (id, t) -> {
            String name = prefix + ":" + id;
            while (phase != STOP) {
                long t0 = System.nanoTime();
                try {
                    adapter.lock(name);
                } catch (RuntimeException e) {
                    t.error(e);
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                try {
                    adapter.unlock(name);
                } catch (RuntimeException e) {
                    t.error(e);
                    continue;
                }
                long d = System.nanoTime() - t0;
                if (phase == MEASURE) {
                    t.latency.record(d);
                    t.ops++;
                }
            }
        });
    }

    private Result reentrant(Contender c, Scenario s, LockAdapter adapter, String name, ServerCounter counter)
            throws InterruptedException {
        return measure(c, s, 1, counter, (id, t) -> {
            try {
                adapter.lock(name);
            } catch (RuntimeException e) {
                t.error(e);
                return;
            }
            try {
                while (phase != STOP) {
                    long t0 = System.nanoTime();
                    try {
                        adapter.lock(name);
                        adapter.unlock(name);
                    } catch (RuntimeException e) {
                        t.error(e);
                        continue;
                    }
                    long d = System.nanoTime() - t0;
                    if (phase == MEASURE) {
                        t.latency.record(d);
                        t.ops++;
                    }
                }
            } finally {
                try {
                    adapter.unlock(name);
                } catch (RuntimeException e) {
                    t.error(e);
                }
            }
        });
    }

    /** Shared by the threads of one handoff run. */
    private static final class Baton {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicLong acquisitions = new AtomicLong();
        volatile int lastHolder = -1;
        volatile long releasedAt;
    }

    private Result handoff(Contender c, Scenario s, List<LockAdapter> adapters, String name, ServerCounter counter)
            throws InterruptedException {
        Baton baton = new Baton();
        int threads = s.threads();
        long patience = settings.patience().toNanos();
        return measure(c, s, threads, counter, (id, t) -> {
            LockAdapter adapter = adapters.get(adapters.size() == 1 ? 0 : id);
            while (phase != STOP) {
                try {
                    adapter.lock(name);
                } catch (RuntimeException e) {
                    t.error(e);
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                long acquiredAt = System.nanoTime();
                if (baton.inside.incrementAndGet() != 1) {
                    t.violations++;
                }
                int previous = baton.lastHolder;
                long released = baton.releasedAt;
                boolean counted = phase == MEASURE;
                if (counted && threads == 1) {
                    t.ops++;
                } else if (counted && previous != -1 && previous != id) {
                    t.latency.record(acquiredAt - released);
                    t.ops++;
                } else if (counted && previous == id) {
                    t.retakes++; // nobody else acquired within the patience: the releaser took it back
                }
                baton.lastHolder = id;
                long generation = baton.acquisitions.incrementAndGet();
                baton.inside.decrementAndGet();
                baton.releasedAt = System.nanoTime();
                try {
                    adapter.unlock(name);
                } catch (RuntimeException e) {
                    t.error(e);
                }
                if (threads == 1) {
                    if (counted) {
                        t.latency.record(System.nanoTime() - acquiredAt);
                    }
                    continue;
                }
                // Take turns: let another thread have it before asking again.
                long giveUpAt = System.nanoTime() + patience;
                while (baton.acquisitions.get() == generation && phase != STOP && System.nanoTime() < giveUpAt) {
                    LockSupport.parkNanos(20_000);
                }
            }
        });
    }

    private Result held(Contender c, Scenario s, LockAdapter adapter, String prefix, ServerCounter counter)
            throws InterruptedException {
        int threads = s.threads();
        int total = settings.heldLocks();
        CountDownLatch acquired = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        Tally[] tallies = new Tally[threads];
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            Tally t = tallies[i] = new Tally();
            int id = i;
            workers[i] = new Thread(() -> {
                List<String> mine = new ArrayList<>();
                try {
                    for (int k = id; k < total; k += threads) {
                        String name = prefix + ":" + k;
                        try {
                            adapter.lock(name);
                            mine.add(name);
                        } catch (RuntimeException e) {
                            t.error(e);
                        }
                    }
                } finally {
                    acquired.countDown();
                }
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (String name : mine) {
                    try {
                        adapter.unlock(name);
                        t.ops++;
                    } catch (RuntimeException e) {
                        t.error(e);
                    }
                }
            }, "bench-held-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }
        long t0 = System.nanoTime();
        long limit = 30 + total / 100; // seconds: generous for 10,000 ZooKeeper locks on a busy machine
        if (!acquired.await(limit, TimeUnit.SECONDS)) {
            release.countDown();
            for (Thread w : workers) {
                w.interrupt();
            }
            String stuck = join(workers);
            return new Result(c, s, Double.NaN, -1, -1, Double.NaN, Double.NaN, Double.NaN, 0,
                    Arrays.stream(tallies).mapToLong(t -> t.errors).sum(), 0, String.format(java.util.Locale.ROOT,
                    "acquiring %,d locks did not finish within %d s%s", total, limit,
                    stuck.isEmpty() ? "" : "; " + stuck));
        }
        double acquireSeconds = (System.nanoTime() - t0) / 1e9;
        Window start = mark(counter);
        sleep(settings.heldWindow());
        Window end = mark(counter);
        release.countDown();
        String stuck = join(workers);
        long released = 0;
        long errors = 0;
        String firstError = null;
        for (Tally t : tallies) {
            released += t.ops;
            errors += t.errors;
            if (firstError == null) {
                firstError = t.firstError;
            }
        }
        double seconds = (end.nanos - start.nanos) / 1e9;
        double commandsPerSecond = start.commands >= 0 && end.commands >= 0
                ? (end.commands - start.commands) / seconds : Double.NaN;
        String note = String.format(java.util.Locale.ROOT, "%,d locks held (acquired in %.1f s), %,d released"
                + " cleanly", total, acquireSeconds, released);
        if (!stuck.isEmpty()) {
            note += "; " + stuck;
        }
        if (firstError != null) {
            note += "; first error: " + firstError;
        }
        return new Result(c, s, commandsPerSecond, -1, -1, Double.NaN,
                (end.cpuSeconds - start.cpuSeconds) / seconds, (end.serverCpuSeconds - start.serverCpuSeconds) / seconds,
                released, errors, 0, note);
    }

    private Result readWrite(Contender c, Scenario s, CoordinationAdapter adapter, String name, ServerCounter counter)
            throws InterruptedException {
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        return measure(c, s, s.threads(), counter, (id, t) -> {
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            while (phase != STOP) {
                boolean read = random.nextDouble() < Scenario.READ_SHARE;
                long t0 = System.nanoTime();
                try {
                    if (read) {
                        adapter.readLock(name);
                    } else {
                        adapter.writeLock(name);
                    }
                } catch (RuntimeException e) {
                    t.error(e);
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                // Readers and writers announce themselves, then look: an overlap is seen by one of them.
                if (read) {
                    readers.incrementAndGet();
                    if (writers.get() != 0) {
                        t.violations++;
                    }
                    readers.decrementAndGet();
                } else {
                    if (writers.incrementAndGet() != 1 || readers.get() != 0) {
                        t.violations++;
                    }
                    writers.decrementAndGet();
                }
                try {
                    if (read) {
                        adapter.readUnlock(name);
                    } else {
                        adapter.writeUnlock(name);
                    }
                } catch (RuntimeException e) {
                    t.error(e);
                    continue;
                }
                long d = System.nanoTime() - t0;
                if (phase == MEASURE) {
                    t.latency.record(d);
                    t.ops++;
                }
            }
        });
    }

    private Result semaphore(Contender c, Scenario s, CoordinationAdapter adapter, String name, ServerCounter counter)
            throws InterruptedException {
        AtomicInteger inside = new AtomicInteger();
        int permits = Scenario.SEMAPHORE_PERMITS;
        return measure(c, s, s.threads(), counter, (id, t) -> {
            while (phase != STOP) {
                long t0 = System.nanoTime();
                Object permit;
                try {
                    permit = adapter.acquirePermit(name, permits);
                } catch (RuntimeException e) {
                    t.error(e);
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                if (inside.incrementAndGet() > permits) {
                    t.violations++;
                }
                inside.decrementAndGet();
                try {
                    adapter.releasePermit(name, permit);
                } catch (RuntimeException e) {
                    t.error(e);
                    continue;
                }
                long d = System.nanoTime() - t0;
                if (phase == MEASURE) {
                    t.latency.record(d);
                    t.ops++;
                }
            }
        });
    }

    /**
     * Failovers: one driver thread finds the leader, makes it resign and waits until another
     * participant gains leadership; the latency runs from the {@code resign()} call to the
     * library's "you are leader" callback of the next leader. The one that resigned joins again
     * at once, so every failover has the same number of followers.
     */
    private Result election(Contender c, Scenario s, List<CoordinationAdapter> adapters, String group,
            ServerCounter counter) throws InterruptedException {
        List<CoordinationAdapter.Participant> participants = new ArrayList<>();
        AtomicLong gains = new AtomicLong();
        AtomicLong lastGainNanos = new AtomicLong();
        AtomicLong overlaps = new AtomicLong();
        Runnable onGained = () -> {
            lastGainNanos.set(System.nanoTime());
            if (participants.stream().filter(CoordinationAdapter.Participant::isLeader).count() > 1) {
                overlaps.incrementAndGet();
            }
            gains.incrementAndGet();
        };
        for (CoordinationAdapter a : adapters) {
            participants.add(a.participant(group));
        }
        participants.forEach(p -> p.join(onGained));
        long patience = TimeUnit.SECONDS.toNanos(10);
        // The first election (connecting, first subscriptions) is not a failover: let it happen before the windows.
        long firstBy = System.nanoTime() + patience;
        while (participants.stream().noneMatch(CoordinationAdapter.Participant::isLeader)
                && System.nanoTime() - firstBy < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        if (primeClients) {
            primeElection(participants, gains, onGained);
        }
        try {
            return measure(c, s, 1, counter, (id, t) -> {
                while (phase != STOP) {
                    CoordinationAdapter.Participant leader = null;
                    long lookUntil = System.nanoTime() + patience;
                    while (leader == null && phase != STOP && System.nanoTime() - lookUntil < 0) {
                        for (CoordinationAdapter.Participant p : participants) {
                            if (p.isLeader()) {
                                leader = p;
                                break;
                            }
                        }
                        if (leader == null) {
                            LockSupport.parkNanos(20_000);
                        }
                    }
                    if (leader == null) {
                        if (phase != STOP) {
                            t.error(new IllegalStateException("no leader within 10 s"));
                        }
                        continue;
                    }
                    long before = gains.get();
                    long t0 = System.nanoTime();
                    try {
                        leader.resign();
                    } catch (RuntimeException e) {
                        t.error(e);
                        continue;
                    }
                    long waitUntil = System.nanoTime() + patience;
                    while (gains.get() == before && System.nanoTime() - waitUntil < 0) {
                        LockSupport.parkNanos(20_000);
                    }
                    boolean elected = gains.get() != before;
                    long d = lastGainNanos.get() - t0;
                    try {
                        leader.join(onGained);
                    } catch (RuntimeException e) {
                        t.error(e);
                    }
                    if (!elected) {
                        t.error(new IllegalStateException("no new leader within 10 s of a resign"));
                        continue;
                    }
                    if (phase == MEASURE) {
                        t.latency.record(Math.max(0, d));
                        t.ops++;
                    }
                }
                t.violations += overlaps.getAndSet(0);
            });
        } finally {
            for (CoordinationAdapter.Participant p : participants) {
                try {
                    p.resign();
                } catch (RuntimeException ignored) {
                    // closing the clients ends the participants anyway
                }
            }
        }
    }
}

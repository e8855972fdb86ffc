package dev.distlock.tests.safety;

import dev.distlock.Lease;
import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.LockException;
import dev.distlock.LockLostException;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fuzzes a backend's inputs in process: odd lock names, out-of-range waits and leases, and
 * random interleavings of lock, re-entry, unlock (also by threads that do not hold the lock),
 * {@code acquire}/{@code close} and queries, from several threads at once.
 *
 * <p>What it requires: only documented exceptions ({@link IllegalArgumentException} exactly for
 * the inputs the API rejects, {@link IllegalMonitorStateException} exactly for an unlock
 * without a hold, and {@link LockException} subclasses); a hold count that follows a per-thread
 * model after every operation; one token across re-entry; and at the end, every name free on
 * the store and usable by another client, with a larger token than any seen. Each departure is
 * recorded as a problem (with the seed), not thrown.
 *
 * <p>One fuzzer runs one {@link #fuzz} at a time.
 */
public final class InputFuzzer {
    /**
     * What a fuzz run did.
     *
     * @param seed the seed that reproduces the random choices (not the thread timing)
     * @param operations operations performed
     * @param outcomes counts per {@code operation:outcome}, and the milliseconds each phase took
     *        under {@code ms:<phase>}
     * @param problems departures from the documented behaviour (empty when all is well)
     */
    public record Report(long seed, int operations, Map<String, Integer> outcomes, List<String> problems) {
        /**
         * Copies the collections.
         *
         * @throws NullPointerException if a collection is null
         */
        public Report {
            outcomes = Map.copyOf(outcomes);
            problems = List.copyOf(problems);
        }
    }

    private final long seed;
    private final Duration shortestLease;
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger operations = new AtomicInteger();
    private final Map<String, Long> maxTokens = new ConcurrentHashMap<>();

    /**
     * Makes a fuzzer.
     *
     * @param seed the seed of every random choice
     */
    public InputFuzzer(long seed) {
        this(seed, Duration.ofMillis(1));
    }

    /**
     * Makes a fuzzer for a backend that refuses fixed leases under a minimum of its own (Redlock
     * needs a lease that leaves time for a round trip after its drift allowance).
     *
     * @param seed the seed of every random choice
     * @param shortestLease the shortest fixed lease the backend accepts
     * @throws IllegalArgumentException if {@code shortestLease} is null or under 1 ms
     */
    public InputFuzzer(long seed, Duration shortestLease) {
        if (shortestLease == null || shortestLease.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("shortestLease must be at least 1 ms, was " + shortestLease);
        }
        this.seed = seed;
        this.shortestLease = shortestLease;
    }

    /**
     * The lock names tried: valid odd ones and invalid ones.
     *
     * @param random the source of the random ones
     * @return the names, null included
     */
    static List<String> names(Random random) {
        List<String> names = new ArrayList<>(List.of("", " ", "\t\n", "/", "//", "a/b/../c", "/zookeeper", ".", "..",
                "{tag}", "}{", "%", "%25", "%7B", "naïve", "日本語のロック", "🔒🗝️", "e\u0301", "\u0000", "nul\u0000inside",
                "line\nbreak", "\uD800", "-1", "lk-0000000001", "x".repeat(LockClient.MAX_NAME_LENGTH),
                "y".repeat(LockClient.MAX_NAME_LENGTH + 1), "\u3000"));
        names.add(null);
        for (int i = 0; i < 8; i++) {
            int len = 1 + random.nextInt(i < 6 ? 40 : 3000);
            StringBuilder b = new StringBuilder();
            while (b.length() < len) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> 0x20 + random.nextInt(0x5f);
                    case 1 -> "/{}%:. \\*?".charAt(random.nextInt(10));
                    case 2 -> 0xA0 + random.nextInt(0xD7FF - 0xA0);
                    default -> 0x1F300 + random.nextInt(0x300);
                };
                b.appendCodePoint(cp);
            }
            names.add(b.toString());
        }
        return names;
    }

    private static boolean validName(String name) {
        return name != null && !name.isBlank() && name.length() <= LockClient.MAX_NAME_LENGTH;
    }

    private static final Duration[] WAITS = {null, Duration.ofMillis(-1), Duration.ofNanos(-1), Duration.ZERO,
            Duration.ofNanos(1), Duration.ofMillis(5), Duration.ofDays(365 * 1000L), Duration.ofSeconds(Long.MAX_VALUE)};
    private static final Duration[] LEASES = {null, Duration.ZERO, Duration.ofSeconds(-1), Duration.ofNanos(1),
            Duration.ofNanos(999_999), Duration.ofMillis(1), Duration.ofMillis(300), Duration.ofSeconds(5),
            LockConfig.MAX_LEASE, LockConfig.MAX_LEASE.plusMillis(1), Duration.ofSeconds(Long.MAX_VALUE)};

    private static boolean validWait(Duration w) {
        return w != null && !w.isNegative();
    }

    private boolean validLease(Duration l) {
        return l != null && l.compareTo(shortestLease) >= 0 && l.compareTo(LockConfig.MAX_LEASE) <= 0;
    }

    /**
     * Runs the fuzzer.
     *
     * @param client the client under test
     * @param other a second client of the same store, for the final checks
     * @param threads threads fuzzing at once (at least 1)
     * @param opsPerThread random operations per thread (at least 1)
     * @return the report
     * @throws IllegalArgumentException if a client is null or a count below 1
     * @throws InterruptedException if the calling thread is interrupted
     */
    public Report fuzz(LockClient client, LockClient other, int threads, int opsPerThread) throws InterruptedException {
        if (client == null || other == null || threads < 1 || opsPerThread < 1) {
            throw new IllegalArgumentException("clients must not be null and threads, opsPerThread at least 1");
        }
        long t0 = System.nanoTime();
        Random random = new Random(seed);
        List<String> names = names(random);
        List<Mutex> usable = new ArrayList<>();
        for (String name : names) {
            try {
                Mutex m = client.mutex(name);
                count("mutex:ok");
                if (!validName(name)) {
                    problem("mutex(" + show(name) + ") accepted an invalid name");
                } else {
                    usable.add(m);
                }
            } catch (IllegalArgumentException e) {
                count("mutex:IAE");
                if (validName(name)) {
                    problem("mutex(" + show(name) + ") refused a valid name: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                problem("mutex(" + show(name) + ") threw " + e);
            }
        }
        // Every odd valid name: bad durations, then a round trip, on the calling thread.
        // Every odd valid name makes a round trip; a few get every bad duration as well.
        for (int i = 0; i < usable.size(); i++) {
            Mutex m = usable.get(i);
            if (i % 8 == 0) {
                durations(m, random);
            } else {
                attempt(m, "tryLock(0)", true, () -> m.tryLock(Duration.ZERO) ? 1 : 0);
            }
        }
        wrongThreadUnlock(usable.get(0));
        long t1 = System.nanoTime();
        List<Mutex> contended = List.of(usable.get(random.nextInt(usable.size())), client.mutex("fuzz-contended"));
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random r = new Random(seed * 31 + t);
            Thread th = new Thread(() -> interleave(contended, r, opsPerThread), "fuzz-" + t);
            th.start();
            running.add(th);
        }
        for (Thread th : running) {
            th.join(TimeUnit.MINUTES.toMillis(5));
            if (th.isAlive()) {
                problem(th.getName() + " did not finish within 5 minutes");
                th.interrupt();
            }
        }
        long t2 = System.nanoTime();
        for (Mutex m : usable) {
            finalCheck(m, other);
        }
        finalCheck(contended.get(1), other);
        long t3 = System.nanoTime();
        outcomes.put("ms:names-and-durations", (int) ((t1 - t0) / 1_000_000));
        outcomes.put("ms:interleavings", (int) ((t2 - t1) / 1_000_000));
        outcomes.put("ms:final-checks", (int) ((t3 - t2) / 1_000_000));
        return new Report(seed, operations.get(), outcomes, problems);
    }

    private void durations(Mutex m, Random random) {
        for (Duration wait : WAITS) {
            if (validWait(wait) && wait.compareTo(Duration.ofSeconds(1)) > 0 && lockedOrUnknown(m)) {
                continue; // a huge wait on a held lock would only wait
            }
            attempt(m, "tryLock(wait)", validWait(wait), () -> m.tryLock(wait) ? 1 : 0);
            Duration lease = LEASES[random.nextInt(LEASES.length)];
            boolean ok = validWait(wait) && validLease(lease);
            attempt(m, "tryLock(wait,lease)", ok, () -> m.tryLock(wait, lease) ? 1 : 0);
            attempt(m, "acquire(wait)", validWait(wait), () -> {
                Lease l = m.acquire(wait);
                note(m, l.fencingToken());
                l.close();
                return 0;
            });
        }
        for (Duration lease : LEASES) {
            attempt(m, "acquire(0,lease)", validLease(lease), () -> {
                Lease l = m.acquire(Duration.ZERO, lease);
                note(m, l.fencingToken());
                l.close();
                return 0;
            });
        }
        attempt(m, "tryLock(-5,ms)", true, () -> m.tryLock(-5, TimeUnit.MILLISECONDS) ? 1 : 0);
        attempt(m, "tryLock(1,null)", false, () -> m.tryLock(1, null) ? 1 : 0);
    }

    private boolean lockedOrUnknown(Mutex m) {
        try {
            return m.isLocked();
        } catch (LockException e) {
            count("isLocked:" + e.getClass().getSimpleName());
            return true;
        }
    }

    /** An action that returns how many holds it added (0 or 1). */
    @FunctionalInterface
    private interface Step {
        int run() throws Exception;
    }

    /** Runs one step on a free lock and releases what it took; checks the IAE rule and the count. */
    private void attempt(Mutex m, String op, boolean valid, Step step) {
        operations.incrementAndGet();
        int before = m.getHoldCount();
        try {
            int added = step.run();
            count(op + ":ok");
            if (!valid) {
                problem(op + " on " + show(m.name()) + " accepted invalid input");
            }
            if (m.getHoldCount() != before + added) {
                problem(op + " on " + show(m.name()) + ": hold count " + m.getHoldCount() + ", expected "
                        + (before + added));
            }
            if (added == 1) {
                try {
                    note(m, m.fencingToken());
                } catch (IllegalMonitorStateException e) {
                    if (m.isHeldByCurrentThread()) {
                        problem(op + ": fencingToken threw although the lease is valid: " + e);
                    }
                }
                try {
                    m.unlock();
                } catch (LockLostException e) {
                    count(op + ":unlock-lost"); // a 1 ms lease may run out first
                }
            }
        } catch (IllegalArgumentException e) {
            count(op + ":IAE");
            if (valid) {
                problem(op + " on " + show(m.name()) + " refused valid input: " + e.getMessage());
            }
            if (m.getHoldCount() != before) {
                problem(op + " changed the hold count although it refused the input");
            }
        } catch (LockException e) {
            count(op + ":" + e.getClass().getSimpleName());
        } catch (Exception e) {
            problem(op + " on " + show(m.name()) + " threw an undocumented " + e);
        }
    }

    private void wrongThreadUnlock(Mutex m) throws InterruptedException {
        operations.incrementAndGet();
        try {
            if (!m.tryLock(Duration.ofSeconds(5))) {
                problem("could not take " + show(m.name()) + " for the wrong-thread unlock");
                return;
            }
        } catch (LockException e) {
            problem("could not take " + show(m.name()) + ": " + e);
            return;
        }
        Thread intruder = new Thread(() -> {
            try {
                m.unlock();
                problem("unlock by a thread that holds nothing did not throw");
            } catch (IllegalMonitorStateException e) {
                count("wrong-thread-unlock:IMSE");
            } catch (RuntimeException e) {
                problem("unlock by a thread that holds nothing threw " + e);
            }
            try {
                if (!awaitLocked(m, true)) {
                    problem("unlock by a thread that holds nothing released the holder's lock");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fuzz-intruder");
        intruder.start();
        intruder.join();
        if (!m.isHeldByCurrentThread() || m.getHoldCount() != 1) {
            problem("the holder lost its hold to a wrong-thread unlock");
        }
        m.unlock();
    }

    private void interleave(List<Mutex> mutexes, Random r, int ops) {
        Map<Mutex, Integer> model = new java.util.HashMap<>();
        Map<Mutex, Long> tokens = new java.util.HashMap<>();
        for (int i = 0; i < ops; i++) {
            Mutex m = mutexes.get(r.nextInt(mutexes.size()));
            int held = model.getOrDefault(m, 0);
            int choice = r.nextInt(10);
            operations.incrementAndGet();
            String op;
            try {
                switch (choice) {
                    case 0, 1, 2 -> {
                        op = held > 0 ? "reenter" : "tryLock";
                        Duration wait = Duration.ofMillis(r.nextInt(30));
                        boolean fixed = r.nextBoolean();
                        boolean got = fixed ? m.tryLock(wait, shortestLease.plusMillis(r.nextInt(r.nextBoolean() ? 50 : 3000)))
                                : m.tryLock(wait);
                        if (got) {
                            model.put(m, held + 1);
                            try {
                                long token = m.fencingToken();
                                note(m, token);
                                if (held > 0 && tokens.containsKey(m) && tokens.get(m) != token) {
                                    problem("re-entry changed the token of " + show(m.name()));
                                }
                                tokens.put(m, token);
                            } catch (IllegalMonitorStateException e) {
                                // a fixed lease of a few ms may already have run out
                                if (m.isHeldByCurrentThread()) {
                                    problem("fencingToken threw although the lease is valid: " + e);
                                }
                            }
                        } else if (held > 0) {
                            problem("re-entry of a held lock failed on " + show(m.name()));
                        }
                        count(op + ":" + got);
                    }
                    case 3, 4, 5 -> {
                        op = held > 0 ? "unlock" : "unlock-unheld";
                        try {
                            m.unlock();
                            if (held == 0) {
                                problem("unlock without a hold did not throw on " + show(m.name()));
                            }
                            count(op + ":ok");
                        } catch (IllegalMonitorStateException e) {
                            count(op + ":IMSE");
                            if (held > 0) {
                                problem("unlock of a held lock threw " + e);
                            }
                        } finally {
                            if (held > 0) {
                                model.put(m, held - 1);
                            }
                        }
                    }
                    case 6 -> {
                        op = "acquire-close";
                        try (Lease l = m.acquire(Duration.ofMillis(r.nextInt(20)))) {
                            if (held > 0 && tokens.containsKey(m) && l.fencingToken() != tokens.get(m)) {
                                problem("acquire while holding changed the token of " + show(m.name()));
                            }
                            note(m, l.fencingToken());
                        }
                        count(op + ":ok");
                    }
                    case 7 -> {
                        op = "bad-input";
                        try {
                            m.tryLock(Duration.ofMillis(-r.nextInt(1000) - 1));
                            problem("a negative wait was accepted");
                        } catch (IllegalArgumentException e) {
                            count(op + ":IAE");
                        }
                    }
                    default -> {
                        op = "query";
                        boolean mine = m.isHeldByCurrentThread();
                        if (mine && held == 0) {
                            problem("isHeldByCurrentThread without a hold on " + show(m.name()));
                        }
                        if (held == 0) {
                            try {
                                m.fencingToken();
                                problem("fencingToken without a hold did not throw");
                            } catch (IllegalMonitorStateException expected) {
                                count(op + ":IMSE");
                            }
                        }
                        count(op + ":ok");
                    }
                }
            } catch (IllegalArgumentException | IllegalMonitorStateException e) {
                problem("thread " + Thread.currentThread().getName() + " op " + choice + " on " + show(m.name())
                        + " (holding " + held + ") threw " + e);
            } catch (LockLostException e) {
                count("op" + choice + ":LockLostException");
                if (choice >= 3 && choice <= 5 && held > 0) {
                    model.put(m, held - 1);
                }
            } catch (LockException e) {
                count("op" + choice + ":" + e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                problem("interrupted");
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                problem("op " + choice + " on " + show(m.name()) + " threw an undocumented " + e);
            }
            int expected = model.getOrDefault(m, 0);
            if (m.getHoldCount() != expected) {
                problem("after op " + choice + " on " + show(m.name()) + " the hold count is " + m.getHoldCount()
                        + ", the model says " + expected);
                model.put(m, m.getHoldCount());
            }
        }
        for (Map.Entry<Mutex, Integer> e : model.entrySet()) {
            for (int k = 0; k < e.getValue(); k++) {
                try {
                    e.getKey().unlock();
                } catch (LockLostException lost) {
                    count("final-unlock:LockLostException");
                } catch (RuntimeException ex) {
                    problem("final unlock threw " + ex);
                }
            }
            if (e.getKey().getHoldCount() != 0) {
                problem("hold count after the final unlocks is " + e.getKey().getHoldCount());
            }
        }
    }

    private void finalCheck(Mutex m, LockClient other) throws InterruptedException {
        if (!awaitLocked(m, false)) {
            problem(show(m.name()) + " is still locked after every hold was released");
        }
        Mutex o = other.mutex(m.name());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        boolean got = false;
        while (!got && System.nanoTime() < until) {
            try {
                got = o.tryLock(Duration.ofSeconds(5));
            } catch (LockException e) {
                count("final-tryLock:" + e.getClass().getSimpleName()); // documented; the store was slow
            }
        }
        if (!got) {
            problem("another client could not take " + show(m.name()));
            return;
        }
        long token = o.fencingToken();
        Long max = maxTokens.get(m.name());
        if (max != null && token <= max) {
            problem("another client got token " + token + " on " + show(m.name()) + ", not above " + max);
        }
        try {
            o.unlock();
        } catch (LockException e) {
            count("final-unlock-other:" + e.getClass().getSimpleName());
        }
        if (!awaitLocked(m, false)) {
            problem(show(m.name()) + " still locked after the other client's unlock");
        }
    }

    /**
     * Waits up to 15 s for {@code isLocked()} to answer {@code expected}; a documented
     * {@link LockException} from a slow store is counted and asked again.
     */
    private boolean awaitLocked(Mutex m, boolean expected) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                if (m.isLocked() == expected) {
                    return true;
                }
            } catch (LockException e) {
                count("isLocked:" + e.getClass().getSimpleName());
            }
            if (System.nanoTime() >= until) {
                return false;
            }
            Thread.sleep(20); // waiting for a fixed lease to run out on the store, bounded above
        }
    }

    private void note(Mutex m, long token) {
        maxTokens.merge(m.name(), token, Math::max);
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private void problem(String text) {
        if (problems.size() < 100) {
            problems.add("seed " + seed + ": " + text);
        }
    }

    private static String show(String name) {
        if (name == null) {
            return "null";
        }
        String s = name.length() > 40 ? name.substring(0, 40) + "…(" + name.length() + " chars)" : name;
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('"').toString();
    }
}

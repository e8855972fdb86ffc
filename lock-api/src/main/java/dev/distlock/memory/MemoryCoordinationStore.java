package dev.distlock.memory;

import dev.distlock.LockClock;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.ReadWriteLockDriver.Mode;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The read-write locks, semaphores and election terms of one {@link MemoryLockStore}, kept as a
 * lock server would keep them. Each kind has a map of its own, so no name of one kind reaches
 * another; an election's term is a one-permit lease in the term map.
 *
 * <p>Design: one state per name that is held or waited for, guarded by its own monitor, dropped
 * when nobody holds or waits (as {@link MemoryLockStore} does for mutexes). A read-write state
 * has at most one writer and any number of readers; a semaphore state has leases of some
 * permits each. Every holder has its own lease end; leases expire by the store's clock, lazily
 * when a name is touched and by a timer at the earliest lease end while somebody waits (at once
 * when a {@link dev.distlock.ManualClock} jumps). Waiters queue in FIFO order and are granted
 * from the head on every release, expiry or withdrawal, as far as the head can be granted: so
 * readers that come after a waiting writer wait behind it (writers are not starved), a
 * request for many permits is not overtaken, and a batch of readers at the head is let in
 * together. A reader whose owner is the writer (a downgrade) is granted at once. Fencing
 * tokens come from one counter for every kind of name.
 *
 * <p>Thread-safe.
 */
final class MemoryCoordinationStore {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "distlock-memory-coordination-expiry");
        t.setDaemon(true);
        return t;
    });

    private final LockClock clock;
    private final Map<String, RwState> rwStates = new ConcurrentHashMap<>();
    private final Map<String, SemState> semStates = new ConcurrentHashMap<>();
    private final Map<String, SemState> termStates = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    MemoryCoordinationStore(LockClock clock) {
        this.clock = clock;
        clock.onJump(this::expireDue);
    }

    private static final class Holder {
        final String owner;
        final long token;
        long expiresAt;
        int permits;

        Holder(String owner, long token, long expiresAt, int permits) {
            this.owner = owner;
            this.token = token;
            this.expiresAt = expiresAt;
            this.permits = permits;
        }
    }

    private static final class Waiter {
        final AcquireRequest request;
        final Mode mode;
        final int permits;
        final int limit;
        final CompletableFuture<Grant> future = new CompletableFuture<>();

        Waiter(AcquireRequest request, Mode mode, int permits, int limit) {
            this.request = request;
            this.mode = mode;
            this.permits = permits;
            this.limit = limit;
        }
    }

    /** What both kinds of names share: the queue, the timer, retirement. Guarded by its monitor. */
    private abstract static class State {
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>(2);
        boolean retired;
        boolean timerArmed;
        long timerDue;

        /** Drops holders whose lease ended at {@code now}; tells whether any was dropped. */
        abstract boolean expire(long now);

        abstract boolean canGrant(Waiter w);

        /** Whether {@code w} may be granted ahead of the queue. */
        abstract boolean jumpsQueue(Waiter w);

        abstract void add(Waiter w, Holder h);

        abstract void remove(Waiter w, Holder h);

        abstract boolean hasHolders();

        abstract long nextExpiry();
    }

    private static final class RwState extends State {
        Holder writer;
        final Map<String, Holder> readers = new LinkedHashMap<>(4);

        @Override
        boolean expire(long now) {
            boolean any = false;
            if (writer != null && now - writer.expiresAt >= 0) {
                writer = null;
                any = true;
            }
            Iterator<Holder> it = readers.values().iterator();
            while (it.hasNext()) {
                if (now - it.next().expiresAt >= 0) {
                    it.remove();
                    any = true;
                }
            }
            return any;
        }

        @Override
        boolean canGrant(Waiter w) {
            if (w.mode == Mode.WRITE) {
                return writer == null && readers.isEmpty();
            }
            return writer == null || writer.owner.equals(w.request.ownerId());
        }

        @Override
        boolean jumpsQueue(Waiter w) {
            return w.mode == Mode.READ && writer != null && writer.owner.equals(w.request.ownerId());
        }

        @Override
        void add(Waiter w, Holder h) {
            if (w.mode == Mode.WRITE) {
                writer = h;
            } else {
                readers.put(h.owner, h);
            }
        }

        @Override
        void remove(Waiter w, Holder h) {
            if (w.mode == Mode.WRITE) {
                if (writer == h) {
                    writer = null;
                }
            } else {
                readers.remove(h.owner, h);
            }
        }

        Holder find(Mode mode, HeldLock held) {
            Holder h = mode == Mode.WRITE ? writer : readers.get(held.ownerId());
            return h != null && h.owner.equals(held.ownerId()) && h.token == held.grant().fencingToken() ? h : null;
        }

        @Override
        boolean hasHolders() {
            return writer != null || !readers.isEmpty();
        }

        @Override
        long nextExpiry() {
            long next = Long.MAX_VALUE;
            boolean any = false;
            if (writer != null) {
                next = writer.expiresAt;
                any = true;
            }
            for (Holder h : readers.values()) {
                if (!any || h.expiresAt - next < 0) {
                    next = h.expiresAt;
                    any = true;
                }
            }
            return next;
        }
    }

    private static final class SemState extends State {
        final Map<String, Holder> leases = new LinkedHashMap<>(4);
        int used;

        @Override
        boolean expire(long now) {
            boolean any = false;
            Iterator<Holder> it = leases.values().iterator();
            while (it.hasNext()) {
                Holder h = it.next();
                if (now - h.expiresAt >= 0) {
                    it.remove();
                    used -= h.permits;
                    any = true;
                }
            }
            return any;
        }

        @Override
        boolean canGrant(Waiter w) {
            return (long) used + w.permits <= w.limit;
        }

        @Override
        boolean jumpsQueue(Waiter w) {
            return false;
        }

        @Override
        void add(Waiter w, Holder h) {
            leases.put(h.owner, h);
            used += h.permits;
        }

        @Override
        void remove(Waiter w, Holder h) {
            if (leases.remove(h.owner, h)) {
                used -= h.permits;
            }
        }

        Holder find(HeldLock held) {
            Holder h = leases.get(held.ownerId());
            return h != null && h.token == held.grant().fencingToken() ? h : null;
        }

        @Override
        boolean hasHolders() {
            return !leases.isEmpty();
        }

        @Override
        long nextExpiry() {
            long next = Long.MAX_VALUE;
            boolean any = false;
            for (Holder h : leases.values()) {
                if (!any || h.expiresAt - next < 0) {
                    next = h.expiresAt;
                    any = true;
                }
            }
            return next;
        }
    }

    // ------------------------------------------------------------------ read-write locks

    CompletableFuture<Grant> acquire(Mode mode, AcquireRequest request) {
        return acquire(rwStates, RwState::new, new Waiter(request, mode, 0, 0));
    }

    CompletableFuture<Boolean> renew(Mode mode, HeldLock held) {
        RwState s = rwStates.get(held.name());
        if (s == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (s) {
            expireAndHandOff(rwStates, held.name(), s);
            Holder h = s.find(mode, held);
            if (h == null) {
                return CompletableFuture.completedFuture(false);
            }
            h.expiresAt = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(held.leaseMillis());
            return CompletableFuture.completedFuture(true);
        }
    }

    CompletableFuture<Boolean> release(Mode mode, HeldLock held) {
        RwState s = rwStates.get(held.name());
        if (s == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (s) {
            expireAndHandOff(rwStates, held.name(), s);
            Holder h = s.find(mode, held);
            if (h == null) {
                return CompletableFuture.completedFuture(false);
            }
            if (mode == Mode.WRITE) {
                s.writer = null;
            } else {
                s.readers.remove(h.owner);
            }
            handOff(rwStates, held.name(), s);
            return CompletableFuture.completedFuture(true);
        }
    }

    CompletableFuture<Boolean> isLocked(Mode mode, String name) {
        RwState s = rwStates.get(name);
        if (s == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (s) {
            expireAndHandOff(rwStates, name, s);
            return CompletableFuture.completedFuture(mode == Mode.WRITE ? s.writer != null : !s.readers.isEmpty());
        }
    }

    // ------------------------------------------------------------------ semaphores

    CompletableFuture<Grant> acquirePermits(AcquireRequest request, int permits, int limit) {
        return acquire(semStates, SemState::new, new Waiter(request, null, permits, limit));
    }

    // ------------------------------------------------------------------ election terms

    /* A term is a one-permit lease in a map of its own: no lock, read-write lock or semaphore name reaches it. */

    CompletableFuture<Grant> acquireTerm(AcquireRequest request) {
        return acquire(termStates, SemState::new, new Waiter(request, null, 1, 1));
    }

    CompletableFuture<Boolean> renewTerm(HeldLock held) {
        return renew(termStates, held);
    }

    CompletableFuture<Boolean> releaseTerm(HeldLock held) {
        return release(termStates, held, Integer.MAX_VALUE);
    }

    // ------------------------------------------------------------------ semaphores (continued)

    CompletableFuture<Boolean> renewPermits(HeldLock held) {
        return renew(semStates, held);
    }

    private CompletableFuture<Boolean> renew(Map<String, SemState> semStates, HeldLock held) {
        SemState s = semStates.get(held.name());
        if (s == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (s) {
            expireAndHandOff(semStates, held.name(), s);
            Holder h = s.find(held);
            if (h == null) {
                return CompletableFuture.completedFuture(false);
            }
            h.expiresAt = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(held.leaseMillis());
            return CompletableFuture.completedFuture(true);
        }
    }

    CompletableFuture<Boolean> releasePermits(HeldLock held, int permits) {
        return release(semStates, held, permits);
    }

    private CompletableFuture<Boolean> release(Map<String, SemState> semStates, HeldLock held, int permits) {
        SemState s = semStates.get(held.name());
        if (s == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (s) {
            expireAndHandOff(semStates, held.name(), s);
            Holder h = s.find(held);
            if (h == null) {
                return CompletableFuture.completedFuture(false);
            }
            if (permits >= h.permits) {
                s.leases.remove(h.owner);
                s.used -= h.permits;
            } else {
                h.permits -= permits;
                s.used -= permits;
            }
            handOff(semStates, held.name(), s);
            return CompletableFuture.completedFuture(true);
        }
    }

    CompletableFuture<Integer> availablePermits(String name, int limit) {
        SemState s = semStates.get(name);
        if (s == null) {
            return CompletableFuture.completedFuture(limit);
        }
        synchronized (s) {
            expireAndHandOff(semStates, name, s);
            return CompletableFuture.completedFuture(Math.max(0, limit - s.used));
        }
    }

    /** Returns how many waiters are queued on a read-write lock or semaphore name; for tests. */
    int waiters(String name) {
        int n = 0;
        for (Map<String, ? extends State> m : java.util.List.of(rwStates, semStates, termStates)) {
            State s = m.get(name);
            if (s != null) {
                synchronized (s) {
                    n += s.waiters.size();
                }
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ shared machinery

    private <S extends State> S state(Map<String, S> states, String name, Supplier<S> factory) {
        while (true) {
            S s = states.computeIfAbsent(name, k -> factory.get());
            synchronized (s) {
                if (!s.retired) {
                    return s;
                }
            }
            states.remove(name, s);
        }
    }

    private <S extends State> CompletableFuture<Grant> acquire(Map<String, S> states, Supplier<S> factory, Waiter w) {
        String name = w.request.name();
        while (true) {
            S s = state(states, name, factory);
            synchronized (s) {
                if (s.retired) {
                    continue;
                }
                expireAndHandOff(states, name, s);
                if ((s.waiters.isEmpty() || s.jumpsQueue(w)) && s.canGrant(w)) {
                    w.future.complete(grant(s, w));
                    return w.future;
                }
                if (w.request.remainingNanos() == 0) {
                    w.future.complete(null);
                    retireIfIdle(states, name, s);
                    return w.future;
                }
                s.waiters.addLast(w);
                armTimer(states, name, s);
                if (w.request.waitNanos() != AcquireRequest.FOREVER) {
                    // Leave the queue first, then answer: when the caller sees the timeout, nothing is left.
                    java.util.concurrent.ScheduledFuture<?> timeout = TIMER.schedule(() -> {
                        synchronized (s) {
                            if (s.waiters.remove(w)) {
                                handOff(states, name, s);
                            }
                        }
                        w.future.complete(null);
                    }, w.request.remainingNanos(), TimeUnit.NANOSECONDS);
                    w.future.whenComplete((g, err) -> timeout.cancel(false));
                }
                // Leave the queue on timeout or cancel (which may let the waiters behind in).
                w.future.whenComplete((g, err) -> {
                    if (g == null) {
                        synchronized (s) {
                            if (s.waiters.remove(w)) {
                                handOff(states, name, s);
                            }
                        }
                    }
                });
                return w.future;
            }
        }
    }

    private Grant grant(State s, Waiter w) {
        long start = clock.nanoTime();
        long token = tokens.incrementAndGet();
        Holder h = new Holder(w.request.ownerId(), token,
                start + TimeUnit.MILLISECONDS.toNanos(w.request.leaseMillis()), w.permits);
        s.add(w, h);
        return new Grant(token, start, h);
    }

    /** Grants from the head of the queue while the head can be granted; caller holds the monitor. */
    private <S extends State> void handOff(Map<String, S> states, String name, S s) {
        while (!s.waiters.isEmpty()) {
            Waiter w = s.waiters.peekFirst();
            if (w.future.isDone()) {
                s.waiters.pollFirst();
                continue;
            }
            if (!s.canGrant(w)) {
                break;
            }
            s.waiters.pollFirst();
            Grant g = grant(s, w);
            if (!w.future.complete(g)) {
                s.remove(w, (Holder) g.handle());
            }
        }
        armTimer(states, name, s);
        retireIfIdle(states, name, s);
    }

    private <S extends State> void expireAndHandOff(Map<String, S> states, String name, S s) {
        if (s.expire(clock.nanoTime())) {
            handOff(states, name, s);
        }
    }

    private <S extends State> void retireIfIdle(Map<String, S> states, String name, S s) {
        if (!s.hasHolders() && s.waiters.isEmpty()) {
            s.retired = true;
            states.remove(name, s);
        }
    }

    /** Schedules an expiry check at the earliest lease end while somebody waits. */
    private <S extends State> void armTimer(Map<String, S> states, String name, S s) {
        if (s.waiters.isEmpty() || !s.hasHolders()) {
            return;
        }
        long due = s.nextExpiry();
        if (s.timerArmed && due - s.timerDue >= 0) {
            return;
        }
        s.timerArmed = true;
        s.timerDue = due;
        long delay = Math.max(0, due - clock.nanoTime());
        TIMER.schedule(() -> {
            synchronized (s) {
                if (s.timerDue == due) {
                    s.timerArmed = false;
                }
                if (s.retired) {
                    return;
                }
                expireAndHandOff(states, name, s);
                armTimer(states, name, s);
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private void expireDue() {
        expireAll(rwStates);
        expireAll(semStates);
        expireAll(termStates);
    }

    private <S extends State> void expireAll(Map<String, S> states) {
        for (Map.Entry<String, S> e : states.entrySet()) {
            S s = e.getValue();
            synchronized (s) {
                if (!s.retired) {
                    expireAndHandOff(states, e.getKey(), s);
                }
            }
        }
    }
}

package dev.distlock.memory;

import dev.distlock.LockClock;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process lock store behind {@code memory://} URIs: what a lock server would keep, in
 * this JVM. Clients that connect to the same store name ({@code memory://orders}) share locks;
 * {@code memory://} is the store named {@code default}.
 *
 * <p>Design: one {@code State} per lock name that is held or waited for, guarded by its own
 * monitor; a name that is free with nobody waiting is dropped. Waiters queue in FIFO order and
 * are handed the lock directly on release or expiry, so nobody spins or stampedes. Leases expire
 * by the store's clock, lazily when a name is touched and actively by a timer when somebody
 * waits (and at once when a {@link dev.distlock.ManualClock} jumps). Fencing tokens come from
 * one counter per store, so they increase across every name and never repeat.
 *
 * <p>The inspection and fault methods ({@link #holderOf}, {@link #waiters}, {@link #forceRelease})
 * exist for tests. Thread-safe.
 */
public final class MemoryLockStore {
    private static final Map<String, MemoryLockStore> STORES = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "distlock-memory-expiry");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final LockClock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong acquireRequests = new AtomicLong();
    /** The read-write locks and semaphores of this store. */
    private final MemoryCoordinationStore coordination;

    private static final class Waiter {
        final AcquireRequest request;
        final CompletableFuture<Grant> future;

        Waiter(AcquireRequest request, CompletableFuture<Grant> future) {
            this.request = request;
            this.future = future;
        }
    }

    private static final class State {
        String owner;
        long token;
        long expiresAt;
        boolean retired;
        boolean timerArmed;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>(2);
    }

    private MemoryLockStore(String name, LockClock clock) {
        this.name = name;
        this.clock = clock;
        clock.onJump(this::expireDue);
        this.coordination = new MemoryCoordinationStore(clock);
    }

    MemoryCoordinationStore coordination() {
        return coordination;
    }

    /**
     * Returns how many acquirers are queued for the read-write lock or semaphore {@code name}.
     *
     * @param name the read-write lock's or semaphore's name
     * @return the number of waiters
     */
    public int coordinationWaiters(String name) {
        return coordination.waiters(name);
    }

    /**
     * Returns the store with this name, creating it with {@code clock} if it does not exist.
     * A store keeps the clock it was created with.
     *
     * @param name the store name
     * @param clock the clock for new stores
     * @return the store
     * @throws IllegalArgumentException if {@code name} is null or blank, or {@code clock} is null
     */
    public static MemoryLockStore named(String name, LockClock clock) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("store name must not be null or blank");
        }
        if (clock == null) {
            throw new IllegalArgumentException("clock must not be null");
        }
        return STORES.computeIfAbsent(name, n -> new MemoryLockStore(n, clock));
    }

    /**
     * Returns the store's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the owner id holding {@code lock}, or {@code null} if it is free.
     *
     * @param lock the lock name
     * @return the owner id or null
     */
    public String holderOf(String lock) {
        State s = states.get(lock);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            expireIfDue(lock, s);
            return s.owner;
        }
    }

    /**
     * Returns how many acquirers are queued for {@code lock}.
     *
     * @param lock the lock name
     * @return the number of waiters
     */
    public int waiters(String lock) {
        State s = states.get(lock);
        if (s == null) {
            return 0;
        }
        synchronized (s) {
            return s.waiters.size();
        }
    }

    /**
     * Returns how many acquire requests clients have sent to this store.
     *
     * @return the count since the store was created
     */
    public long acquireRequests() {
        return acquireRequests.get();
    }

    /**
     * Frees {@code lock} whoever holds it, as an operator deleting the key would; the holder
     * learns of it at its next renewal or release.
     *
     * @param lock the lock name
     * @return whether it was held
     */
    public boolean forceRelease(String lock) {
        State s = states.get(lock);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            if (s.owner == null) {
                return false;
            }
            free(lock, s);
            return true;
        }
    }

    private State state(String lock) {
        while (true) {
            State s = states.computeIfAbsent(lock, k -> new State());
            synchronized (s) {
                if (!s.retired) {
                    return s;
                }
            }
            states.remove(lock, s);
        }
    }

    CompletableFuture<Grant> acquire(AcquireRequest request) {
        acquireRequests.incrementAndGet();
        CompletableFuture<Grant> future = new CompletableFuture<>();
        String lock = request.name();
        while (true) {
            State s = state(lock);
            synchronized (s) {
                if (s.retired) {
                    continue;
                }
                expireIfDue(lock, s);
                if (s.owner == null && s.waiters.isEmpty()) {
                    future.complete(grant(s, request));
                    return future;
                }
                if (request.remainingNanos() == 0) {
                    future.complete(null);
                    retireIfIdle(lock, s);
                    return future;
                }
                Waiter w = new Waiter(request, future);
                s.waiters.addLast(w);
                armTimer(lock, s);
                if (request.waitNanos() != AcquireRequest.FOREVER) {
                    future.completeOnTimeout(null, request.remainingNanos(), TimeUnit.NANOSECONDS);
                }
                // Leave the queue on timeout or cancel; a grant that raced a cancel is handed on.
                future.whenComplete((g, err) -> {
                    if (g == null) {
                        withdraw(lock, s, w);
                    }
                });
                return future;
            }
        }
    }

    private Grant grant(State s, AcquireRequest request) {
        long start = clock.nanoTime();
        s.owner = request.ownerId();
        s.token = tokens.incrementAndGet();
        s.expiresAt = start + TimeUnit.MILLISECONDS.toNanos(request.leaseMillis());
        return new Grant(s.token, start, null);
    }

    private void withdraw(String lock, State s, Waiter w) {
        synchronized (s) {
            s.waiters.remove(w);
            if (s.owner == null) {
                handOff(lock, s);
            }
        }
    }

    CompletableFuture<Boolean> renew(HeldLock held) {
        State s = states.get(held.name());
        if (s == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (s) {
            expireIfDue(held.name(), s);
            if (!isOwner(s, held)) {
                return CompletableFuture.completedFuture(false);
            }
            s.expiresAt = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(held.leaseMillis());
            return CompletableFuture.completedFuture(true);
        }
    }

    CompletableFuture<Boolean> release(HeldLock held) {
        State s = states.get(held.name());
        if (s == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (s) {
            expireIfDue(held.name(), s);
            if (!isOwner(s, held)) {
                return CompletableFuture.completedFuture(false);
            }
            free(held.name(), s);
            return CompletableFuture.completedFuture(true);
        }
    }

    CompletableFuture<Boolean> isLocked(String lock) {
        return CompletableFuture.completedFuture(holderOf(lock) != null);
    }

    private static boolean isOwner(State s, HeldLock held) {
        return held.ownerId().equals(s.owner) && s.token == held.grant().fencingToken();
    }

    /** Frees a held name and hands it to the next live waiter; caller holds the monitor. */
    private void free(String lock, State s) {
        s.owner = null;
        handOff(lock, s);
    }

    private void handOff(String lock, State s) {
        Iterator<Waiter> it = s.waiters.iterator();
        while (it.hasNext()) {
            Waiter w = it.next();
            it.remove();
            if (w.future.isDone()) {
                continue;
            }
            Grant g = grant(s, w.request);
            if (w.future.complete(g)) {
                armTimer(lock, s);
                return;
            }
            s.owner = null;
        }
        retireIfIdle(lock, s);
    }

    private void retireIfIdle(String lock, State s) {
        if (s.owner == null && s.waiters.isEmpty()) {
            s.retired = true;
            states.remove(lock, s);
        }
    }

    private void expireIfDue(String lock, State s) {
        if (s.owner != null && clock.nanoTime() - s.expiresAt >= 0) {
            free(lock, s);
        }
    }

    /** Schedules an expiry check at the holder's lease end while somebody waits. */
    private void armTimer(String lock, State s) {
        if (s.timerArmed || s.owner == null || s.waiters.isEmpty()) {
            return;
        }
        s.timerArmed = true;
        long delay = Math.max(0, s.expiresAt - clock.nanoTime());
        TIMER.schedule(() -> {
            synchronized (s) {
                s.timerArmed = false;
                if (s.retired) {
                    return;
                }
                expireIfDue(lock, s);
                armTimer(lock, s);
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private void expireDue() {
        for (Map.Entry<String, State> e : states.entrySet()) {
            State s = e.getValue();
            synchronized (s) {
                if (!s.retired) {
                    expireIfDue(e.getKey(), s);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "MemoryLockStore[" + name + ", " + states.size() + " active names]";
    }
}

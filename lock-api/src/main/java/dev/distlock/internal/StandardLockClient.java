package dev.distlock.internal;

import dev.distlock.AcquireFailure;
import dev.distlock.BackendUnavailableException;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LeaseLostListener;
import dev.distlock.LockClient;
import dev.distlock.LockClock;
import dev.distlock.LockConfig;
import dev.distlock.LockException;
import dev.distlock.LockListener;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.Mutex;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.DriverContext;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front every backend shares: a {@link LockClient} around a {@link LockDriver}.
 *
 * <p>It keeps one {@link Hold} per (lock name, owner thread), so re-entry is a map look-up with
 * no round trip; runs one {@link LeaseRenewer} for all watchdog leases; turns the driver's
 * futures into the blocking {@link java.util.concurrent.locks.Lock} API with the configured
 * timeouts; cancels a driver's pending acquire on interrupt or overrun (and releases a grant that
 * arrives anyway); and reports lost holds to listeners on one event thread.
 *
 * <p>{@link LockListener}s live in a copy-on-write array: the lock and unlock paths read one
 * volatile field and, when it is empty, do nothing more; with listeners they call them in place
 * with primitive arguments (no event objects).
 *
 * <p>Not part of the API: backends reach it through
 * {@link dev.distlock.spi.LockDrivers#newClient}. Thread-safe.
 */
public final class StandardLockClient implements LockClient, DriverContext {
    private static final Logger log = LoggerFactory.getLogger(StandardLockClient.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A hold's identity: the user's name, what the hold stands for, and the owner thread. */
    private record HoldKey(String name, HoldKind kind, Thread owner) {
    }

    private final String backend;
    private final LockConfig config;
    private final LockDriver driver;
    private final LockClock clock;
    private final String clientId;
    private final long commandTimeoutNanos;
    private final Map<HoldKey, Hold> holds = new ConcurrentHashMap<>();
    private final List<LeaseLostListener> listeners = new CopyOnWriteArrayList<>();
    private static final LockListener[] NO_LISTENERS = new LockListener[0];
    /** Copy-on-write; written under {@code this}. */
    private volatile LockListener[] lockListeners = NO_LISTENERS;
    private final ExecutorService events;
    private final LeaseRenewer renewer;
    private volatile boolean closed;

    /**
     * Makes a client and starts its driver.
     *
     * @param backend the backend name
     * @param config the settings
     * @param driver the driver
     */
    public StandardLockClient(String backend, LockConfig config, LockDriver driver) {
        this.backend = backend;
        this.config = config;
        this.driver = driver;
        this.clock = config.clock();
        this.clientId = newClientId();
        this.commandTimeoutNanos = config.commandTimeout().toNanos();
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "distlock-events-" + clientId);
            t.setDaemon(true);
            return t;
        });
        this.renewer = new LeaseRenewer(clientId, driver, clock, config.renewInterval().toNanos());
        try {
            driver.start(this);
        } catch (RuntimeException e) {
            renewer.close();
            events.shutdownNow();
            throw e;
        }
    }

    private static String newClientId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        StringBuilder sb = new StringBuilder(16);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }

    @Override
    public Mutex mutex(String name) {
        Args.name(name);
        ensureOpen();
        return new StandardMutex(this, name);
    }

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public LockConfig config() {
        return config;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public Collection<HeldLock> heldLocks() {
        return new ArrayList<>(holds.values());
    }

    @Override
    public void addLeaseLostListener(LeaseLostListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        listeners.add(listener);
    }

    @Override
    public void removeLeaseLostListener(LeaseLostListener listener) {
        listeners.remove(listener);
    }

    @Override
    public synchronized void addListener(LockListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        LockListener[] old = lockListeners;
        LockListener[] now = Arrays.copyOf(old, old.length + 1);
        now[old.length] = listener;
        lockListeners = now;
    }

    @Override
    public synchronized void removeListener(LockListener listener) {
        LockListener[] old = lockListeners;
        for (int i = 0; i < old.length; i++) {
            if (old[i] == listener) {
                LockListener[] now = new LockListener[old.length - 1];
                System.arraycopy(old, 0, now, 0, i);
                System.arraycopy(old, i + 1, now, i, old.length - i - 1);
                lockListeners = now;
                return;
            }
        }
    }

    LockClock clock() {
        return clock;
    }

    String ownerId(Thread t) {
        return clientId + ":" + t.getId();
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("lock client (" + backend + ") is closed");
        }
    }

    Hold currentHold(String name) {
        return currentHold(name, HoldKind.MUTEX);
    }

    Hold currentHold(String name, HoldKind kind) {
        return holds.get(new HoldKey(name, kind, Thread.currentThread()));
    }

    /**
     * Takes {@code name} for the current thread, or re-enters it.
     *
     * @param waitNanos the real-time wait, or {@link AcquireRequest#FOREVER}
     * @param lease a fixed lease, or null for a watchdog lease
     * @param interruptible whether an interrupt ends the wait
     * @return the hold, or null if the wait ended without the lock
     */
    Hold acquire(String name, long waitNanos, Duration lease, boolean interruptible) throws InterruptedException {
        return acquire(name, HoldKind.MUTEX, driver::acquire, waitNanos, lease, interruptible);
    }

    /** As {@link #acquire(String, long, Duration, boolean)} for a mutex-backed hold of another kind. */
    Hold acquire(String name, HoldKind kind, long waitNanos, Duration lease, boolean interruptible)
            throws InterruptedException {
        return acquire(name, kind, driver::acquire, waitNanos, lease, interruptible);
    }

    /**
     * Takes a hold of kind {@code kind} on {@code name} for the current thread, or re-enters it.
     *
     * @param kind what the hold stands for (part of the hold's key)
     * @param issuer sends the first acquire of the hold to the store (the driver's acquire for a
     *        mutex; the router's, with the primitive's intent, for coordination holds)
     * @param waitNanos the real-time wait, or {@link AcquireRequest#FOREVER}
     * @param lease a fixed lease, or null for a watchdog lease
     * @param interruptible whether an interrupt ends the wait
     * @return the hold, or null if the wait ended without the lock
     */
    Hold acquire(String name, HoldKind kind, Function<AcquireRequest, CompletableFuture<Grant>> issuer,
            long waitNanos, Duration lease, boolean interruptible) throws InterruptedException {
        ensureOpen();
        Thread me = Thread.currentThread();
        HoldKey key = new HoldKey(name, kind, me);
        Hold held = holds.get(key);
        if (held != null) {
            checkNotLost(held);
            held.count++;
            return held;
        }
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException("interrupted before waiting for lock '" + name + "'");
        }
        boolean fixed = lease != null;
        long leaseMillis = fixed ? lease.toMillis() : config.leaseTime().toMillis();
        String ownerId = ownerId(me);
        long startNanos = System.nanoTime();
        AcquireRequest request = new AcquireRequest(kind.storeName(name), ownerId, leaseMillis, fixed, waitNanos, startNanos);
        Grant grant;
        try {
            CompletableFuture<Grant> pending;
            try {
                pending = issuer.apply(request);
            } catch (RuntimeException e) {
                throw translate(e, "acquire lock '" + name + "'");
            }
            grant = awaitGrant(name, kind, pending, waitNanos, interruptible, ownerId, leaseMillis, fixed);
        } catch (InterruptedException e) {
            fireAcquireFailed(name, AcquireFailure.INTERRUPTED, startNanos, e);
            throw e;
        } catch (RuntimeException e) {
            fireAcquireFailed(name, AcquireFailure.ERROR, startNanos, e);
            throw e;
        }
        if (grant == null) {
            fireAcquireFailed(name, AcquireFailure.TIMED_OUT, startNanos, null);
            return null;
        }
        Hold hold = new Hold(this, name, kind, me, ownerId, grant, leaseMillis, fixed);
        hold.acquiredAtNanos = System.nanoTime();
        hold.count = 1;
        hold.validUntilNanos = grant.leaseStartNanos() + hold.leaseNanos - driver.driftNanos(hold.leaseNanos);
        holds.put(key, hold);
        if (closed) {
            // close() raced with this acquire: give the lock back rather than leak it.
            holds.remove(key, hold);
            hold.released = true;
            driver.release(hold);
            ensureOpen();
        }
        renewer.register(hold);
        LockListener[] ls = lockListeners;
        if (ls.length != 0) {
            long waited = hold.acquiredAtNanos - startNanos;
            for (LockListener l : ls) {
                try {
                    l.acquired(name, grant.fencingToken(), waited);
                } catch (RuntimeException e) {
                    log.warn("lock listener {} failed on acquired('{}')", l, name, e);
                }
            }
        }
        return hold;
    }

    private void fireAcquireFailed(String name, AcquireFailure failure, long startNanos, Throwable cause) {
        LockListener[] ls = lockListeners;
        if (ls.length == 0) {
            return;
        }
        long waited = System.nanoTime() - startNanos;
        for (LockListener l : ls) {
            try {
                l.acquireFailed(name, failure, waited, cause);
            } catch (RuntimeException e) {
                log.warn("lock listener {} failed on acquireFailed('{}')", l, name, e);
            }
        }
    }

    private void fireReleased(Hold hold) {
        LockListener[] ls = lockListeners;
        if (ls.length == 0) {
            return;
        }
        long held = System.nanoTime() - hold.acquiredAtNanos;
        for (LockListener l : ls) {
            try {
                l.released(hold.name, hold.grant.fencingToken(), held);
            } catch (RuntimeException e) {
                log.warn("lock listener {} failed on released('{}')", l, hold.name, e);
            }
        }
    }

    private void checkNotLost(Hold held) {
        Hold.Loss loss = held.loss();
        if (loss == null && clock.nanoTime() - held.validUntilNanos >= 0) {
            held.markLost(LossReason.EXPIRED, null);
            loss = held.loss();
        }
        if (loss != null) {
            throw new LockLostException(held.name, loss.reason(), loss.cause());
        }
    }

    private Grant awaitGrant(String name, HoldKind kind, CompletableFuture<Grant> pending, long waitNanos, boolean interruptible,
            String ownerId, long leaseMillis, boolean fixed) throws InterruptedException {
        // The driver owns the deadline (it completes with null after its last attempt); this
        // bound only guards against a driver that overruns it by more than a command timeout.
        long bound = waitNanos == AcquireRequest.FOREVER ? AcquireRequest.FOREVER
                : saturatedAdd(waitNanos, commandTimeoutNanos + TimeUnit.SECONDS.toNanos(1));
        long start = System.nanoTime();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (bound == AcquireRequest.FOREVER) {
                        return pending.get();
                    }
                    long left = bound - (System.nanoTime() - start);
                    return pending.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    if (interruptible) {
                        abandon(pending, name, kind, ownerId, leaseMillis, fixed);
                        throw e;
                    }
                    interrupted = true;
                } catch (TimeoutException e) {
                    if (pending.cancel(false)) {
                        log.warn("backend {} overran the wait for lock '{}'; gave up", backend, name);
                        return null;
                    }
                } catch (ExecutionException e) {
                    throw translate(e.getCause(), "acquire lock '" + name + "'");
                } catch (CancellationException e) {
                    return null;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Withdraws a pending acquire; if it was granted meanwhile, gives the lock back. */
    private void abandon(CompletableFuture<Grant> pending, String name, HoldKind kind, String ownerId, long leaseMillis,
            boolean fixed) {
        if (pending.cancel(false)) {
            return;
        }
        Grant grant;
        try {
            grant = pending.getNow(null);
        } catch (RuntimeException e) {
            return;
        }
        if (grant != null) {
            Hold orphan = new Hold(this, name, kind, Thread.currentThread(), ownerId, grant, leaseMillis, fixed);
            orphan.released = true;
            driver.release(orphan).exceptionally(err -> {
                log.warn("could not give back lock '{}' after an interrupt; its lease will run out", name, err);
                return false;
            });
        }
    }

    /** Releases one hold of the current thread on {@code name}. */
    void unlock(String name) {
        unlock(name, HoldKind.MUTEX);
    }

    /** Releases one hold of kind {@code kind} of the current thread on {@code name}. */
    void unlock(String name, HoldKind kind) {
        HoldKey key = new HoldKey(name, kind, Thread.currentThread());
        Hold hold = holds.get(key);
        if (hold == null) {
            throw new IllegalMonitorStateException(
                    "lock '" + name + "' is not held by the current thread (" + Thread.currentThread().getName() + ")");
        }
        if (--hold.count > 0) {
            checkNotLost(hold);
            return;
        }
        holds.remove(key, hold);
        renewer.cancel(hold);
        try {
            release(name, hold);
        } finally {
            fireReleased(hold);
        }
    }

    /** Ends a hold whose count reached zero: report a known loss, or release it on the store. */
    private void release(String name, Hold hold) {
        if (hold.loss() == null && clock.nanoTime() - hold.validUntilNanos >= 0) {
            hold.markLost(LossReason.EXPIRED, null);
        }
        Hold.Loss loss = hold.loss();
        if (loss != null) {
            hold.released = true;
            throw new LockLostException(name, loss.reason(), loss.cause());
        }
        Boolean released;
        try {
            released = awaitCommand(driver.release(hold), "release lock '" + name + "'");
        } catch (RuntimeException e) {
            hold.released = true;
            throw e;
        }
        if (!Boolean.TRUE.equals(released)) {
            hold.markLost(LossReason.RELEASE_REJECTED, null);
            hold.released = true;
            throw new LockLostException(name, LossReason.RELEASE_REJECTED, null);
        }
        hold.released = true;
    }

    boolean isLocked(String name) {
        return isLocked(name, HoldKind.MUTEX);
    }

    boolean isLocked(String name, HoldKind kind) {
        ensureOpen();
        return Boolean.TRUE.equals(awaitCommand(driver.isLocked(kind.storeName(name)), "query lock '" + name + "'"));
    }

    private <T> T awaitCommand(CompletableFuture<T> future, String what) {
        try {
            return future.get(commandTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new LockException("interrupted while waiting to " + what, e);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new BackendUnavailableException(
                    backend + " did not answer within " + config.commandTimeout() + " to " + what, e);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), what);
        }
    }

    private RuntimeException translate(Throwable cause, String what) {
        Throwable c = unwrap(cause);
        if (c instanceof LockException le) {
            return le;
        }
        if (c instanceof IllegalArgumentException || c instanceof IllegalStateException) {
            return (RuntimeException) c;
        }
        return new BackendUnavailableException(backend + " failed to " + what + ": " + c, c);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** Called once per hold when it is marked lost: stop watching it, give it back, tell listeners. */
    void onLost(Hold hold, LossReason reason, Throwable cause, List<LeaseLostListener> holdListeners) {
        renewer.cancel(hold);
        if (reason == LossReason.CLIENT_CLOSED) {
            log.debug("lock '{}' (token {}) released as its client closed", hold.name, hold.grant.fencingToken());
        } else {
            log.warn("lease on lock '{}' (token {}) lost: {}", hold.name, hold.grant.fencingToken(), reason.describe(),
                    cause);
        }
        if (reason == LossReason.EXPIRED || reason == LossReason.RENEWAL_FAILED) {
            // The lease is over as far as we know; a compare-and-delete cannot harm another owner
            // and frees the lock early where the store still has it (or, on ZooKeeper, ends a fixed lease).
            try {
                driver.release(hold).exceptionally(err -> false);
            } catch (RuntimeException e) {
                log.debug("best-effort release of lost lock '{}' failed", hold.name, e);
            }
        }
        LeaseLostEvent event = new LeaseLostEvent(hold.name, hold.grant.fencingToken(), hold.owner, reason, cause);
        List<LeaseLostListener> targets = new ArrayList<>(holdListeners);
        targets.addAll(listeners);
        targets.addAll(Arrays.asList(lockListeners));
        if (targets.isEmpty()) {
            return;
        }
        dispatch(targets, event);
    }

    void dispatch(List<LeaseLostListener> targets, LeaseLostEvent event) {
        try {
            events.execute(() -> {
                for (LeaseLostListener l : targets) {
                    try {
                        l.leaseLost(event);
                    } catch (RuntimeException e) {
                        log.error("lease-lost listener {} failed for lock '{}'", l, event.lockName(), e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("client closed; lease-lost event for '{}' not delivered", event.lockName());
        }
    }

    /** The number of holds the watchdog watches; for tests. */
    int watchedHolds() {
        return renewer.watched();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        renewer.close();
        List<CompletableFuture<Boolean>> releases = new ArrayList<>();
        for (Hold hold : holds.values()) {
            if (hold.loss() == null) {
                hold.markLost(LossReason.CLIENT_CLOSED, null);
                try {
                    releases.add(driver.release(hold));
                } catch (RuntimeException e) {
                    log.debug("release of '{}' at close failed", hold.name, e);
                }
            }
        }
        try {
            CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
                    .get(commandTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("some locks could not be released at close; their leases will run out", e);
        }
        try {
            driver.close();
        } finally {
            events.shutdown();
            try {
                events.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "LockClient[" + backend + ", id=" + clientId + "]";
    }
}

package dev.distlock.internal;

import dev.distlock.Lease;
import dev.distlock.LockAcquisitionException;
import dev.distlock.LockInterruptedException;
import dev.distlock.Mutex;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.Grant;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

/**
 * The thin reentrant front of a lock: checks arguments and delegates to its
 * {@link StandardLockClient}. A handle holds no state of its own, so any number of handles on
 * one name share the client's holds. Thread-safe.
 */
final class StandardMutex implements Mutex {
    private final StandardLockClient client;
    private final String name;
    private final HoldKind kind;
    /** Sends a hold's first acquire to the store; null for the driver's mutex acquire. */
    private final Function<AcquireRequest, CompletableFuture<Grant>> issuer;

    StandardMutex(StandardLockClient client, String name) {
        this(client, name, HoldKind.MUTEX);
    }

    /** A mutex-backed hold of another kind (an election's), kept apart from the plain mutex of {@code name}. */
    StandardMutex(StandardLockClient client, String name, HoldKind kind) {
        this(client, name, kind, null);
    }

    /**
     * A mutex-backed hold of another kind whose first acquire goes to {@code issuer} (for an
     * election: the router, to the backend's reserved election space) instead of the driver's
     * mutex acquire.
     */
    StandardMutex(StandardLockClient client, String name, HoldKind kind,
            Function<AcquireRequest, CompletableFuture<Grant>> issuer) {
        this.client = client;
        this.name = name;
        this.kind = kind;
        this.issuer = issuer;
    }

    private Hold take(long waitNanos, Duration lease, boolean interruptible) throws InterruptedException {
        return issuer == null ? client.acquire(name, kind, waitNanos, lease, interruptible)
                : client.acquire(name, kind, issuer, waitNanos, lease, interruptible);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void lock() {
        try {
            take(AcquireRequest.FOREVER, null, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquire was interrupted", e);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        take(AcquireRequest.FOREVER, null, true);
    }

    @Override
    public boolean tryLock() {
        try {
            return take(0, null, false) != null;
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquire was interrupted", e);
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (unit == null) {
            throw new IllegalArgumentException("unit must not be null");
        }
        long nanos = time <= 0 ? 0 : unit.toNanos(time);
        if (nanos >= Args.FOREVER_THRESHOLD.toNanos()) {
            nanos = AcquireRequest.FOREVER;
        }
        return take(nanos, null, true) != null;
    }

    @Override
    public boolean tryLock(Duration wait) throws InterruptedException {
        return take(Args.waitNanos(wait), null, true) != null;
    }

    @Override
    public boolean tryLock(Duration wait, Duration lease) throws InterruptedException {
        long waitNanos = Args.waitNanos(wait);
        return take(waitNanos, Args.lease(lease), true) != null;
    }

    @Override
    public Lease acquire(Duration wait) {
        return acquireLease(Args.waitNanos(wait), null, wait);
    }

    @Override
    public Lease acquire(Duration wait, Duration lease) {
        long waitNanos = Args.waitNanos(wait);
        return acquireLease(waitNanos, Args.lease(lease), wait);
    }

    private Lease acquireLease(long waitNanos, Duration lease, Duration wait) {
        Hold hold;
        try {
            hold = take(waitNanos, lease, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(name, e);
        }
        if (hold == null) {
            throw new LockAcquisitionException(name, "could not acquire lock '" + name + "' within " + wait);
        }
        return new LeaseView(hold);
    }

    @Override
    public void unlock() {
        client.unlock(name, kind);
    }

    @Override
    public boolean isHeldByCurrentThread() {
        Hold h = client.currentHold(name, kind);
        return h != null && h.isValidAt(client.clock().nanoTime());
    }

    @Override
    public int getHoldCount() {
        Hold h = client.currentHold(name, kind);
        return h == null ? 0 : h.count;
    }

    @Override
    public boolean isLocked() {
        return client.isLocked(name, kind);
    }

    @Override
    public long fencingToken() {
        Hold h = client.currentHold(name, kind);
        if (h == null) {
            throw new IllegalMonitorStateException("lock '" + name + "' is not held by the current thread");
        }
        return h.grant.fencingToken();
    }

    @Override
    public String toString() {
        return "Mutex[" + name + " on " + client + "]";
    }
}

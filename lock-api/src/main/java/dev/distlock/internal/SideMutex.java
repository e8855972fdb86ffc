package dev.distlock.internal;

import dev.distlock.Lease;
import dev.distlock.LeaseLostListener;
import dev.distlock.LockAcquisitionException;
import dev.distlock.LockInterruptedException;
import dev.distlock.LockLostException;
import dev.distlock.Mutex;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.ReadWriteLockDriver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One side (read or write) of a read-write lock, as a {@link Mutex}: the standard front keeps
 * its holds under the local name {@code name U+001F r|w}; {@link CoordinationRouter} sends the
 * remote operations to the backend's {@link ReadWriteLockDriver}. The write side rejects an
 * upgrade (a thread holding only the read side) before anything is sent. Thread-safe.
 */
final class SideMutex implements Mutex {
    private final CoordinatingLockClient client;
    private final StandardLockClient std;
    private final String name;
    private final HoldKind holdKind;
    private final CoordinationRouter.Kind kind;
    private final CoordinationRouter.Intent intent;
    /** The other side of the same lock; set once by the constructor of the read-write lock. */
    SideMutex other;

    SideMutex(CoordinatingLockClient client, String name, CoordinationRouter.Kind kind) {
        this.client = client;
        this.std = client.standard();
        this.name = name;
        this.kind = kind;
        this.holdKind = kind == CoordinationRouter.Kind.READ ? HoldKind.READ : HoldKind.WRITE;
        this.intent = new CoordinationRouter.Intent(kind, name, "", 0, 0);
    }

    private String side() {
        return kind == CoordinationRouter.Kind.READ ? "read" : "write";
    }

    private Hold acquire(long waitNanos, Duration lease, boolean interruptible) throws InterruptedException {
        std.ensureOpen();
        if (std.currentHold(name, holdKind) == null) {
            if (kind == CoordinationRouter.Kind.WRITE && std.currentHold(name, other.holdKind) != null) {
                throw new IllegalStateException("cannot take the write lock of '" + name
                        + "' while holding only its read lock: upgrading is not supported (two upgrading"
                        + " readers would wait for each other forever); release the read lock first");
            }
        }
        CoordinationRouter router = client.router();
        return std.acquire(name, holdKind, r -> router.acquire(r, intent), waitNanos, lease, interruptible);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void lock() {
        try {
            acquire(AcquireRequest.FOREVER, null, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquire was interrupted", e);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquire(AcquireRequest.FOREVER, null, true);
    }

    @Override
    public boolean tryLock() {
        try {
            return acquire(0, null, false) != null;
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
        return acquire(nanos, null, true) != null;
    }

    @Override
    public boolean tryLock(Duration wait) throws InterruptedException {
        return acquire(Args.waitNanos(wait), null, true) != null;
    }

    @Override
    public boolean tryLock(Duration wait, Duration lease) throws InterruptedException {
        long waitNanos = Args.waitNanos(wait);
        return acquire(waitNanos, Args.lease(lease), true) != null;
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
            hold = acquire(waitNanos, lease, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(name, e);
        }
        if (hold == null) {
            throw new LockAcquisitionException(name, "could not acquire the " + side() + " lock of '" + name
                    + "' within " + wait);
        }
        return new SideLease(new LeaseView(hold), this);
    }

    @Override
    public void unlock() {
        if (std.currentHold(name, holdKind) == null) {
            throw new IllegalMonitorStateException("the " + side() + " lock of '" + name
                    + "' is not held by the current thread (" + Thread.currentThread().getName() + ")");
        }
        try {
            std.unlock(name, holdKind);
        } catch (LockLostException e) {
            throw new LockLostException(name, e.reason(), e.getCause());
        }
    }

    @Override
    public boolean isHeldByCurrentThread() {
        Hold h = std.currentHold(name, holdKind);
        return h != null && h.isValidAt(std.clock().nanoTime());
    }

    @Override
    public int getHoldCount() {
        Hold h = std.currentHold(name, holdKind);
        return h == null ? 0 : h.count;
    }

    @Override
    public boolean isLocked() {
        std.ensureOpen();
        ReadWriteLockDriver.Mode mode = kind == CoordinationRouter.Kind.READ ? ReadWriteLockDriver.Mode.READ
                : ReadWriteLockDriver.Mode.WRITE;
        return Boolean.TRUE.equals(client.await(client.router().readWrite().isLocked(mode, name),
                "query the " + side() + " lock of '" + name + "'"));
    }

    @Override
    public long fencingToken() {
        Hold h = std.currentHold(name, holdKind);
        if (h == null) {
            throw new IllegalMonitorStateException("the " + side() + " lock of '" + name
                    + "' is not held by the current thread");
        }
        return h.grant.fencingToken();
    }

    @Override
    public String toString() {
        return "Mutex[" + side() + " lock of " + name + "]";
    }

    /** A {@link LeaseView} that reports the read-write lock's name and unlocks through the side. */
    private static final class SideLease implements Lease {
        private final LeaseView view;
        private final SideMutex side;

        SideLease(LeaseView view, SideMutex side) {
            this.view = view;
            this.side = side;
        }

        @Override
        public String name() {
            return side.name;
        }

        @Override
        public long fencingToken() {
            return view.fencingToken();
        }

        @Override
        public boolean isValid() {
            return view.isValid();
        }

        @Override
        public Duration remaining() {
            return view.remaining();
        }

        @Override
        public Lease onLost(LeaseLostListener listener) {
            view.onLost(listener);
            return this;
        }

        @Override
        public void close() {
            try {
                view.close();
            } catch (LockLostException e) {
                throw new LockLostException(side.name, e.reason(), e.getCause());
            }
        }

        @Override
        public String toString() {
            return "Lease[" + side.side() + " lock of " + side.name + ", token=" + fencingToken() + "]";
        }
    }
}

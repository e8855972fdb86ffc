package dev.distlock.internal;

import dev.distlock.LockConfig;
import dev.distlock.LossReason;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.DriverContext;
import dev.distlock.spi.ElectionDriver;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import dev.distlock.spi.ReadWriteLockDriver;
import dev.distlock.spi.SemaphoreDriver;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link LockDriver} in front of a backend driver that also serves read-write locks or
 * semaphores, or keeps election terms in a space of their own: it lets the shared front ({@link StandardLockClient}) keep read holds, write holds
 * and permit leases as it keeps mutex holds (re-entry, the one watchdog, loss reporting,
 * interrupts), and sends their remote operations to the right SPI.
 *
 * <p>How: the front keeps such a hold under the primitive's own name and a {@link HoldKind}
 * (read, write, one permit lease, or an election's term), so that the read and write holds of one thread and a mutex
 * of the same name are distinct holds; no name is ever suffixed or parsed. The primitive sends the
 * hold's first acquire through {@link #acquire(AcquireRequest, Intent)} with an {@link Intent},
 * which goes, with the store owner id, to the backend's {@link ReadWriteLockDriver},
 * {@link SemaphoreDriver} or {@link ElectionDriver}; the grant it returns carries a {@link Handle}, by which
 * {@link #renew}, {@link #release} and {@link #renewAll} recognise the hold later. Plain
 * {@link #acquire(AcquireRequest)} (every mutex) goes straight to the backend driver.
 *
 * <p>Thread-safe.
 */
final class CoordinationRouter implements LockDriver {
    /** What a coordination hold stands for on the store. */
    enum Kind {
        READ, WRITE, PERMITS, ELECTION
    }

    /**
     * What the acquire of a coordination hold means.
     *
     * @param kind the primitive's side
     * @param name the primitive's real name
     * @param ownerSuffix appended to the front's owner id to make the store's owner id (a
     *        permit lease's number; empty for read-write locks, whose read and write holds of
     *        one thread share the owner id, which is how the store sees a downgrade)
     * @param permits how many permits (semaphores)
     * @param limit the semaphore's number of permits
     */
    record Intent(Kind kind, String name, String ownerSuffix, int permits, int limit) {
    }

    /** The grant handle of a coordination hold: what it is and what the backend granted. */
    record Handle(Intent intent, String storeOwner, Grant inner) {
    }

    private final LockDriver inner;
    private final ReadWriteLockDriver rw;
    private final SemaphoreDriver sem;
    private final ElectionDriver elections;

    CoordinationRouter(LockDriver inner) {
        this.inner = inner;
        this.rw = inner instanceof ReadWriteLockDriver r ? r : null;
        this.sem = inner instanceof SemaphoreDriver s ? s : null;
        this.elections = inner instanceof ElectionDriver e ? e : null;
    }

    LockDriver inner() {
        return inner;
    }

    ReadWriteLockDriver readWrite() {
        return rw;
    }

    SemaphoreDriver semaphores() {
        return sem;
    }

    ElectionDriver elections() {
        return elections;
    }

    /** Returns the backend's view of a coordination hold: real name, store owner, backend grant. */
    static HeldLock toBackend(HeldLock lock) {
        Handle h = (Handle) lock.grant().handle();
        return new BackendHold(lock, h);
    }

    private static Handle handleOf(HeldLock lock) {
        return lock.grant().handle() instanceof Handle h ? h : null;
    }

    @Override
    public void start(DriverContext context) {
        inner.start(new DriverContext() {
            @Override
            public LockConfig config() {
                return context.config();
            }

            @Override
            public String clientId() {
                return context.clientId();
            }

            @Override
            public Collection<HeldLock> heldLocks() {
                Collection<HeldLock> all = context.heldLocks();
                List<HeldLock> out = new ArrayList<>(all.size());
                for (HeldLock h : all) {
                    out.add(handleOf(h) != null ? toBackend(h) : h);
                }
                return out;
            }
        });
    }

    @Override
    public CompletableFuture<Grant> acquire(AcquireRequest request) {
        return inner.acquire(request);
    }

    /**
     * Acquires a coordination hold: sends {@code request} (whose name is the primitive's name) to
     * the backend SPI that {@code intent} names, and wraps the grant in a {@link Handle}.
     *
     * @param request the front's request for the hold
     * @param intent what the hold stands for
     * @return the wrapped grant, or null if the wait ended without it
     */
    CompletableFuture<Grant> acquire(AcquireRequest request, Intent intent) {
        String storeOwner = request.ownerId() + intent.ownerSuffix();
        AcquireRequest real = new AcquireRequest(intent.name(), storeOwner, request.leaseMillis(),
                request.fixedLease(), request.waitNanos(), request.startNanos());
        CompletableFuture<Grant> source = switch (intent.kind()) {
            case READ -> rw.acquire(ReadWriteLockDriver.Mode.READ, real);
            case WRITE -> rw.acquire(ReadWriteLockDriver.Mode.WRITE, real);
            case PERMITS -> sem.acquirePermits(real, intent.permits(), intent.limit());
            case ELECTION -> elections.acquireTerm(real);
        };
        CompletableFuture<Grant> result = new CompletableFuture<>();
        source.whenComplete((g, err) -> {
            if (err != null) {
                result.completeExceptionally(err);
                return;
            }
            Handle handle = g == null ? null : new Handle(intent, storeOwner, g);
            Grant wrapped = g == null ? null : new Grant(g.fencingToken(), g.leaseStartNanos(), handle);
            if (!result.complete(wrapped) && g != null) {
                // The front gave up (interrupt, overrun) while the grant was on its way: give it back.
                releaseBackend(new BackendHold(null, handle, real.leaseMillis(), real.fixedLease()));
            }
        });
        result.whenComplete((g, err) -> {
            if (result.isCancelled()) {
                source.cancel(false);
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Boolean> renew(HeldLock lock) {
        Handle h = handleOf(lock);
        return h == null ? inner.renew(lock) : renewBackend(new BackendHold(lock, h));
    }

    @Override
    public List<CompletableFuture<Boolean>> renewAll(List<? extends HeldLock> locks) {
        boolean any = false;
        for (HeldLock l : locks) {
            if (handleOf(l) != null) {
                any = true;
                break;
            }
        }
        if (!any) {
            return inner.renewAll(locks);
        }
        List<HeldLock> plain = new ArrayList<>(locks.size());
        for (HeldLock l : locks) {
            if (handleOf(l) == null) {
                plain.add(l);
            }
        }
        List<CompletableFuture<Boolean>> plainResults = plain.isEmpty() ? List.of() : inner.renewAll(plain);
        List<CompletableFuture<Boolean>> out = new ArrayList<>(locks.size());
        int next = 0;
        for (HeldLock l : locks) {
            Handle h = handleOf(l);
            out.add(h == null ? plainResults.get(next++) : renewBackend(new BackendHold(l, h)));
        }
        return out;
    }

    private CompletableFuture<Boolean> renewBackend(BackendHold b) {
        return switch (b.handle.intent().kind()) {
            case READ -> rw.renew(ReadWriteLockDriver.Mode.READ, b);
            case WRITE -> rw.renew(ReadWriteLockDriver.Mode.WRITE, b);
            case PERMITS -> sem.renewPermits(b);
            case ELECTION -> elections.renewTerm(b);
        };
    }

    @Override
    public CompletableFuture<Boolean> release(HeldLock lock) {
        Handle h = handleOf(lock);
        return h == null ? inner.release(lock) : releaseBackend(new BackendHold(lock, h));
    }

    private CompletableFuture<Boolean> releaseBackend(BackendHold b) {
        return switch (b.handle.intent().kind()) {
            case READ -> rw.release(ReadWriteLockDriver.Mode.READ, b);
            case WRITE -> rw.release(ReadWriteLockDriver.Mode.WRITE, b);
            case PERMITS -> sem.releasePermits(b, Integer.MAX_VALUE);
            case ELECTION -> elections.releaseTerm(b);
        };
    }

    @Override
    public CompletableFuture<Boolean> isLocked(String name) {
        return inner.isLocked(name);
    }

    @Override
    public long driftNanos(long leaseNanos) {
        return inner.driftNanos(leaseNanos);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** A coordination hold as the backend sees it: real name, store owner, the backend's grant. */
    static final class BackendHold implements HeldLock {
        private final HeldLock front;
        final Handle handle;
        private final long leaseMillis;
        private final boolean fixed;

        BackendHold(HeldLock front, Handle handle) {
            this(front, handle, front.leaseMillis(), front.fixedLease());
        }

        BackendHold(HeldLock front, Handle handle, long leaseMillis, boolean fixed) {
            this.front = front;
            this.handle = handle;
            this.leaseMillis = leaseMillis;
            this.fixed = fixed;
        }

        @Override
        public String name() {
            return handle.intent().name();
        }

        @Override
        public String ownerId() {
            return handle.storeOwner();
        }

        @Override
        public Grant grant() {
            return handle.inner();
        }

        @Override
        public long leaseMillis() {
            return leaseMillis;
        }

        @Override
        public boolean fixedLease() {
            return fixed;
        }

        @Override
        public void markLost(LossReason reason, Throwable cause) {
            if (front != null) {
                front.markLost(reason, cause);
            }
        }
    }
}

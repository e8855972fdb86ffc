package dev.distlock.internal;

import dev.distlock.DistributedSemaphore;
import dev.distlock.LockAcquisitionException;
import dev.distlock.LockInterruptedException;
import dev.distlock.PermitLease;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A semaphore handle over the standard front. Each acquisition is a hold of its own under the
 * local name {@code name U+001F p<lease number>} (so two leases of one thread are two holds,
 * each renewed by the watchdog), with a store owner id unique to the lease;
 * {@link CoordinationRouter} sends the remote operations to the backend's
 * {@link dev.distlock.spi.SemaphoreDriver}. Holds no state of its own beyond its name and
 * permits. Thread-safe.
 */
final class StandardSemaphore implements DistributedSemaphore {
    /** The largest number of permits a semaphore may have. */
    static final int MAX_PERMITS = 1_000_000;

    private final CoordinatingLockClient client;
    private final StandardLockClient std;
    private final String name;
    private final int permits;

    StandardSemaphore(CoordinatingLockClient client, String name, int permits) {
        this.client = client;
        this.std = client.standard();
        this.name = name;
        this.permits = permits;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int permits() {
        return permits;
    }

    private void checkCount(int n) {
        if (n < 1 || n > permits) {
            throw new IllegalArgumentException("n must be from 1 to the semaphore's " + permits + " permits, was " + n);
        }
    }

    @Override
    public PermitLease tryAcquire(int n, Duration wait) throws InterruptedException {
        checkCount(n);
        return acquire(n, Args.waitNanos(wait), null);
    }

    @Override
    public PermitLease tryAcquire(int n, Duration wait, Duration lease) throws InterruptedException {
        checkCount(n);
        long waitNanos = Args.waitNanos(wait);
        return acquire(n, waitNanos, Args.lease(lease));
    }

    @Override
    public PermitLease acquire(int n, Duration wait) {
        checkCount(n);
        long waitNanos = Args.waitNanos(wait);
        PermitLease lease;
        try {
            lease = acquire(n, waitNanos, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(name, e);
        }
        if (lease == null) {
            throw new LockAcquisitionException(name,
                    "could not acquire " + n + " of the " + permits + " permits of '" + name + "' within " + wait);
        }
        return lease;
    }

    private PermitLease acquire(int n, long waitNanos, Duration lease) throws InterruptedException {
        std.ensureOpen();
        long number = client.nextLeaseNumber();
        CoordinationRouter.Intent intent = new CoordinationRouter.Intent(CoordinationRouter.Kind.PERMITS, name,
                ":" + number, n, permits);
        CoordinationRouter router = client.router();
        Hold hold = std.acquire(name, HoldKind.permits(number), r -> router.acquire(r, intent), waitNanos, lease,
                true);
        if (hold == null) {
            return null;
        }
        PermitLeaseView view = new PermitLeaseView(client, hold, name, n);
        client.track(name, view);
        return view;
    }

    @Override
    public void release(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        ArrayDeque<PermitLeaseView> leases = client.leasesOfCurrentThread(name);
        long held = 0;
        if (leases != null) {
            for (PermitLeaseView v : leases) {
                held += v.permits();
            }
        }
        if (held < n) {
            throw new IllegalMonitorStateException("cannot release " + n + " permits of '" + name
                    + "': the current thread holds " + held + " on this client");
        }
        int left = n;
        while (left > 0) {
            PermitLeaseView v = leases.peekLast();
            int k = Math.min(left, v.permits());
            v.release(k);
            left -= k;
        }
    }

    @Override
    public int availablePermits() {
        std.ensureOpen();
        Integer free = client.await(client.router().semaphores().availablePermits(name, permits),
                "count the free permits of '" + name + "'");
        return Math.max(0, Math.min(permits, free == null ? 0 : free));
    }

    @Override
    public String toString() {
        return "Semaphore[" + name + ", " + permits + " permits]";
    }
}

package dev.distlock.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a backend implements: the remote part of acquiring, renewing and releasing one lock.
 * Everything else (re-entry, hold counts, the watchdog, loss reporting, interrupts, argument
 * checks) is done once, for every backend, by the client that
 * {@link LockDrivers#newClient(String, dev.distlock.LockConfig, LockDriver)} makes around a
 * driver.
 *
 * <p>All operations are asynchronous; the client derives its blocking API by waiting on them
 * with the configured timeouts. Futures complete exceptionally with a
 * {@link dev.distlock.LockException} (most often {@link dev.distlock.BackendUnavailableException})
 * on failure.
 *
 * <p>Implementations must be thread-safe.
 */
public interface LockDriver extends AutoCloseable {
    /**
     * Called once by the client before any other method.
     *
     * @param context what the driver can see of its client
     */
    default void start(DriverContext context) {
    }

    /**
     * Acquires a lock for {@code request.ownerId()}, waiting up to
     * {@code request.waitNanos()} without spinning.
     *
     * <p>The future completes with a {@link Grant} when the lock is taken, with {@code null}
     * when the wait is over (after at least one attempt), or exceptionally. The client may
     * cancel it (on interrupt, or if the driver overruns its wait); the driver must then stop
     * waiting, withdraw whatever it queued on the store (subscriptions, nodes), and release the
     * lock if the store grants it after the cancel.
     *
     * @param request what to acquire
     * @return the pending grant
     */
    CompletableFuture<Grant> acquire(AcquireRequest request);

    /**
     * Extends a watchdog lease to {@code lock.leaseMillis()} from now, if the store still names
     * this owner.
     *
     * @param lock the hold to renew
     * @return {@code true} if renewed, {@code false} if the lock is gone or owned by someone
     *         else; exceptionally if the store could not be asked
     */
    CompletableFuture<Boolean> renew(HeldLock lock);

    /**
     * Renews several holds that fell due together. The default renews each one; drivers that
     * can batch (one script, one pipeline flush) override it.
     *
     * @param locks the holds to renew
     * @return one future per hold, in the same order, each as {@link #renew(HeldLock)}
     */
    default List<CompletableFuture<Boolean>> renewAll(List<? extends HeldLock> locks) {
        List<CompletableFuture<Boolean>> out = new ArrayList<>(locks.size());
        for (HeldLock lock : locks) {
            out.add(renew(lock));
        }
        return out;
    }

    /**
     * Releases a lock if the store still names this owner, and wakes a waiter.
     *
     * @param lock the hold to release
     * @return {@code true} if released, {@code false} if it was no longer this owner's;
     *         exceptionally if the store could not be asked
     */
    CompletableFuture<Boolean> release(HeldLock lock);

    /**
     * Asks whether anybody holds the lock.
     *
     * @param name the lock name
     * @return whether it is held
     */
    CompletableFuture<Boolean> isLocked(String name);

    /**
     * Returns the clock drift to allow for when computing how long a lease is known valid on
     * the client: the lease counts as {@code lease - drift} from the moment the request was
     * sent. The default is zero.
     *
     * @param leaseNanos the lease
     * @return the allowance in nanoseconds, at least zero and less than {@code leaseNanos}
     */
    default long driftNanos(long leaseNanos) {
        return 0;
    }

    /**
     * Releases the driver's connections and threads. Called once, after the client has
     * released what it could.
     */
    @Override
    void close();
}

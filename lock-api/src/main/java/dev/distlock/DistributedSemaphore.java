package dev.distlock;

import java.time.Duration;

/**
 * A distributed counting semaphore whose permits are held under leases. Obtain one with
 * {@link LockClient#semaphore(String, int)}.
 *
 * <p>At most {@link #permits()} permits of a name are held at once across every client. Each
 * acquisition returns a {@link PermitLease}: with no explicit lease the client's watchdog renews
 * it while it is held, as for locks; with a fixed lease it ends at the lease's end. Either way,
 * permits whose holder crashed come back when its lease ends on the store, and a holder whose
 * lease ended is told as a lock holder is ({@link LeaseLostListener}s,
 * {@link Lease#isValid()}, {@link LockLostException} from {@code close()}).
 *
 * <p>Waiters are served in arrival order: a request for many permits at the head of the queue
 * is not overtaken by later requests for fewer. Waits never spin; an interrupted wait leaves
 * nothing held or queued.
 *
 * <p>Every user of one name must give the same number of permits; the store checks each
 * request against the number its requester gave.
 *
 * <p>Thread-safe; a handle may be shared by any number of threads.
 */
public interface DistributedSemaphore {
    /**
     * Returns the semaphore's name.
     *
     * @return the name given to {@link LockClient#semaphore(String, int)}
     */
    String name();

    /**
     * Returns the number of permits of this semaphore.
     *
     * @return the permits given to {@link LockClient#semaphore(String, int)}
     */
    int permits();

    /**
     * Waits up to {@code wait} for {@code n} permits, held under a watchdog-renewed lease.
     *
     * @param n how many permits to take together
     * @param wait how long to wait; zero tries once
     * @return the lease, or {@code null} if the wait ended without the permits
     * @throws InterruptedException if the thread is interrupted; nothing is then held or queued
     * @throws IllegalArgumentException if {@code n} is less than 1 or more than
     *         {@link #permits()}, or {@code wait} is null or negative
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws IllegalStateException if the client is closed
     */
    PermitLease tryAcquire(int n, Duration wait) throws InterruptedException;

    /**
     * Waits up to {@code wait} for {@code n} permits, held under a fixed lease that is never
     * renewed.
     *
     * @param n how many permits to take together
     * @param wait how long to wait; zero tries once
     * @param lease how long the permits are held at most
     * @return the lease, or {@code null} if the wait ended without the permits
     * @throws InterruptedException if the thread is interrupted; nothing is then held or queued
     * @throws IllegalArgumentException if {@code n} is less than 1 or more than
     *         {@link #permits()}, {@code wait} is null or negative, or {@code lease} is null,
     *         shorter than 1 ms or longer than {@link LockConfig#MAX_LEASE}
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws IllegalStateException if the client is closed
     */
    PermitLease tryAcquire(int n, Duration wait, Duration lease) throws InterruptedException;

    /**
     * Waits up to {@code wait} for {@code n} permits under a watchdog-renewed lease, for
     * try-with-resources.
     *
     * @param n how many permits to take together
     * @param wait how long to wait; zero tries once
     * @return the lease
     * @throws LockAcquisitionException if the wait ended without the permits
     * @throws LockInterruptedException if the thread was interrupted (its interrupt status is
     *         set again); nothing is then held or queued
     * @throws IllegalArgumentException if {@code n} is less than 1 or more than
     *         {@link #permits()}, or {@code wait} is null or negative
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws IllegalStateException if the client is closed
     */
    PermitLease acquire(int n, Duration wait);

    /**
     * Gives back {@code n} permits that the current thread holds through this client on this
     * semaphore, from its most recent lease backwards; a lease whose last permit is given back
     * is closed.
     *
     * @param n how many permits to give back
     * @throws IllegalArgumentException if {@code n} is less than 1
     * @throws IllegalMonitorStateException if the current thread holds fewer than {@code n}
     *         permits of this semaphore on this client; nothing is then given back
     * @throws LockLostException if one of the leases had been lost
     * @throws BackendUnavailableException if the store could not be reached
     */
    void release(int n);

    /**
     * Asks the store how many permits are free now.
     *
     * @return the free permits, between zero and {@link #permits()}
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws IllegalStateException if the client is closed
     */
    int availablePermits();
}

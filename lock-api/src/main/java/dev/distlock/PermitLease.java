package dev.distlock;

/**
 * Permits of a {@link DistributedSemaphore} held under one lease, returned by
 * {@link DistributedSemaphore#tryAcquire(int, java.time.Duration)} and its variants. The
 * permits come back to the semaphore when the lease is closed, when all of them are
 * {@linkplain #release(int) released}, or when the lease ends on the store (its holder crashed
 * or its renewals failed; the loss is then reported as for a lock).
 *
 * <p>{@link #fencingToken()} is greater than the token of every earlier lease of this semaphore.
 * {@link #close()} and {@link #release(int)} must be called by the thread that acquired the
 * lease, as {@link Lease#close()} must; the query methods may be called from any thread.
 */
public interface PermitLease extends Lease {
    /**
     * Returns how many permits this lease still holds.
     *
     * @return the permits held, zero once the lease is closed or fully released
     */
    int permits();

    /**
     * Gives back {@code n} of this lease's permits; giving back the last one closes the lease.
     *
     * @param n how many permits to give back
     * @throws IllegalArgumentException if {@code n} is less than 1 or more than
     *         {@link #permits()}
     * @throws IllegalMonitorStateException if called by another thread than the one that
     *         acquired the lease
     * @throws LockLostException if the lease had been lost; its permits are then already back
     * @throws BackendUnavailableException if the store could not be reached
     */
    void release(int n);

    /**
     * Gives back every permit this lease still holds; does nothing if it was already closed.
     *
     * @throws IllegalMonitorStateException if called by another thread than the one that
     *         acquired the lease
     * @throws LockLostException if the lease had been lost
     * @throws BackendUnavailableException if the store could not be reached
     */
    @Override
    void close();
}

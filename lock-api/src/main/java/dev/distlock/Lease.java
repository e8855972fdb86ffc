package dev.distlock;

import java.time.Duration;

/**
 * One hold of a {@link Mutex}, returned by {@link Mutex#acquire(Duration)} for use in
 * try-with-resources. Closing it unlocks once; closing it again does nothing.
 *
 * <pre>{@code
 * try (Lease lease = mutex.acquire(Duration.ofSeconds(2))) {
 *     storage.write(data, lease.fencingToken());
 * }
 * }</pre>
 *
 * <p>{@link #close()} must be called by the thread that acquired the lease, as
 * {@link Mutex#unlock()} must. The query methods may be called from any thread.
 */
public interface Lease extends AutoCloseable {
    /**
     * Returns the lock name.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the fencing token of the hold; pass it to the resources the lock guards so they
     * can reject writes from older holders.
     *
     * @return the token
     */
    long fencingToken();

    /**
     * Tells whether the hold is still valid: not released, not lost, and its lease not run out
     * as far as the client knows.
     *
     * @return whether the lease is valid
     */
    boolean isValid();

    /**
     * Returns how long the lease is known to last from now without another renewal, or zero if
     * it is no longer valid. For a watchdog lease this grows back at every renewal.
     *
     * @return the remaining time, never negative
     */
    Duration remaining();

    /**
     * Registers a listener told if this hold is lost. If it is already lost, the listener is
     * told at once (on the client's event thread).
     *
     * @param listener the listener
     * @return this lease
     * @throws IllegalArgumentException if {@code listener} is null
     */
    Lease onLost(LeaseLostListener listener);

    /**
     * Unlocks once, as {@link Mutex#unlock()}; does nothing if this lease was already closed.
     *
     * @throws IllegalMonitorStateException if called by a thread that does not hold the lock
     * @throws LockLostException if the hold had been lost
     * @throws BackendUnavailableException if the store could not be reached to release
     */
    @Override
    void close();
}

package dev.distlock;

/**
 * Why an acquisition ended without the lock, as told to
 * {@link LockListener#acquireFailed(String, AcquireFailure, long, Throwable)}.
 */
public enum AcquireFailure {
    /** The wait time ran out (or a zero-wait attempt found the lock taken). */
    TIMED_OUT,
    /** The waiting thread was interrupted. */
    INTERRUPTED,
    /** The store failed or could not be reached (for example {@link BackendUnavailableException}). */
    ERROR
}

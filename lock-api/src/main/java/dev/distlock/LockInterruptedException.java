package dev.distlock;

/**
 * Thrown by {@link Mutex#acquire(java.time.Duration)} when the waiting thread was interrupted.
 * The thread's interrupt status is set again before this is thrown, and nothing is held or
 * left queued on the backend.
 *
 * <p>The methods of {@link java.util.concurrent.locks.Lock} that may be interrupted
 * ({@code lockInterruptibly}, timed {@code tryLock}) throw the checked
 * {@link InterruptedException} instead, as that interface requires.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class LockInterruptedException extends LockAcquisitionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for a wait that an interrupt ended.
     *
     * @param lockName the name of the lock
     * @param cause the {@link InterruptedException} that ended the wait
     */
    public LockInterruptedException(String lockName, InterruptedException cause) {
        super(lockName, "interrupted while waiting for lock '" + lockName + "'", cause);
    }
}

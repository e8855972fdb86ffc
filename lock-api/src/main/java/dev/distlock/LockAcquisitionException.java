package dev.distlock;

/**
 * Thrown by {@link Mutex#acquire(java.time.Duration)} and its variants when the wait time ran
 * out before the lock could be taken. Nothing is held when it is thrown.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class LockAcquisitionException extends LockException {
    private static final long serialVersionUID = 1L;

    /** The lock name the caller waited for. */
    private final String lockName;

    /**
     * Creates an exception for a lock that could not be acquired.
     *
     * @param lockName the name of the lock
     * @param message what happened
     */
    public LockAcquisitionException(String lockName, String message) {
        this(lockName, message, null);
    }

    /**
     * Creates an exception for a lock that could not be acquired, with a cause.
     *
     * @param lockName the name of the lock
     * @param message what happened
     * @param cause the underlying failure, may be {@code null}
     */
    public LockAcquisitionException(String lockName, String message, Throwable cause) {
        super(message, cause);
        this.lockName = lockName;
    }

    /**
     * Returns the name of the lock that could not be acquired.
     *
     * @return the lock name
     */
    public String lockName() {
        return lockName;
    }
}

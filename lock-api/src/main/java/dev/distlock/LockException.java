package dev.distlock;

/**
 * Root of every exception distlock throws for a lock operation. All are unchecked.
 *
 * <p>Subtypes tell what went wrong: {@link LockAcquisitionException} (the wait ended without
 * the lock), {@link LockLostException} (a hold was lost while the caller believed it held
 * the lock) and {@link BackendUnavailableException} (the store could not be reached or did not
 * answer in time). Bad arguments are reported with {@link IllegalArgumentException}, and
 * {@code unlock()} by a thread that holds nothing with {@link IllegalMonitorStateException},
 * as {@link java.util.concurrent.locks.Lock} does.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class LockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what happened, naming the lock where there is one
     */
    public LockException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what happened, naming the lock where there is one
     * @param cause the underlying failure, may be {@code null}
     */
    public LockException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.distlock;

/**
 * Thrown when the store behind a {@link LockClient} cannot be reached, refuses the connection,
 * or does not answer within the configured timeout.
 *
 * <p>When thrown from an acquire call, nothing is held. When thrown from {@code unlock()}, the
 * local hold is gone and the remote lease is left to run out.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class BackendUnavailableException extends LockException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for an unreachable store.
     *
     * @param message what could not be reached, naming the address where known
     * @param cause the underlying failure, may be {@code null}
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

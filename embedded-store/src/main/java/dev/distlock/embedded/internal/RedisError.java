package dev.distlock.embedded.internal;

/**
 * A command's error reply, thrown by a handler before it has written anything and turned into
 * {@code -<message>} by the dispatcher. Stackless, so that common errors cost no more than a
 * return value; the shared instances in {@link Errors} are immutable.
 */
public final class RedisError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the whole error text without the leading '-', e.g. {@code ERR syntax error} */
    public RedisError(String message) {
        super(message, null, false, false);
    }
}

package dev.distlock.redlock.internal;

/**
 * What the Redlock driver keeps per hold (the {@link dev.distlock.spi.Grant} handle): the lock
 * key, the value written on every node, and until when the driver knows the hold valid (for
 * bounding a renewal by the remaining validity).
 *
 * <p>Thread-safe.
 */
final class RedlockHold {
    private final String lockKey;
    private final String value;
    private volatile long validUntil;

    RedlockHold(String lockKey, String value, long validUntil) {
        this.lockKey = lockKey;
        this.value = value;
        this.validUntil = validUntil;
    }

    String lockKey() {
        return lockKey;
    }

    String value() {
        return value;
    }

    long validUntil() {
        return validUntil;
    }

    synchronized void extend(long until) {
        if (until - validUntil > 0) {
            validUntil = until;
        }
    }

    @Override
    public String toString() {
        return "RedlockHold[" + lockKey + " = " + value + "]";
    }
}

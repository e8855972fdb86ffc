package dev.distlock.internal;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import java.time.Duration;

/**
 * Argument checks shared by every backend, with messages that name the argument and the rule.
 * Not part of the API.
 */
public final class Args {
    /** Waits at least this long are treated as waits without end (about 100 years). */
    static final Duration FOREVER_THRESHOLD = Duration.ofDays(36_500);

    private Args() {
    }

    /**
     * Checks a lock name.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is null, blank or longer than
     *         {@link LockClient#MAX_NAME_LENGTH}
     */
    public static String name(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (name.length() > LockClient.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name must be at most " + LockClient.MAX_NAME_LENGTH
                    + " characters, was " + name.length());
        }
        return name;
    }

    /**
     * Checks a wait and converts it to nanoseconds.
     *
     * @param wait the wait
     * @return nanoseconds, {@link dev.distlock.spi.AcquireRequest#FOREVER} for waits of 100
     *         years or more
     * @throws IllegalArgumentException if it is null or negative
     */
    public static long waitNanos(Duration wait) {
        if (wait == null) {
            throw new IllegalArgumentException("wait must not be null");
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait must not be negative (zero tries once), was " + wait);
        }
        if (wait.compareTo(FOREVER_THRESHOLD) >= 0) {
            return dev.distlock.spi.AcquireRequest.FOREVER;
        }
        return wait.toNanos();
    }

    /**
     * Checks a fixed lease.
     *
     * @param lease the lease
     * @return the lease
     * @throws IllegalArgumentException if it is null, shorter than 1 ms or longer than
     *         {@link LockConfig#MAX_LEASE}
     */
    public static Duration lease(Duration lease) {
        if (lease == null) {
            throw new IllegalArgumentException("lease must not be null");
        }
        if (lease.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("lease must be at least 1ms, was " + lease);
        }
        if (lease.compareTo(LockConfig.MAX_LEASE) > 0) {
            throw new IllegalArgumentException("lease must be at most " + LockConfig.MAX_LEASE + ", was " + lease);
        }
        return lease;
    }
}

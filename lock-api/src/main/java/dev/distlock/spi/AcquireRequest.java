package dev.distlock.spi;

import java.util.Objects;

/**
 * What {@link LockDriver#acquire(AcquireRequest)} is asked to do.
 *
 * @param name the lock name (already checked: 1 to 1024 characters, not blank)
 * @param ownerId the owner to record on the store: unique per client and thread
 * @param leaseMillis the lease to set on the store, at least 1
 * @param fixedLease whether the lease is fixed (never renewed) rather than watched
 * @param waitNanos how long to wait in real time; {@code 0} tries once, {@link #FOREVER} never
 *        gives up
 * @param startNanos the {@link System#nanoTime()} reading when the wait began
 */
public record AcquireRequest(String name, String ownerId, long leaseMillis, boolean fixedLease, long waitNanos,
        long startNanos) {
    /** A wait without end. */
    public static final long FOREVER = Long.MAX_VALUE;

    /**
     * Checks the components.
     *
     * @param name the lock name
     * @param ownerId the owner to record on the store
     * @param leaseMillis the lease to set on the store
     * @param fixedLease whether the lease is fixed
     * @param waitNanos how long to wait in real time
     * @param startNanos the {@link System#nanoTime()} reading when the wait began
     * @throws NullPointerException if {@code name} or {@code ownerId} is null
     * @throws IllegalArgumentException if {@code leaseMillis} &lt; 1 or {@code waitNanos} &lt; 0
     */
    public AcquireRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ownerId, "ownerId");
        if (leaseMillis < 1) {
            throw new IllegalArgumentException("leaseMillis must be at least 1, was " + leaseMillis);
        }
        if (waitNanos < 0) {
            throw new IllegalArgumentException("waitNanos must not be negative, was " + waitNanos);
        }
    }

    /**
     * Returns how much of the wait is left, in real time.
     *
     * @return the remaining nanoseconds, {@code 0} once the wait is over, {@link #FOREVER} for a
     *         wait without end
     */
    public long remainingNanos() {
        if (waitNanos == FOREVER) {
            return FOREVER;
        }
        return Math.max(0, waitNanos - (System.nanoTime() - startNanos));
    }
}

package dev.distlock.spi;

/**
 * A lock granted by a {@link LockDriver}.
 *
 * @param fencingToken the fencing token of the new hold: greater than every earlier token of
 *        this name on this store
 * @param leaseStartNanos a reading of the client's {@link dev.distlock.LockClock} taken before
 *        the request that won the lock was sent; the lease is known valid until this plus the
 *        lease (minus the driver's {@linkplain LockDriver#driftNanos drift})
 * @param handle backend state the driver needs to renew or release this hold (for example a
 *        node path), or {@code null}
 */
public record Grant(long fencingToken, long leaseStartNanos, Object handle) {
}

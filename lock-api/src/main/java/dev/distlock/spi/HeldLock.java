package dev.distlock.spi;

/**
 * A hold as a {@link LockDriver} sees it when renewing or releasing it, or when its session
 * ends.
 *
 * <p>Implementations are thread-safe.
 */
public interface HeldLock {
    /**
     * Returns the lock name.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the owner recorded on the store.
     *
     * @return the owner id given in the {@link AcquireRequest}
     */
    String ownerId();

    /**
     * Returns what the driver granted.
     *
     * @return the grant
     */
    Grant grant();

    /**
     * Returns the lease in milliseconds.
     *
     * @return the lease
     */
    long leaseMillis();

    /**
     * Tells whether the lease is fixed (never renewed).
     *
     * @return whether the lease is fixed
     */
    boolean fixedLease();

    /**
     * Marks the hold lost and tells its listeners, if it is not already lost or released. For
     * drivers that learn of a loss by themselves, such as the end of a ZooKeeper session.
     *
     * @param reason why the hold was lost
     * @param cause the failure behind it, or {@code null}
     * @throws NullPointerException if {@code reason} is null
     */
    void markLost(dev.distlock.LossReason reason, Throwable cause);
}

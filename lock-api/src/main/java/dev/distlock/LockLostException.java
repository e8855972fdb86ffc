package dev.distlock;

/**
 * Thrown by {@code unlock()} (and {@link Lease#close()}) when the hold being released had been
 * lost: its lease ran out, the watchdog's renewal was refused or could not reach the store in
 * time, the backend session ended, or the store no longer named this owner at release time.
 *
 * <p>Code that sees it must assume another owner may have held the lock during part of its
 * critical section. The local hold is gone once this is thrown; nothing else needs to be
 * released.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class LockLostException extends LockException {
    private static final long serialVersionUID = 1L;

    private final String lockName;
    private final LossReason reason;

    /**
     * Creates an exception for a lost hold.
     *
     * @param lockName the name of the lock
     * @param reason why the hold was lost
     * @param cause the underlying failure, may be {@code null}
     */
    public LockLostException(String lockName, LossReason reason, Throwable cause) {
        super("lease on lock '" + lockName + "' was lost (" + reason.describe() + ")", cause);
        this.lockName = lockName;
        this.reason = reason;
    }

    /**
     * Returns the name of the lock whose hold was lost.
     *
     * @return the lock name
     */
    public String lockName() {
        return lockName;
    }

    /**
     * Returns why the hold was lost.
     *
     * @return the reason, never {@code null}
     */
    public LossReason reason() {
        return reason;
    }
}

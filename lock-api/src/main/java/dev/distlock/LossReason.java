package dev.distlock;

/**
 * Why a hold was lost. Carried by {@link LeaseLostEvent} and {@link LockLostException}.
 */
public enum LossReason {
    /** The lease ran out before it was renewed or released (a fixed lease, or a watchdog that fell behind). */
    EXPIRED("the lease ran out"),
    /** The store answered a renewal saying the lock is gone or owned by someone else. */
    RENEWAL_REJECTED("the store no longer names this owner"),
    /** Renewals could not reach the store before the lease ran out. */
    RENEWAL_FAILED("renewals could not reach the store before the lease ran out"),
    /** The backend's session ended (for example a ZooKeeper session expiry or connection loss). */
    SESSION_LOST("the backend session was lost"),
    /** At release time the store no longer named this owner. */
    RELEASE_REJECTED("at release the store no longer named this owner"),
    /** The client was closed while the lock was held. */
    CLIENT_CLOSED("the client was closed");

    private final String description;

    LossReason(String description) {
        this.description = description;
    }

    /**
     * Returns a short human-readable explanation.
     *
     * @return the explanation, never {@code null}
     */
    public String describe() {
        return description;
    }
}

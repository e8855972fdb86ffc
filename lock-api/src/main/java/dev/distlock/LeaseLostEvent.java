package dev.distlock;

import java.util.Objects;

/**
 * Tells a {@link LeaseLostListener} that a hold was lost.
 *
 * @param lockName the name of the lock
 * @param fencingToken the fencing token of the lost hold
 * @param owner the thread that held the lock (the thread that must stop acting on it)
 * @param reason why the hold was lost
 * @param cause the failure behind the loss, or {@code null}
 */
public record LeaseLostEvent(String lockName, long fencingToken, Thread owner, LossReason reason, Throwable cause) {
    /**
     * Checks the components.
     *
     * @param lockName the name of the lock
     * @param fencingToken the fencing token of the lost hold
     * @param owner the thread that held the lock
     * @param reason why the hold was lost
     * @param cause the failure behind the loss, or {@code null}
     * @throws NullPointerException if {@code lockName}, {@code owner} or {@code reason} is null
     */
    public LeaseLostEvent {
        Objects.requireNonNull(lockName, "lockName");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(reason, "reason");
    }
}

package dev.distlock.redis;

import dev.distlock.BackendUnavailableException;

/**
 * Thrown by an acquisition made with {@link RedisLockOptions.Builder#minReplicaAcks} when the
 * server granted the lock but fewer replicas than asked for acknowledged it within
 * {@link RedisLockOptions#replicaAckTimeout()} (or the acknowledgement could not be counted: the
 * connection dropped between the grant and {@code WAIT}, or {@code WAIT} failed). The lock was
 * given back before this was thrown (or, if even that failed, its lease runs out on the server):
 * nothing is held, as for any {@link BackendUnavailableException} from an acquisition.
 *
 * <p>It is thrown at once, also from a waiting acquisition: retrying is the caller's choice
 * (replicas that are down will not come back within a lock wait).
 *
 * <p>Instances are immutable and thread-safe.
 */
public class ReplicaAckException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    private final String lockName;
    private final int required;
    private final long acknowledged;

    /**
     * Creates the exception.
     *
     * @param lockName the lock that was granted and given back
     * @param required the acknowledgements asked for
     * @param acknowledged the acknowledgements {@code WAIT} counted, or -1 if they could not be
     *        counted
     * @param message what happened, naming the server and the lock
     * @param cause the failure of {@code WAIT}, or {@code null}
     */
    public ReplicaAckException(String lockName, int required, long acknowledged, String message, Throwable cause) {
        super(message, cause);
        this.lockName = lockName;
        this.required = required;
        this.acknowledged = acknowledged;
    }

    /**
     * Returns the name of the lock that was granted and given back.
     *
     * @return the lock name
     */
    public String lockName() {
        return lockName;
    }

    /**
     * Returns how many replica acknowledgements were asked for.
     *
     * @return the required count
     */
    public int required() {
        return required;
    }

    /**
     * Returns how many replicas acknowledged the lock's write in time, or -1 if that could not be
     * counted (the connection dropped, or {@code WAIT} failed).
     *
     * @return the count, or -1
     */
    public long acknowledged() {
        return acknowledged;
    }
}

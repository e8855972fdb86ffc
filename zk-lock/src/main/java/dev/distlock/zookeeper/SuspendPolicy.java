package dev.distlock.zookeeper;

/**
 * What the ZooKeeper backend does with held locks when the connection to ZooKeeper is
 * suspended (Curator's {@code SUSPENDED}: the client lost its connection but the session may
 * still be alive on the servers, so the lock nodes may still exist — or the session may already
 * have expired and another client may hold the lock).
 *
 * <p>Either way, a session that is found expired ({@code LOST}) loses every hold at once.
 */
public enum SuspendPolicy {
    /**
     * Every hold is marked lost at once ({@link dev.distlock.LossReason#SESSION_LOST}); the lock
     * nodes are deleted when the connection comes back with the same session. The safest choice:
     * no hold is ever reported valid while the client cannot know that it is.
     */
    LOSE_AT_ONCE,
    /**
     * Holds stay valid for a bounded grace ({@link ZkLockOptions#suspendGrace()}); if the
     * connection comes back with the same session within it, nothing is lost, otherwise every
     * hold is marked lost when the grace ends. Rides out leader elections and short network
     * blips; while suspended a hold is uncertain and the fencing token is what keeps a store
     * safe.
     */
    WAIT_FOR_RECONNECT
}

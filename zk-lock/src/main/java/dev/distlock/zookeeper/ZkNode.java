package dev.distlock.zookeeper;

import dev.distlock.spi.HeldLock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One lock node this client created: waiting or held. It is the {@link dev.distlock.spi.Grant}
 * handle of a hold. The driver keeps every node it knows to exist in a map by path, which is
 * also how a waiter learns, without asking the server, that a node of its own client below it
 * is gone.
 *
 * <p>Thread-safe: the identity is final, the state flags are volatile.
 */
final class ZkNode {
    /** The full path, {@code <lock parent>/<name>}. */
    final String path;
    /** The lock parent's path. */
    final String parent;
    /** The node name, {@code lk-<client>-<attempt>-<sequence>}. */
    final String name;
    /** The sequence number ZooKeeper appended. */
    final long seq;
    /** The session that created the node (and owns it, since it is ephemeral). */
    final long sessionId;
    /** The zxid of the create: the fencing token of a hold on this node. */
    final long czxid;

    /** Known to be gone from the server (deleted by us, found missing, or its session ended). */
    volatile boolean deleted;
    /** Granted: the node is the lowest and a hold was reported. */
    volatile boolean held;
    /** Being deleted by this client (release or give-up): its deletion is no news. */
    volatile boolean releasing;
    /** The hold on it is known lost (session ended or suspended too long, or node deleted by someone else). */
    volatile boolean lost;
    /** The front's view of the hold, once a renewal has shown it; for loss reports from watches. */
    volatile HeldLock hold;
    /** Granted while no other node existed (then releasing it teaches the parent's floor). */
    volatile boolean aloneAtGrant;
    /** Whether a watch on this node's deletion has been placed. */
    final AtomicBoolean watching = new AtomicBoolean();

    ZkNode(String parent, String name, long seq, long sessionId, long czxid) {
        this.parent = parent;
        this.path = parent + "/" + name;
        this.name = name;
        this.seq = seq;
        this.sessionId = sessionId;
        this.czxid = czxid;
    }

    @Override
    public String toString() {
        return "ZkNode[" + path + ", session 0x" + Long.toHexString(sessionId) + ", czxid 0x" + Long.toHexString(czxid)
                + (held ? ", held" : "") + (lost ? ", lost" : "") + (deleted ? ", deleted" : "") + "]";
    }
}

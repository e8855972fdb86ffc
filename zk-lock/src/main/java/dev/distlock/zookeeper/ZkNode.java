package dev.distlock.zookeeper;

import dev.distlock.spi.HeldLock;
import java.util.ArrayList;
import java.util.List;
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

    /** Known to be gone from the server (our delete succeeded, or the server showed it missing); set by {@link #markDeleted()}. */
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
    /**
     * Deleted by this client after it was granted: every node below it was gone when it was
     * granted, so a waiter of this client whose immediate predecessor it was is now the lowest.
     * Set before {@link #markDeleted()}.
     */
    volatile boolean releasedHeld;
    /** Whether a watch on this node's deletion has been placed. */
    final AtomicBoolean watching = new AtomicBoolean();

    /** Waiters of this client whose immediate predecessor this node is; guarded by {@code this}. */
    private List<Runnable> goneListeners;

    ZkNode(String parent, String name, long seq, long sessionId, long czxid) {
        this.parent = parent;
        this.path = parent + "/" + name;
        this.name = name;
        this.seq = seq;
        this.sessionId = sessionId;
        this.czxid = czxid;
    }

    /**
     * Records that the server no longer has this node and tells the local waiters behind it
     * (on the calling thread). Idempotent.
     */
    void markDeleted() {
        List<Runnable> tell;
        synchronized (this) {
            if (deleted) {
                return;
            }
            deleted = true;
            tell = goneListeners;
            goneListeners = null;
        }
        if (tell != null) {
            for (Runnable r : tell) {
                r.run();
            }
        }
    }

    /**
     * Runs {@code listener} once this node is known deleted: at once if it already is.
     *
     * @return whether it ran at once
     */
    boolean onDeleted(Runnable listener) {
        synchronized (this) {
            if (!deleted) {
                if (goneListeners == null) {
                    goneListeners = new ArrayList<>(1);
                }
                goneListeners.add(listener);
                return false;
            }
        }
        listener.run();
        return true;
    }

    /** Forgets a listener registered with {@link #onDeleted(Runnable)}. */
    synchronized void removeListener(Runnable listener) {
        if (goneListeners != null) {
            goneListeners.remove(listener);
        }
    }

    @Override
    public String toString() {
        return "ZkNode[" + path + ", session 0x" + Long.toHexString(sessionId) + ", czxid 0x" + Long.toHexString(czxid)
                + (held ? ", held" : "") + (lost ? ", lost" : "") + (deleted ? ", deleted" : "") + "]";
    }
}

package dev.distlock.zookeeper;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What this client knows about the sequence counter of each lock parent, so that an
 * uncontended re-acquire needs no children listing: one create, and the create's own reply
 * proves that the new node is alone.
 *
 * <h2>Why it is safe</h2>
 * ZooKeeper numbers a sequential child with the number of children its parent has ever had
 * created (deletes do not count). When this client deletes a node of seq {@code F} that it
 * held, every node of seq {@code <= F} is gone (those below were gone when the hold was granted;
 * nodes never come back). Call that the <em>floor</em> {@code (F, Z)}, {@code Z} being the
 * node's {@code czxid}. A later create of ours that gets seq {@code F + 1} was the first create
 * under that parent since node {@code F} — so it has no sibling — unless the parent itself was
 * deleted (containers are reaped when empty) and created again in between, and then given
 * {@code F + 1} children. That takes at least {@code F + 4} transactions between {@code Z} and
 * our create's {@code czxid} (delete of node {@code F}, the container reap, the parent create,
 * {@code F + 1} child creates), so the new node is proven alone when
 * {@code seq == F + 1} and, in the same leader epoch, {@code czxid - Z - 1 < F + 4}.
 * Anything else falls back to listing the children. The argument assumes that only lock
 * clients write under the lock namespace (in particular no multi-op creating many children in
 * one transaction).
 *
 * <p>Which way to acquire: a floor remembers whether its hold was alone; after a create that
 * the floor did not prove alone (contention), the next acquire pipelines create + list again.
 *
 * <p>Thread-safe; bounded (cleared when it grows past {@link #MAX_PARENTS} parents).
 */
final class ZkParentFloors {
    /** The most parents remembered. */
    static final int MAX_PARENTS = 10_000;

    /**
     * A floor: every node of seq up to {@code seq} is gone.
     *
     * @param seq the sequence number of our last released hold
     * @param czxid its create zxid
     * @param trySync whether the next acquire should try the single-create path
     */
    record Floor(long seq, long czxid, boolean trySync) {
    }

    private final ConcurrentMap<String, Floor> floors = new ConcurrentHashMap<>();

    /** The floor of {@code parent}, or null. */
    Floor get(String parent) {
        return floors.get(parent);
    }

    /** Whether a node of {@code seq}/{@code czxid} created under a parent with floor {@code f} is alone. */
    static boolean provesAlone(Floor f, long seq, long czxid) {
        if (f == null || seq != f.seq + 1 || seq <= 0) {
            return false;
        }
        if ((czxid >>> 32) != (f.czxid >>> 32) || czxid <= f.czxid) {
            return false; // another leader epoch: zxid gaps say nothing
        }
        long between = czxid - f.czxid - 1;
        return between < f.seq + 4;
    }

    /** A hold on {@code node} was released (its delete confirmed). */
    void released(String parent, ZkNode node) {
        if (floors.size() >= MAX_PARENTS) {
            floors.clear();
        }
        Floor next = new Floor(node.seq, node.czxid, node.aloneAtGrant);
        floors.merge(parent, next, (old, n) -> n.czxid > old.czxid ? n : old);
    }

    /** A create was not proven alone: list with the next create too, until a hold is alone again. */
    void contended(String parent) {
        floors.computeIfPresent(parent, (p, f) -> f.trySync ? new Floor(f.seq, f.czxid, false) : f);
    }

    /** The number of parents remembered; for tests. */
    int size() {
        return floors.size();
    }
}

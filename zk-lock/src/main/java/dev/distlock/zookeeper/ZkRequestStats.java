package dev.distlock.zookeeper;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests the ZooKeeper backend sends, by kind, and the round trips it waits for.
 * Pass one to {@link ZkLockOptions.Builder#stats(ZkRequestStats)} to see what locking costs
 * (the benchmarks and tests use it to check the round-trip budget); share one between clients
 * to add their counts up.
 *
 * <p>A <em>round trip</em> is a batch of requests sent back to back whose replies the backend
 * waits for before it can go on: an uncontended acquire is one round trip (the create and the
 * children read are pipelined), a release is one.
 *
 * <p>Thread-safe.
 */
public final class ZkRequestStats {
    private final LongAdder creates = new LongAdder();
    private final LongAdder deletes = new LongAdder();
    private final LongAdder markedReleases = new LongAdder();
    private final LongAdder childReads = new LongAdder();
    private final LongAdder dataReads = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder roundTrips = new LongAdder();

    /** Creates a set of counters at zero. */
    public ZkRequestStats() {
    }

    void create() {
        creates.increment();
    }

    void delete() {
        deletes.increment();
    }

    void markedRelease() {
        markedReleases.increment();
    }

    void childRead() {
        childReads.increment();
    }

    void dataRead() {
        dataReads.increment();
    }

    void sync() {
        syncs.increment();
    }

    void roundTrip() {
        roundTrips.increment();
    }

    /**
     * Returns the number of create requests (lock nodes and parents).
     *
     * @return the count
     */
    public long creates() {
        return creates.sum();
    }

    /**
     * Returns the number of delete requests, marked releases included.
     *
     * @return the count
     */
    public long deletes() {
        return deletes.sum();
    }

    /**
     * Returns how many of the {@link #deletes() deletes} were marked releases: one {@code multi}
     * request that sets a released node's data to a marker and deletes it in one transaction,
     * so that the waiter behind it knows that it is now the lowest without listing the
     * children. Counted as one request (and one delete).
     *
     * @return the count
     */
    public long markedReleases() {
        return markedReleases.sum();
    }

    /**
     * Returns the number of children reads.
     *
     * @return the count
     */
    public long childReads() {
        return childReads.sum();
    }

    /**
     * Returns the number of data and stat reads (predecessor and own-node watches, recovery).
     *
     * @return the count
     */
    public long dataReads() {
        return dataReads.sum();
    }

    /**
     * Returns the number of sync requests.
     *
     * @return the count
     */
    public long syncs() {
        return syncs.sum();
    }

    /**
     * Returns the total number of requests of every kind.
     *
     * @return the count
     */
    public long requests() {
        return creates() + deletes() + childReads() + dataReads() + syncs();
    }

    /**
     * Returns the number of round trips waited for (see the class comment).
     *
     * @return the count
     */
    public long roundTrips() {
        return roundTrips.sum();
    }

    @Override
    public String toString() {
        return "ZkRequestStats[creates=" + creates() + ", deletes=" + deletes() + ", markedReleases=" + markedReleases() + ", childReads=" + childReads()
                + ", dataReads=" + dataReads() + ", syncs=" + syncs() + ", roundTrips=" + roundTrips() + "]";
    }
}

package dev.distlock.embedded.internal;

import java.time.Duration;

/** The server side of {@link dev.distlock.embedded.RedisFaults}; arguments are already checked. */
public interface FaultControl {
    /** @param duration how long to stall */
    void pause(Duration duration);

    /** Ends a pause. */
    void resume();

    /** @return the number of connections closed */
    int dropConnections();

    /** Closes the listening socket. */
    void refuseConnections();

    /** Re-opens the listening socket. */
    void acceptConnections();

    /** Closes the listener and all connections, keeps data. */
    void stopServing();

    /** @param keepData whether the keys survive */
    void restart(boolean keepData);

    /** @param delay per-reply delay */
    void latency(Duration delay);

    /**
     * @param count   how many
     * @param command only this command (lower or upper case), or null for any
     * @param error   the error text without the leading '-'
     */
    void failNext(int count, String command, String error);

    /**
     * @param amount   the skew or the amount to add
     * @param relative add to the current skew instead of replacing it
     */
    void skewClock(Duration amount, boolean relative);

    /** @return the current skew */
    Duration clockSkew();

    /** A power loss: stop, lose unsynced append-only bytes and the data in memory. */
    void crash();

    /** Stops (if serving), replaces the data by what is on disk, serves again. */
    void restartFromDisk();

    /** Holds the replication stream back (writes still answered). */
    void pauseReplication();

    /** Sends what was held back. */
    void resumeReplication();

    /** Drops replication links and refuses new ones. */
    void partitionReplication();

    /** Allows replication links again. */
    void healReplication();

    /** Closes a replica's link to its primary (it reconnects when allowed). */
    void dropMasterLink();

    /** Clears every fault. */
    void clearFaults();
}

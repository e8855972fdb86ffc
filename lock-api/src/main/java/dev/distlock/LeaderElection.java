package dev.distlock;

import java.time.Duration;

/**
 * One participant of a leader election: among every participant of a group that has joined, at
 * most one is leader at a time while leases are valid. Obtain one with
 * {@link LockClient#leaderElection(String)}.
 *
 * <p>A participant that {@link #join() joins} competes on a thread of its own until it becomes
 * leader; it stays leader, its lease renewed by the client's watchdog, until it
 * {@link #resign() resigns}, leaves, its client closes, or its lease is lost (a failed renewal,
 * an expired session). On a loss it tells its listeners and competes again; on resigning it
 * leaves the election, and another participant takes over. Each term has a fencing token
 * ({@link #term()}) greater than every earlier term's of the group, to pass to the resources
 * the leader writes to.
 *
 * <p>Thread-safe.
 */
public interface LeaderElection extends AutoCloseable {
    /**
     * Returns the group this participant competes in.
     *
     * @return the group given to {@link LockClient#leaderElection(String)}
     */
    String group();

    /**
     * Starts competing for leadership; returns at once. Does nothing if already joined.
     *
     * @throws IllegalStateException if the client or this participant is closed
     */
    void join();

    /**
     * Waits up to {@code wait} until this participant is leader.
     *
     * @param wait how long to wait; zero only looks
     * @return whether it is leader
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws IllegalArgumentException if {@code wait} is null or negative
     */
    boolean awaitLeadership(Duration wait) throws InterruptedException;

    /**
     * Tells whether this participant is leader now, with a lease that is valid as far as the
     * client knows (no round trip).
     *
     * @return whether it is leader
     */
    boolean isLeader();

    /**
     * Returns the fencing token of the current term.
     *
     * @return the term's token
     * @throws IllegalStateException if this participant is not leader
     */
    long term();

    /**
     * Gives up leadership, if held, and leaves the election; waits until the lease is given
     * back (at most about the client's command timeout). Another participant can then take
     * over. {@link #join()} may be called again later.
     */
    void resign();

    /**
     * Registers a listener told of every gain and loss of leadership of this participant. If
     * the participant is leader now, the listener is not told of the current term.
     *
     * @param listener the listener
     * @throws IllegalArgumentException if {@code listener} is null
     */
    void addListener(LeadershipListener listener);

    /**
     * Removes a listener; does nothing if it is not registered.
     *
     * @param listener the listener
     */
    void removeListener(LeadershipListener listener);

    /**
     * Resigns and closes this participant; calling it again does nothing. After it,
     * {@link #join()} throws {@link IllegalStateException}.
     */
    @Override
    void close();
}

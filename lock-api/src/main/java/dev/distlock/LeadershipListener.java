package dev.distlock;

/**
 * Told when a {@link LeaderElection} participant becomes leader and when it stops being leader.
 * Register one with {@link LeaderElection#addListener(LeadershipListener)}.
 *
 * <p>Both methods are called on the participant's own thread, in order (a gain, then its loss,
 * then perhaps the next gain); they should return quickly. An exception thrown by a listener is
 * logged and does not stop the others.
 */
public interface LeadershipListener {
    /**
     * Called when the participant became leader.
     *
     * @param election the election
     * @param term the fencing token of this term: greater than every earlier term's
     */
    void leadershipGained(LeaderElection election, long term);

    /**
     * Called when the participant stopped being leader.
     *
     * @param election the election
     * @param term the fencing token of the term that ended
     * @param reason why the lease was lost, or {@code null} if the participant resigned or left
     */
    void leadershipLost(LeaderElection election, long term, LossReason reason);
}

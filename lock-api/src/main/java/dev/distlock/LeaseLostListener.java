package dev.distlock;

/**
 * Receives the news that a hold was lost. Register one on a client
 * ({@link LockClient#addLeaseLostListener}) to hear of every lock of that client, or on a
 * {@link Lease} ({@link Lease#onLost}) to hear of one hold.
 *
 * <p>Listeners run on the client's event thread, one at a time, in the order losses were
 * detected. They should return quickly; an exception thrown by a listener is logged and does
 * not stop other listeners.
 */
@FunctionalInterface
public interface LeaseLostListener {
    /**
     * Called once per lost hold.
     *
     * @param event what was lost and why
     */
    void leaseLost(LeaseLostEvent event);
}

package dev.distlock.tests.safety;

/**
 * One critical section as its worker saw it: the hold of the lock, what it did, and whether the
 * worker was told that the lease was lost.
 *
 * @param holdId unique id, {@code <worker>-t<thread>-<n>}, also carried by its store operations
 * @param worker the worker process ({@code w1}, {@code w2}, …)
 * @param thread the thread within the worker
 * @param token the fencing token of the hold
 * @param requestMicros wall-clock time just before the acquisition call
 * @param acquiredMicros wall-clock time just after the acquisition returned
 * @param endMicros wall-clock time just before the unlock
 * @param lost whether the worker was told the lease was lost (a lease-lost listener fired,
 *        {@code Lease.isValid()} turned false, or the unlock threw {@code LockLostException})
 * @param lossNotice how it was told ({@code listener}, {@code invalid}, {@code unlock}), or
 *        {@code -} if it was not
 * @param writeAccepted whether the critical section's write was accepted by the store
 */
public record Hold(String holdId, String worker, int thread, long token, long requestMicros, long acquiredMicros,
        long endMicros, boolean lost, String lossNotice, boolean writeAccepted) {
    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if {@code holdId}, {@code worker} or {@code lossNotice} is
     *         null or has white space, or the times are out of order
     */
    public Hold {
        StoreOp.checkId(holdId);
        StoreOp.checkId(worker);
        StoreOp.checkId(lossNotice);
        if (requestMicros > acquiredMicros || acquiredMicros > endMicros) {
            throw new IllegalArgumentException("times must satisfy request <= acquired <= end, were " + requestMicros
                    + ", " + acquiredMicros + ", " + endMicros);
        }
    }

    /**
     * Formats the hold as one tab-separated history line, starting with {@code H}.
     *
     * @return the line, without a line end
     */
    public String toLine() {
        return "H\t" + holdId + "\t" + worker + "\t" + thread + "\t" + token + "\t" + requestMicros + "\t"
                + acquiredMicros + "\t" + endMicros + "\t" + lost + "\t" + lossNotice + "\t" + writeAccepted;
    }

    /**
     * Parses a line made by {@link #toLine()}.
     *
     * @param line the line
     * @return the hold
     * @throws IllegalArgumentException if the line is malformed
     */
    public static Hold parse(String line) {
        String[] f = line.split("\t");
        if (f.length != 11 || !f[0].equals("H")) {
            throw new IllegalArgumentException("hold line must be H and 10 fields: " + line);
        }
        try {
            return new Hold(f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                    Long.parseLong(f[6]), Long.parseLong(f[7]), Boolean.parseBoolean(f[8]), f[9],
                    Boolean.parseBoolean(f[10]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed hold line: " + line, e);
        }
    }

    /**
     * Returns the worker part of a hold id.
     *
     * @param holdId a hold id such as {@code w3-t1-17}
     * @return {@code w3}
     */
    public static String workerOf(String holdId) {
        int dash = holdId.indexOf('-');
        return dash < 0 ? holdId : holdId.substring(0, dash);
    }
}

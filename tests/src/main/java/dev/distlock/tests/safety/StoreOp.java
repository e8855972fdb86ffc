package dev.distlock.tests.safety;

/**
 * One operation logged by the {@link FencedStore}.
 *
 * @param seq the operation's place in the store's global order, from 1
 * @param kind read or write
 * @param holdId the critical section that did it (see {@link Hold#holdId()})
 * @param token the fencing token it carried
 * @param accepted for a write, whether it was applied (a read is always accepted)
 * @param highestBefore the highest token accepted before this operation
 *        ({@link Long#MIN_VALUE} if none)
 * @param value the value read, or the value a write tried to store
 * @param micros the wall-clock time of the operation ({@link Micros})
 */
public record StoreOp(long seq, Kind kind, String holdId, long token, boolean accepted, long highestBefore, long value,
        long micros) {
    /** The kind of a store operation. */
    public enum Kind {
        /** A read of the register. */
        READ,
        /** A fenced write of the register. */
        WRITE
    }

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if {@code seq} is below 1, {@code kind} is null or
     *         {@code holdId} is null, empty or has white space
     */
    public StoreOp {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, was " + seq);
        }
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        checkId(holdId);
    }

    /**
     * Returns whether this is a write the store refused because of its token.
     *
     * @return whether it is a rejected (stale) write
     */
    public boolean rejectedWrite() {
        return kind == Kind.WRITE && !accepted;
    }

    /**
     * Returns the worker part of the hold id ({@code w3} of {@code w3-t1-17}).
     *
     * @return the worker id
     */
    public String worker() {
        return Hold.workerOf(holdId);
    }

    /**
     * Formats the operation as one tab-separated log line.
     *
     * @return the line, without a line end
     */
    public String toLine() {
        return seq + "\t" + kind + "\t" + holdId + "\t" + token + "\t" + accepted + "\t" + highestBefore + "\t" + value
                + "\t" + micros;
    }

    /**
     * Parses a line made by {@link #toLine()}.
     *
     * @param line the line
     * @return the operation
     * @throws IllegalArgumentException if the line is malformed
     */
    public static StoreOp parse(String line) {
        String[] f = line.split("\t");
        if (f.length != 8) {
            throw new IllegalArgumentException("store log line must have 8 fields: " + line);
        }
        try {
            return new StoreOp(Long.parseLong(f[0]), Kind.valueOf(f[1]), f[2], Long.parseLong(f[3]),
                    Boolean.parseBoolean(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed store log line: " + line, e);
        }
    }

    static void checkId(String holdId) {
        if (holdId == null || holdId.isEmpty() || holdId.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("holdId must be non-empty without white space, was '" + holdId + "'");
        }
    }
}

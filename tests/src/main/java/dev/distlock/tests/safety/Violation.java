package dev.distlock.tests.safety;

/**
 * One breach of the safety rules found by the {@link SafetyChecker}.
 *
 * @param kind which rule was broken
 * @param detail the holds and operations involved
 */
public record Violation(Kind kind, String detail) {
    /** The rules the checker enforces. */
    public enum Kind {
        /** Two critical sections overlapped while neither holder had been told of a loss. */
        OVERLAP,
        /** A later grant carried a token not greater than an earlier one. */
        TOKEN_ORDER,
        /** Two distinct holds carried the same token. */
        DUPLICATE_TOKEN,
        /** The store refused a write of a holder that was never told its lease was lost. */
        STALE_WRITE_UNTOLD,
        /** The store accepted a write whose token was below the highest it had seen. */
        STORE_ACCEPTED_STALE,
        /** The store refused a write whose token was not below the highest it had seen. */
        STORE_REJECTED_CURRENT,
        /** A store operation belongs to no recorded hold of a worker that was not killed. */
        MISSING_HISTORY
    }

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public Violation {
        if (kind == null || detail == null) {
            throw new IllegalArgumentException("kind and detail must not be null");
        }
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}

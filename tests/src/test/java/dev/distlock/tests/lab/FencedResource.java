package dev.distlock.tests.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The protected resource of the lab scenarios, in memory: a register that accepts a write only
 * if its fencing token is greater than the last one it accepted, and remembers every attempt.
 * The same rule as the safety harness's {@code FencedStore}, without files or processes.
 *
 * <p>Thread-safe.
 */
final class FencedResource {
    /** One write attempt and what the resource did with it. */
    record Write(String writer, long token, String value, boolean accepted) {
    }

    private final List<Write> writes = new ArrayList<>();
    private long lastAccepted;
    private String value;

    /**
     * Writes {@code value} if {@code token} is greater than every token accepted so far.
     *
     * @return whether the write was accepted
     */
    synchronized boolean write(String writer, long token, String value) {
        boolean accepted = token > lastAccepted;
        if (accepted) {
            lastAccepted = token;
            this.value = value;
        }
        writes.add(new Write(writer, token, value, accepted));
        return accepted;
    }

    synchronized String value() {
        return value;
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }
}

package dev.distlock.bench;

/**
 * Reads a server's cumulative counters, so a scenario can report server commands per
 * operation and the server's CPU. Values only grow; callers take differences.
 *
 * <p>Implementations are thread-safe.
 */
public interface ServerCounter extends AutoCloseable {
    /** A counter for contenders without a server: nothing is known. */
    ServerCounter NONE = new ServerCounter() {
        @Override
        public long commands() {
            return -1;
        }

        @Override
        public double cpuSeconds() {
            return Double.NaN;
        }

        @Override
        public void close() {
        }
    };

    /**
     * Returns how many commands (Redis) or requests (ZooKeeper) the server has processed,
     * not counting this counter's own probes.
     *
     * @return the count, or -1 if the server cannot tell
     */
    long commands();

    /**
     * Returns the commands processed so far by command name (Redis {@code INFO commandstats},
     * without this counter's own {@code INFO}), for printing what a window's commands were.
     *
     * @return the counts by name; empty if the server cannot tell them apart
     */
    default java.util.Map<String, Long> commandCounts() {
        return java.util.Map.of();
    }

    /**
     * Returns the CPU time the server process has used, if it runs in a process of its own.
     *
     * @return seconds, or NaN if unknown (for example a server inside this JVM)
     */
    double cpuSeconds();

    /** Releases the counter's connection; idempotent. */
    @Override
    void close();

    /**
     * Sums several counters (the nodes of a Redlock).
     *
     * @param parts the counters
     * @return a counter whose values are the sums; -1 or NaN if any part does not know
     * @throws IllegalArgumentException if parts is empty
     */
    static ServerCounter sum(java.util.List<ServerCounter> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("parts must not be empty");
        }
        return new ServerCounter() {
            @Override
            public long commands() {
                long total = 0;
                for (ServerCounter p : parts) {
                    long c = p.commands();
                    if (c < 0) {
                        return -1;
                    }
                    total += c;
                }
                return total;
            }

            @Override
            public java.util.Map<String, Long> commandCounts() {
                java.util.Map<String, Long> total = new java.util.HashMap<>();
                for (ServerCounter p : parts) {
                    p.commandCounts().forEach((k, v) -> total.merge(k, v, Long::sum));
                }
                return total;
            }

            @Override
            public double cpuSeconds() {
                double total = 0;
                for (ServerCounter p : parts) {
                    total += p.cpuSeconds();
                }
                return total;
            }

            @Override
            public void close() {
                parts.forEach(ServerCounter::close);
            }
        };
    }
}

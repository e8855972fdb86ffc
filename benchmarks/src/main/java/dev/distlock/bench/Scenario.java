package dev.distlock.bench;

/**
 * What is measured, one row group of the report each. Throughput means lock+unlock pairs per
 * second (uncontended), handoffs per second (handoff and waiters: every acquisition passes the
 * lock from another thread), reentrant acquires per second, or server commands per second while
 * locks are only being held and renewed ({@link Kind#HELD}); for the coordination scenarios, read
 * or write lock+unlock pairs, permit acquire+release pairs, or leader failovers per second.
 *
 * <p>Immutable and thread-safe.
 */
public enum Scenario {
    /** Lock+unlock in a loop by one thread on its own name. */
    UNCONTENDED_1(Kind.UNCONTENDED, 1, false, "uncontended lock+unlock, 1 thread"),
    /** Lock+unlock in a loop by 8 threads sharing one client, a name per thread. */
    UNCONTENDED_8(Kind.UNCONTENDED, 8, false, "uncontended lock+unlock, 8 threads, one client"),
    /** 4 threads sharing one client take turns on one name. */
    HANDOFF_4_SHARED(Kind.HANDOFF, 4, false, "handoff, 4 threads on one name, one shared client"),
    /** 4 threads, each with its own client (4 applications), take turns on one name. */
    HANDOFF_4_PER_CLIENT(Kind.HANDOFF, 4, true, "handoff, 4 threads on one name, a client per thread"),
    /** 16 threads sharing one client take turns on one name. */
    HANDOFF_16_SHARED(Kind.HANDOFF, 16, false, "handoff, 16 threads on one name, one shared client"),
    /** 16 threads, each with its own client, take turns on one name. */
    HANDOFF_16_PER_CLIENT(Kind.HANDOFF, 16, true, "handoff, 16 threads on one name, a client per thread"),
    /** One thread holds a lock and acquires and releases it again inside (hold count 1 → 2 → 1). */
    REENTRANT(Kind.REENTRANT, 1, false, "reentrant acquire+release while holding, 1 thread"),
    /** Many locks held at once by one client while its watchdog renews them. */
    HELD_UNDER_WATCHDOG(Kind.HELD, 8, false, "locks held under the watchdog, one client"),
    /** 2 clients, one thread each, take turns on one name: 1 waiter while the other holds. */
    WAITERS_1(Kind.WAITERS, 2, true, "1 waiter on one name (2 clients)"),
    /** 11 clients, one thread each, take turns on one name: 10 waiters. */
    WAITERS_10(Kind.WAITERS, 11, true, "10 waiters on one name (11 clients)"),
    /** 101 clients, one thread each, take turns on one name: 100 waiters. */
    WAITERS_100(Kind.WAITERS, 101, true, "100 waiters on one name (101 clients)"),
    /**
     * 8 threads sharing one client on one read-write lock, 90% reads and 10% writes, each a
     * lock+unlock; the writer preference of the locks is part of what is measured.
     */
    READ_WRITE_8(Kind.READ_WRITE, 8, false, "read-write lock, 8 threads, 90% reads, one client"),
    /** 8 threads sharing one client take and give back one permit each of a 3-permit semaphore. */
    SEMAPHORE_3_OF_8(Kind.SEMAPHORE, 8, false, "semaphore of 3 permits, 8 threads, one client"),
    /** 3 participants, a client each: the leader resigns, the next one is elected, again and again. */
    ELECTION_FAILOVER_3(Kind.ELECTION, 3, true, "leader election failover, 3 participants (3 clients)");

    /** The share of reads in {@link #READ_WRITE_8}. */
    public static final double READ_SHARE = 0.9;
    /** The permits of the semaphore of {@link #SEMAPHORE_3_OF_8}. */
    public static final int SEMAPHORE_PERMITS = 3;

    /** The shape of a scenario's loop. */
    public enum Kind {
        /** Each thread locks and unlocks its own name. */
        UNCONTENDED,
        /** All threads take turns on one name; each release is followed by another thread's acquire. */
        HANDOFF,
        /** Reentry while holding. */
        REENTRANT,
        /** Locks only held; the watchdog works. */
        HELD,
        /** Like {@link #HANDOFF}, a client per thread, reported as server commands per handoff. */
        WAITERS,
        /** Threads take the read side (mostly) or the write side of one read-write lock. */
        READ_WRITE,
        /** More threads than permits take and give back one permit each. */
        SEMAPHORE,
        /** Participants of one election; the leader resigns and the time to the next leader is measured. */
        ELECTION
    }

    private final Kind kind;
    private final int threads;
    private final boolean clientPerThread;
    private final String title;

    Scenario(Kind kind, int threads, boolean clientPerThread, String title) {
        this.kind = kind;
        this.threads = threads;
        this.clientPerThread = clientPerThread;
        this.title = title;
    }

    /**
     * Returns the loop shape.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns how many threads run the loop (for {@link Kind#HELD}, how many threads share the
     * acquiring and releasing).
     *
     * @return the thread count
     */
    public int threads() {
        return threads;
    }

    /**
     * Returns whether each thread has its own client (separate applications) rather than all
     * sharing one.
     *
     * @return true for a client per thread
     */
    public boolean clientPerThread() {
        return clientPerThread;
    }

    /**
     * Returns the human title used in the report and the chart.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * Returns whether this scenario needs the contender to be a lock (floors run only the
     * uncontended rows: they measure a round trip, not a lock).
     *
     * @return true if floors are skipped here
     */
    public boolean needsLock() {
        return kind != Kind.UNCONTENDED;
    }

    /**
     * Returns whether this scenario measures a coordination primitive (read-write lock,
     * semaphore, leader election) rather than a mutex.
     *
     * @return true for the coordination scenarios
     */
    public boolean isCoordination() {
        return kind == Kind.READ_WRITE || kind == Kind.SEMAPHORE || kind == Kind.ELECTION;
    }

    /**
     * Returns the unit of {@link Result#throughput()} in this scenario.
     *
     * @return for example {@code "ops/s"} or {@code "handoffs/s"}
     */
    public String throughputUnit() {
        return switch (kind) {
            case UNCONTENDED -> "lock+unlock/s";
            case HANDOFF, WAITERS -> "handoffs/s";
            case REENTRANT -> "reentries/s";
            case HELD -> "renewal cmds/s";
            case READ_WRITE -> "lock+unlock/s";
            case SEMAPHORE -> "acquire+release/s";
            case ELECTION -> "failovers/s";
        };
    }
}

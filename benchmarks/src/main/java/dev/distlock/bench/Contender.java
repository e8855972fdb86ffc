package dev.distlock.bench;

/**
 * The lock implementations compared, chosen by JMH {@code @Param} and by the runner's
 * {@code --contenders} option. Each distlock contender is reached through
 * {@code LockClients.connect(uri, config)} and is available only when its backend module serves
 * its URI scheme; the anchors (Redisson, Curator) and the floors always are, given a server.
 *
 * <p>A floor is not a lock: its "lock" and "unlock" are each one round trip (a Redis
 * {@code PING}, three {@code PING}s to the three Redlock nodes in parallel, a ZooKeeper
 * {@code exists}), so floor lock+unlock is the two round trips no remote lock can avoid.
 *
 * <p>Immutable and thread-safe.
 */
public enum Contender {
    /** distlock on one Redis ({@code redis://}). */
    DISTLOCK_REDIS("distlock redis", Family.REDIS, "redis", false),
    /** distlock Redlock over the three Redlock nodes ({@code redlock://}). */
    DISTLOCK_REDLOCK("distlock redlock (3 nodes)", Family.REDLOCK, "redlock", false),
    /** distlock on ZooKeeper ({@code zk://}). */
    DISTLOCK_ZOOKEEPER("distlock zookeeper", Family.ZOOKEEPER, "zk", false),
    /** distlock's in-process reference backend ({@code memory://}); no server, no anchor. */
    DISTLOCK_MEMORY("distlock memory", Family.MEMORY, "memory", false),
    /** Redisson {@code RLock} on the same Redis as {@link #DISTLOCK_REDIS}. */
    REDISSON("Redisson RLock", Family.REDIS, null, false),
    /** Redisson {@code RedissonRedLock} on the same three nodes as {@link #DISTLOCK_REDLOCK}. */
    REDISSON_REDLOCK("Redisson RedLock (3 nodes)", Family.REDLOCK, null, false),
    /** Curator {@code InterProcessMutex} on the same ZooKeeper as {@link #DISTLOCK_ZOOKEEPER}. */
    CURATOR("Curator InterProcessMutex", Family.ZOOKEEPER, null, false),
    /** Floor: one Lettuce {@code PING} round trip for lock and one for unlock, same Redis. */
    REDIS_PING_FLOOR("floor: Redis PING (Lettuce)", Family.REDIS, null, true),
    /**
     * Floor of the Redlock family: one {@code PING} sent to each of the three Redlock nodes at
     * once, waiting for all three replies, for lock and again for unlock (Lettuce, a connection
     * per node). Divided by {@link #REDIS_PING_FLOOR} it bounds what three nodes can cost against
     * one on this machine.
     */
    REDLOCK_PING_FLOOR("floor: 3 Redis PINGs in parallel (Lettuce)", Family.REDLOCK, null, true),
    /** Floor: one ZooKeeper {@code exists} for lock and one for unlock, same ZooKeeper. */
    ZK_EXISTS_FLOOR("floor: ZooKeeper exists", Family.ZOOKEEPER, null, true);

    /** Which servers a contender runs against. */
    public enum Family {
        /** The single Redis server. */
        REDIS,
        /** The three independent Redis nodes. */
        REDLOCK,
        /** The ZooKeeper server. */
        ZOOKEEPER,
        /** No server. */
        MEMORY
    }

    private final String label;
    private final Family family;
    private final String scheme;
    private final boolean floor;

    Contender(String label, Family family, String scheme, boolean floor) {
        this.label = label;
        this.family = family;
        this.scheme = scheme;
        this.floor = floor;
    }

    /**
     * Returns the name shown in the report.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * Returns the name shown in the report for this contender in scenario {@code s}: the label,
     * except for the anchors in the coordination scenarios, where it names the recipe measured
     * (Redisson {@code RReadWriteLock} / {@code RPermitExpirableSemaphore}, Curator
     * {@code InterProcessReadWriteLock} / {@code InterProcessSemaphoreV2} / {@code LeaderLatch}).
     *
     * @param s the scenario
     * @return the label
     * @throws IllegalArgumentException if {@code s} is null
     */
    public String label(Scenario s) {
        if (s == null) {
            throw new IllegalArgumentException("scenario must not be null");
        }
        return switch (this) {
            case REDISSON -> switch (s.kind()) {
                case READ_WRITE -> "Redisson RReadWriteLock";
                case SEMAPHORE -> "Redisson RPermitExpirableSemaphore";
                default -> label;
            };
            case CURATOR -> switch (s.kind()) {
                case READ_WRITE -> "Curator InterProcessReadWriteLock";
                case SEMAPHORE -> "Curator InterProcessSemaphoreV2";
                case ELECTION -> "Curator LeaderLatch";
                default -> label;
            };
            default -> label;
        };
    }

    /**
     * Returns the servers this contender uses.
     *
     * @return the family
     */
    public Family family() {
        return family;
    }

    /**
     * Returns the distlock URI scheme, or null for contenders that are not distlock.
     *
     * @return the scheme, for example {@code "redis"}, or null
     */
    public String scheme() {
        return scheme;
    }

    /**
     * Returns whether this is distlock (as opposed to an anchor or a floor).
     *
     * @return true for the four distlock contenders
     */
    public boolean isDistlock() {
        return scheme != null;
    }

    /**
     * Returns whether this is a floor (a round trip, not a lock).
     *
     * @return true for the floors
     */
    public boolean isFloor() {
        return floor;
    }

    /**
     * Returns the library this contender is compared with in the ratio columns: Redisson
     * {@code RLock} for the single-Redis family, {@code RedissonRedLock} for Redlock, Curator for
     * ZooKeeper; null for memory (nothing comparable).
     *
     * @return the anchor, possibly this contender itself, or null
     */
    public Contender anchor() {
        return switch (family) {
            case REDIS -> REDISSON;
            case REDLOCK -> REDISSON_REDLOCK;
            case ZOOKEEPER -> CURATOR;
            case MEMORY -> null;
        };
    }
}

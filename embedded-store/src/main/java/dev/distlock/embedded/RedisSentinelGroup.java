package dev.distlock.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.BooleanSupplier;

/**
 * A Redis Sentinel setup of real {@code redis-server} processes on free 127.0.0.1 ports: one
 * master, one replica and three sentinels monitoring the master under one name with quorum 2.
 *
 * <pre>{@code
 * try (RedisSentinelGroup g = RedisSentinelGroup.builder().build().start()) {
 *     LockClient c = LockClients.connect(g.uri());   // redis-sentinel://127.0.0.1:p1,…/mymaster
 *     g.master().kill();                             // the sentinels promote the replica…
 *     g.awaitFailover(oldPort, Duration.ofSeconds(15));
 * }
 * }</pre>
 *
 * <h2>Design</h2>
 * Start order matters for speed: the master and the replica start first (with diskless sync
 * and no delay) and {@link #start()} waits until the replica's link is up; then the sentinels
 * start, so their first {@code INFO} of the master already lists the replica, and
 * {@link #start()} returns once every sentinel knows the master, the replica and both other
 * sentinels (hello messages come every 2 s; that is most of the start time). Sentinels detect a
 * dead master after {@link Builder#downAfter(Duration) down-after} (1 s by default) and then fail
 * over. Every process lives in its own temporary directory and is killed by {@link #close()}
 * (and by the JVM shutdown hook of {@link RedisProcess}).
 *
 * <p>Thread-safe: lifecycle methods are serialised on this instance.
 */
public final class RedisSentinelGroup implements AutoCloseable {
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    private final Builder config;
    private final RedisProcess master;
    private final RedisProcess replica;
    private final List<RedisProcess> sentinels = new ArrayList<>();
    private boolean closed;

    private RedisSentinelGroup(Builder config) {
        this.config = config;
        this.master = dataNode().build();
        this.replica = dataNode().config("replicaof", "127.0.0.1", Integer.toString(master.port())).build();
        String monitor = "sentinel monitor " + config.masterName + " 127.0.0.1 " + master.port() + " 2\n"
                + "sentinel down-after-milliseconds " + config.masterName + " " + config.downAfter.toMillis() + "\n"
                + "sentinel failover-timeout " + config.masterName + " " + config.failoverTimeout.toMillis() + "\n"
                + "sentinel parallel-syncs " + config.masterName + " 1\n";
        for (int i = 0; i < 3; i++) {
            sentinels.add(RedisProcess.builder().sentinel(monitor).build());
        }
    }

    private static RedisProcess.Builder dataNode() {
        // diskless sync without the default 5 s delay: the replica is in sync at once
        return RedisProcess.builder().config("repl-diskless-sync", "yes").config("repl-diskless-sync-delay", "0");
    }

    /**
     * Returns a builder with the defaults: master name {@code mymaster}, down-after 1 s,
     * failover timeout 5 s.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the master, the replica and the sentinels, and returns once the replica is in sync
     * and every sentinel knows the master, the replica and the two other sentinels.
     *
     * @return this group
     * @throws IllegalStateException if closed, if redis-server is absent, or if the group did
     *                               not settle within 30 s (everything started is stopped again)
     */
    public synchronized RedisSentinelGroup start() {
        if (closed) {
            throw new IllegalStateException("RedisSentinelGroup is closed");
        }
        try {
            master.start();
            replica.start();
            await(() -> "up".equals(replicationField(replica, "master_link_status")), "the replica did not sync");
            for (RedisProcess s : sentinels) {
                s.start();
            }
            await(this::sentinelsSettled, "the sentinels did not discover each other and the replica");
            return this;
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private boolean sentinelsSettled() {
        for (RedisProcess s : sentinels) {
            List<String> m = sentinelMaster(s);
            if (m == null || !"2".equals(field(m, "num-other-sentinels")) || !"1".equals(field(m, "num-slaves"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The name the sentinels monitor the master under.
     *
     * @return the master name
     */
    public String masterName() {
        return config.masterName;
    }

    /**
     * The process that was master at start (it may have been failed over since; see
     * {@link #currentMaster()}).
     *
     * @return the first master
     */
    public RedisProcess master() {
        return master;
    }

    /**
     * The process that was the replica at start.
     *
     * @return the first replica
     */
    public RedisProcess replica() {
        return replica;
    }

    /**
     * The three sentinels.
     *
     * @return an unmodifiable list
     */
    public List<RedisProcess> sentinels() {
        return List.copyOf(sentinels);
    }

    /**
     * The URI for distlock: {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/mymaster}.
     *
     * @return the URI
     */
    public String uri() {
        StringJoiner j = new StringJoiner(",", "redis-sentinel://", "/" + config.masterName);
        for (RedisProcess s : sentinels) {
            j.add("127.0.0.1:" + s.port());
        }
        return j.toString();
    }

    /**
     * Asks the running sentinels which port the master has now (the first that answers wins).
     *
     * @return the master's port on 127.0.0.1
     * @throws IllegalStateException if no sentinel answers
     */
    public int currentMasterPort() {
        for (RedisProcess s : sentinels) {
            if (!s.isRunning() || s.isPaused()) {
                continue;
            }
            try {
                Object r = s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", config.masterName);
                if (r instanceof List<?> l && l.size() == 2) {
                    return Integer.parseInt(String.valueOf(l.get(1)));
                }
            } catch (RuntimeException ignored) {
                // try the next sentinel
            }
        }
        throw new IllegalStateException("no sentinel of " + this + " knows the master");
    }

    /**
     * The process that the sentinels consider master now.
     *
     * @return the master or the replica process
     * @throws IllegalStateException if no sentinel answers
     */
    public RedisProcess currentMaster() {
        int port = currentMasterPort();
        return port == master.port() ? master : replica;
    }

    /**
     * Waits until the sentinels report a master other than the one on {@code oldMasterPort}
     * and that process answers as a master ({@code role:master}).
     *
     * @param oldMasterPort the port of the master that is expected to be replaced
     * @param timeout       the longest wait, positive
     * @return the port of the new master
     * @throws IllegalArgumentException if timeout is null or not positive
     * @throws IllegalStateException    if no failover finished in time
     */
    public int awaitFailover(int oldMasterPort, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        int[] found = new int[1];
        awaitFor(timeout, () -> {
            int p;
            try {
                p = currentMasterPort();
            } catch (RuntimeException e) {
                return false;
            }
            RedisProcess candidate = p == master.port() ? master : replica;
            found[0] = p;
            return p != oldMasterPort && candidate.isRunning()
                    && "master".equals(replicationField(candidate, "role"));
        }, "no failover away from port " + oldMasterPort);
        return found[0];
    }

    /**
     * Asks a sentinel for a manual failover ({@code SENTINEL FAILOVER}) and waits until the
     * replica is the master.
     *
     * @return the port of the new master
     * @throws IllegalStateException if the sentinels refused or did not finish within 30 s
     */
    public int failover() {
        int old = currentMasterPort();
        sentinels.stream().filter(RedisProcess::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no sentinel runs"))
                .call("SENTINEL", "FAILOVER", config.masterName);
        return awaitFailover(old, START_WAIT);
    }

    /** Kills every process and deletes their directories. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly();
    }

    private void closeQuietly() {
        for (RedisProcess s : sentinels) {
            s.close();
        }
        replica.close();
        master.close();
    }

    @Override
    public String toString() {
        return "RedisSentinelGroup[" + config.masterName + " master 127.0.0.1:" + master.port() + ", " + uri() + "]";
    }

    static String replicationField(RedisProcess node, String key) {
        try {
            Object info = node.call("INFO", "replication");
            return info == null ? null : RedisProcessClient.infoField(info.toString(), key);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private List<String> sentinelMaster(RedisProcess sentinel) {
        try {
            Object r = sentinel.call("SENTINEL", "MASTER", config.masterName);
            if (r instanceof List<?> l) {
                List<String> s = new ArrayList<>(l.size());
                l.forEach(o -> s.add(String.valueOf(o)));
                return s;
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String field(List<String> flat, String name) {
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (flat.get(i).equals(name)) {
                return flat.get(i + 1);
            }
        }
        return null;
    }

    private static void await(BooleanSupplier condition, String failure) {
        awaitFor(START_WAIT, condition, failure);
    }

    static void awaitFor(Duration timeout, BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(failure + " within " + timeout.toMillis() + " ms");
            }
            RedisProcess.sleepQuietly(20);
        }
    }

    /**
     * Settings of a {@link RedisSentinelGroup}; every setter checks its argument.
     *
     * <p>Not thread-safe; build on one thread.
     */
    public static final class Builder {
        String masterName = "mymaster";
        Duration downAfter = Duration.ofSeconds(1);
        Duration failoverTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /**
         * The name the master is monitored under (default {@code mymaster}).
         *
         * @param name letters, digits, '-', '_' or '.'
         * @return this builder
         * @throws IllegalArgumentException if name is null, empty or has other characters
         */
        public Builder masterName(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("name must be letters, digits, '.', '_' or '-', was '" + name + "'");
            }
            this.masterName = name;
            return this;
        }

        /**
         * How long the master must be unreachable before the sentinels call it down (default 1 s).
         *
         * @param downAfter 100 ms to 1 min
         * @return this builder
         * @throws IllegalArgumentException if downAfter is null or outside 100 ms..1 min
         */
        public Builder downAfter(Duration downAfter) {
            this.downAfter = inRange(downAfter, "downAfter");
            return this;
        }

        /**
         * Sentinel's failover timeout (default 5 s).
         *
         * @param failoverTimeout 100 ms to 1 min
         * @return this builder
         * @throws IllegalArgumentException if failoverTimeout is null or outside 100 ms..1 min
         */
        public Builder failoverTimeout(Duration failoverTimeout) {
            this.failoverTimeout = inRange(failoverTimeout, "failoverTimeout");
            return this;
        }

        /**
         * Creates the (not yet started) group; chooses its free ports now.
         *
         * @return a new group; call {@link RedisSentinelGroup#start()}
         */
        public RedisSentinelGroup build() {
            Builder b = new Builder();
            b.masterName = masterName;
            b.downAfter = downAfter;
            b.failoverTimeout = failoverTimeout;
            return new RedisSentinelGroup(b);
        }

        private static Duration inRange(Duration d, String name) {
            if (d == null || d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(name + " must be between 100 ms and 1 min, was " + d);
            }
            return d;
        }
    }
}

package dev.distlock.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of real {@code redis-server} processes on free 127.0.0.1 ports: three masters
 * by default (optionally with replicas), all 16384 slots assigned.
 *
 * <pre>{@code
 * try (RedisClusterGroup cluster = RedisClusterGroup.builder().build().start()) {
 *     LockClient c = LockClients.connect(cluster.uri());   // redis-cluster://127.0.0.1:p1,…
 * }
 * }</pre>
 *
 * <h2>Design</h2>
 * Each node runs with {@code --cluster-enabled yes}, a {@code nodes.conf} in its own directory,
 * and an explicit cluster bus port (also free, so nothing depends on port + 10000 being free).
 * {@link #start()} runs {@code redis-cli --cluster create … --cluster-yes} and returns once every
 * node reports {@code cluster_state:ok}. Every process is killed by {@link #close()} (and by the
 * JVM shutdown hook of {@link RedisProcess}).
 *
 * <p>Thread-safe: lifecycle methods are serialised on this instance.
 */
public final class RedisClusterGroup implements AutoCloseable {
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    private final Builder config;
    private final List<RedisProcess> nodes = new ArrayList<>();
    private boolean created;
    private boolean closed;

    private RedisClusterGroup(Builder config) {
        this.config = config;
        int count = config.masters * (1 + config.replicasPerMaster);
        int[] ports = LoopbackPorts.free(2 * count); // client and bus ports, all distinct
        for (int i = 0; i < count; i++) {
            nodes.add(RedisProcess.builder()
                    .port(ports[i])
                    .config("cluster-enabled", "yes")
                    .config("cluster-config-file", "nodes.conf")
                    .config("cluster-port", Integer.toString(ports[count + i]))
                    .config("cluster-node-timeout", Long.toString(config.nodeTimeout.toMillis()))
                    .config("repl-diskless-sync", "yes")
                    .config("repl-diskless-sync-delay", "0")
                    .build());
        }
    }

    /**
     * Returns a builder with the defaults: three masters, no replicas, node timeout 2 s.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts every node, creates the cluster (the first time) and returns once every node says
     * {@code cluster_state:ok}.
     *
     * @return this cluster
     * @throws IllegalStateException if closed, if redis-server or redis-cli is absent, or the
     *                               cluster did not form within 30 s (everything is stopped again)
     */
    public synchronized RedisClusterGroup start() {
        if (closed) {
            throw new IllegalStateException("RedisClusterGroup is closed");
        }
        try {
            for (RedisProcess n : nodes) {
                n.start();
            }
            if (!created) {
                create();
                created = true;
            }
            RedisSentinelGroup.awaitFor(START_WAIT, this::allOk, "the cluster did not reach cluster_state:ok");
            return this;
        } catch (RuntimeException e) {
            for (RedisProcess n : nodes) {
                n.close();
            }
            closed = true;
            throw e;
        }
    }

    private void create() {
        Path cli = RedisProcess.findBinary("redis-cli")
                .orElseThrow(() -> new IllegalStateException("redis-cli is not installed (not on PATH, not in /usr/bin)"));
        List<String> cmd = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
        for (RedisProcess n : nodes) {
            cmd.add("127.0.0.1:" + n.port());
        }
        cmd.add("--cluster-replicas");
        cmd.add(Integer.toString(config.replicasPerMaster));
        cmd.add("--cluster-yes");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-cli: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
    }

    private boolean allOk() {
        for (RedisProcess n : nodes) {
            try {
                Object info = n.call("CLUSTER", "INFO");
                if (info == null || !"ok".equals(RedisProcessClient.infoField(info.toString(), "cluster_state"))
                        || !"16384".equals(RedisProcessClient.infoField(info.toString(), "cluster_slots_ok"))) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every node, masters first (as given to {@code redis-cli --cluster create}).
     *
     * @return an unmodifiable list
     */
    public List<RedisProcess> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * The URI for distlock: {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,…} (every node).
     *
     * @return the URI
     */
    public String uri() {
        StringJoiner j = new StringJoiner(",", "redis-cluster://", "");
        for (RedisProcess n : nodes) {
            j.add("127.0.0.1:" + n.port());
        }
        return j.toString();
    }

    /**
     * The {@code host:port} of every node, for clients that take a seed list.
     *
     * @return an unmodifiable list
     */
    public List<String> addresses() {
        List<String> a = new ArrayList<>();
        for (RedisProcess n : nodes) {
            a.add("127.0.0.1:" + n.port());
        }
        return List.copyOf(a);
    }

    /** Kills every node and deletes their directories. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RedisProcess n : nodes) {
            n.close();
        }
    }

    @Override
    public String toString() {
        return "RedisClusterGroup[" + uri() + "]";
    }

    /**
     * Settings of a {@link RedisClusterGroup}; every setter checks its argument.
     *
     * <p>Not thread-safe; build on one thread.
     */
    public static final class Builder {
        int masters = 3;
        int replicasPerMaster;
        Duration nodeTimeout = Duration.ofSeconds(2);

        private Builder() {
        }

        /**
         * The number of masters (default 3, the least Redis accepts).
         *
         * @param masters 3 to 9
         * @return this builder
         * @throws IllegalArgumentException if masters is outside 3..9
         */
        public Builder masters(int masters) {
            if (masters < 3 || masters > 9) {
                throw new IllegalArgumentException("masters must be between 3 and 9, was " + masters);
            }
            this.masters = masters;
            return this;
        }

        /**
         * Replicas per master (default 0).
         *
         * @param replicas 0 to 2
         * @return this builder
         * @throws IllegalArgumentException if replicas is outside 0..2
         */
        public Builder replicasPerMaster(int replicas) {
            if (replicas < 0 || replicas > 2) {
                throw new IllegalArgumentException("replicas must be between 0 and 2, was " + replicas);
            }
            this.replicasPerMaster = replicas;
            return this;
        }

        /**
         * {@code cluster-node-timeout} (default 2 s): how soon a silent node is failed.
         *
         * @param timeout 100 ms to 1 min
         * @return this builder
         * @throws IllegalArgumentException if timeout is null or outside 100 ms..1 min
         */
        public Builder nodeTimeout(Duration timeout) {
            if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0
                    || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("timeout must be between 100 ms and 1 min, was " + timeout);
            }
            this.nodeTimeout = timeout;
            return this;
        }

        /**
         * Creates the (not yet started) cluster; chooses its free ports now.
         *
         * @return a new cluster; call {@link RedisClusterGroup#start()}
         */
        public RedisClusterGroup build() {
            Builder b = new Builder();
            b.masters = masters;
            b.replicasPerMaster = replicasPerMaster;
            b.nodeTimeout = nodeTimeout;
            return new RedisClusterGroup(b);
        }
    }
}

package dev.distlock.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.management.JMException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.jmx.MBeanRegistry;
import org.apache.zookeeper.jmx.ZKMBeanInfo;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real ZooKeeper 3.9 server, or an ensemble of them, running inside this JVM on free
 * 127.0.0.1 ports, for tests.
 *
 * <pre>{@code
 * try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.ensemble(3).start()) {
 *     CuratorFramework c = CuratorFrameworkFactory.newClient(zk.connectString(), retry);
 *     …
 *     zk.kill(zk.leader());                          // a new leader is elected by the other two
 *     zk.expireSession(c.getZookeeperClient().getZooKeeper().getSessionId());
 * }
 * }</pre>
 *
 * <h2>Design</h2>
 * Each member is ZooKeeper's own server: a standalone {@code ZooKeeperServer} with an NIO
 * connection factory, or a {@code QuorumPeer} started through {@code QuorumPeerMain} for an
 * ensemble. What it stores: a data directory per member (snapshots and transaction log) under
 * one temporary directory, deleted by {@link #close()}. Ports are chosen once, when the
 * instance is built, and never change, so {@link #stop()}/{@link #restart()} and
 * {@link #kill(int)}/{@link #restart(int)} bring a member back on the same port with its data
 * and its open sessions (a client reconnects and keeps its session if it comes back within the
 * session timeout). Failures: {@link #kill(int)} drops the member's client connections and stops
 * it, as a crash would; the rest of an ensemble elects a new leader if it still has a majority.
 * {@link #expireSession(long)} expires a session <em>on the server</em> (the leader submits the
 * session close, ephemeral nodes go, the client is disconnected and told "expired" when it
 * reconnects) — unlike Curator's {@code KillSession}, which only fakes expiry in the client.
 *
 * <p>Process-wide settings (ZooKeeper reads them as system properties, so they apply to every
 * ZooKeeper server in this JVM): container nodes are checked every
 * {@link Builder#containerCheckInterval(Duration) 100 ms} by default so empty container
 * parents disappear quickly; TTL nodes are enabled ({@code zookeeper.extendedTypesEnabled});
 * fsync is off ({@code zookeeper.forceSync=no}) unless {@link Builder#fsync(boolean)} asks for
 * it; ZooKeeper's JMX beans and admin server are disabled.
 *
 * <p>Thread-safe: the lifecycle methods are serialised on this instance.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final Builder config;
    private final Path root;
    private final boolean ownsRoot;
    private final List<EmbeddedZooKeeperNode> nodes;
    private boolean started;
    private boolean everStarted;
    private boolean closed;

    private EmbeddedZooKeeper(Builder config) {
        this.config = config;
        try {
            if (config.dataDirectory == null) {
                this.root = Files.createTempDirectory("embedded-zk-");
                this.ownsRoot = true;
            } else {
                this.root = Files.createDirectories(config.dataDirectory);
                this.ownsRoot = false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the ZooKeeper data directory", e);
        }
        this.nodes = createNodes();
    }

    /**
     * Returns a not yet started single server with default settings; call {@link #start()}.
     *
     * @return a new, stopped instance
     */
    public static EmbeddedZooKeeper standalone() {
        return builder().build();
    }

    /**
     * Returns a not yet started ensemble of {@code size} servers with default settings; call
     * {@link #start()}.
     *
     * @param size the number of members, 1 to 9 (3 or 5 make sense for failover tests; 1 is a
     *             standalone server)
     * @return a new, stopped instance
     * @throws IllegalArgumentException if size is outside 1..9
     */
    public static EmbeddedZooKeeper ensemble(int size) {
        return builder().ensemble(size).build();
    }

    /**
     * Returns a builder with the defaults: one member, tick 250 ms, session timeouts 500 ms to
     * 60 s, container check every 100 ms, no fsync, a temporary data directory.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private List<EmbeddedZooKeeperNode> createNodes() {
        int size = config.size;
        List<EmbeddedZooKeeperNode> list = new ArrayList<>(size);
        if (size == 1) {
            list.add(new EmbeddedZooKeeperStandaloneNode(config, LoopbackPorts.free(), root.resolve("server-0")));
            return List.copyOf(list);
        }
        int[] ports = LoopbackPorts.free(size * 3);
        Properties common = new Properties();
        common.setProperty("tickTime", Integer.toString(config.tickMillis()));
        common.setProperty("initLimit", "40");
        common.setProperty("syncLimit", "10");
        common.setProperty("minSessionTimeout", Integer.toString(config.minSessionMillis()));
        common.setProperty("maxSessionTimeout", Integer.toString(config.maxSessionMillis()));
        common.setProperty("maxClientCnxns", "0");
        common.setProperty("reconfigEnabled", "false");
        common.setProperty("standaloneEnabled", "false");
        common.setProperty("4lw.commands.whitelist", "*");
        String host = LoopbackPorts.loopback().getHostAddress();
        for (int i = 0; i < size; i++) {
            common.setProperty("server." + (i + 1),
                    host + ":" + ports[size + 2 * i] + ":" + ports[size + 2 * i + 1] + ":participant");
        }
        for (int i = 0; i < size; i++) {
            list.add(new EmbeddedZooKeeperQuorumNode(i, ports[i], root.resolve("server-" + i), common));
        }
        return List.copyOf(list);
    }

    /**
     * Starts every member and returns once the server (or a quorum of the ensemble with an
     * elected leader, and every member) serves requests. Calling it on a started instance does
     * nothing.
     *
     * @return this instance
     * @throws IllegalStateException if the instance is closed, or if the servers did not come up
     *                               within 30 s (a port taken meanwhile, a broken data directory);
     *                               a first start that fails also closes the instance
     */
    public synchronized EmbeddedZooKeeper start() {
        requireOpen();
        if (started) {
            return this;
        }
        applyProcessSettings();
        try {
            for (EmbeddedZooKeeperNode node : nodes) {
                startNode(node);
            }
            started = true;
            awaitCondition(() -> nodes.stream().allMatch(EmbeddedZooKeeperNode::serving),
                    "ZooKeeper " + describe() + " did not serve requests");
        } catch (RuntimeException e) {
            if (!everStarted) {
                close(); // nobody holds a reference after a failed `EmbeddedZooKeeper.standalone().start()`
            }
            throw e;
        }
        everStarted = true;
        return this;
    }

    /**
     * The connection string of every member, {@code 127.0.0.1:p1,127.0.0.1:p2,…}, usable with
     * the ZooKeeper client and Curator. Valid before {@link #start()} and across restarts.
     *
     * @return the connection string
     */
    public String connectString() {
        StringJoiner j = new StringJoiner(",");
        for (EmbeddedZooKeeperNode n : nodes) {
            j.add(LoopbackPorts.loopback().getHostAddress() + ":" + n.clientPort);
        }
        return j.toString();
    }

    /**
     * The connection string of one member only.
     *
     * @param member the member index, 0 to {@code size() - 1}
     * @return {@code 127.0.0.1:port}
     * @throws IllegalArgumentException if member is out of range
     */
    public String connectString(int member) {
        return LoopbackPorts.loopback().getHostAddress() + ":" + node(member).clientPort;
    }

    /**
     * The client port of one member.
     *
     * @param member the member index, 0 to {@code size() - 1}
     * @return the port on 127.0.0.1
     * @throws IllegalArgumentException if member is out of range
     */
    public int port(int member) {
        return node(member).clientPort;
    }

    /**
     * The number of members (1 for a standalone server).
     *
     * @return the size
     */
    public int size() {
        return nodes.size();
    }

    /**
     * Whether a member is running (started and not stopped or killed). A running ensemble member
     * may still not serve requests while it has no quorum.
     *
     * @param member the member index, 0 to {@code size() - 1}
     * @return true if running
     * @throws IllegalArgumentException if member is out of range
     */
    public synchronized boolean isRunning(int member) {
        return node(member).running();
    }

    /**
     * Stops every member, keeping ports and data. Sessions stay open on disk: a client that
     * reconnects after {@link #restart()} within its session timeout keeps its session.
     * Does nothing when already stopped.
     *
     * @throws IllegalStateException if the instance is closed
     */
    public synchronized void stop() {
        requireOpen();
        for (EmbeddedZooKeeperNode node : nodes) {
            node.shutdown(false);
        }
        started = false;
    }

    /**
     * Stops every running member (if any) and starts all of them again on the same ports with
     * the same data; returns once they serve requests.
     *
     * @throws IllegalStateException if the instance is closed or did not come back within 30 s
     */
    public synchronized void restart() {
        requireOpen();
        stop();
        start();
    }

    /**
     * Crashes one member: its client connections are dropped and it stops. Its data and port
     * are kept for {@link #restart(int)}. On an ensemble the others elect a new leader when they
     * still have a majority; a standalone server simply goes away. Killing a stopped member does
     * nothing.
     *
     * @param member the member index, 0 to {@code size() - 1}
     * @throws IllegalArgumentException if member is out of range
     * @throws IllegalStateException    if the instance is closed
     */
    public synchronized void kill(int member) {
        EmbeddedZooKeeperNode node = node(member);
        requireOpen();
        node.shutdown(true);
    }

    /**
     * Starts one member again (stopping it first if it runs) on its port with its data, and
     * returns once it serves requests — or, when too few members run to form a quorum, once it
     * listens.
     *
     * @param member the member index, 0 to {@code size() - 1}
     * @throws IllegalArgumentException if member is out of range
     * @throws IllegalStateException    if the instance is closed or was never started, or the
     *                                  member did not come back within 30 s
     */
    public synchronized void restart(int member) {
        EmbeddedZooKeeperNode node = node(member);
        requireOpen();
        if (!started) {
            throw new IllegalStateException("restart(member) needs a started ZooKeeper; call start() first");
        }
        node.shutdown(false);
        startNode(node);
        if (hasQuorum()) {
            awaitCondition(node::serving, "ZooKeeper member " + member + " did not rejoin");
        }
    }

    /**
     * The index of the member that currently leads the ensemble (0 for a standalone server),
     * waiting up to 30 s for an election in progress to finish.
     *
     * @return the leader's member index
     * @throws IllegalStateException if the instance is closed or not started, or no leader was
     *                               elected within 30 s (for example, no majority runs)
     */
    public int leader() {
        return leader(DEFAULT_WAIT);
    }

    /**
     * The index of the member that currently leads the ensemble, waiting up to {@code timeout}
     * for an election in progress to finish.
     *
     * @param timeout the longest wait, not negative
     * @return the leader's member index
     * @throws IllegalArgumentException if timeout is null or negative
     * @throws IllegalStateException    if the instance is closed or not started, or no leader
     *                                  was elected in time
     */
    public int leader(Duration timeout) {
        requireWait(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                requireOpen();
                if (!started) {
                    throw new IllegalStateException("ZooKeeper is not started");
                }
                for (EmbeddedZooKeeperNode n : nodes) {
                    if (n.leading()) {
                        return n.index;
                    }
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no ZooKeeper leader within " + timeout.toMillis() + " ms");
            }
            pause();
        }
    }

    /**
     * Expires a client session on the server side, as if its timeout had passed: the leader
     * closes the session (its ephemeral nodes are deleted in the same transaction), the server
     * drops the client's connection, and the client is told {@code Expired} when it reconnects.
     * Returns once the session is gone from the leader.
     *
     * @param sessionId the session id ({@code ZooKeeper.getSessionId()})
     * @throws IllegalArgumentException if no open session has this id
     * @throws IllegalStateException    if the instance is closed or has no serving leader
     *                                  within 30 s, or the session was not gone within 30 s
     */
    public void expireSession(long sessionId) {
        int leader = leader();
        ZooKeeperServer server;
        synchronized (this) {
            server = nodes.get(leader).activeServer();
        }
        if (server == null || !server.getZKDatabase().getSessions().contains(sessionId)) {
            throw new IllegalArgumentException(
                    "sessionId 0x" + Long.toHexString(sessionId) + " is not an open session of this ZooKeeper");
        }
        server.expire(sessionId);
        awaitCondition(() -> !server.isRunning() || !server.getZKDatabase().getSessions().contains(sessionId),
                "session 0x" + Long.toHexString(sessionId) + " did not expire");
    }

    /**
     * Expires the session of a ZooKeeper client on the server side; see
     * {@link #expireSession(long)}.
     *
     * @param client a connected client of this ZooKeeper
     * @throws IllegalArgumentException if client is null or its session is not open here
     * @throws IllegalStateException    as for {@link #expireSession(long)}
     */
    public void expireSession(ZooKeeper client) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        expireSession(client.getSessionId());
    }

    /**
     * The number of open sessions, as the leader knows them (0 while no member serves).
     *
     * @return the session count
     */
    public synchronized long sessionCount() {
        for (EmbeddedZooKeeperNode n : nodes) {
            if (n.leading()) {
                return n.activeServer().getZKDatabase().getSessionCount();
            }
        }
        return 0;
    }

    /**
     * The directory that holds every member's data ({@code server-<index>} below it).
     *
     * @return the directory
     */
    public Path dataDirectory() {
        return root;
    }

    /**
     * Stops every member and deletes the data directory if this instance created it.
     * Idempotent; never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (EmbeddedZooKeeperNode node : nodes) {
            try {
                node.shutdown(true);
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        if (ownsRoot) {
            deleteTree(root);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedZooKeeper" + describe();
    }

    private String describe() {
        return "[" + (nodes.size() == 1 ? "standalone" : "ensemble of " + nodes.size()) + " " + connectString() + "]";
    }

    private void startNode(EmbeddedZooKeeperNode node) {
        try {
            node.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting ZooKeeper member " + node.index, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start ZooKeeper member " + node.index + " on port "
                    + node.clientPort + ": " + e, e);
        }
    }

    private boolean hasQuorum() {
        long running = nodes.stream().filter(EmbeddedZooKeeperNode::running).count();
        return running * 2 > nodes.size();
    }

    private EmbeddedZooKeeperNode node(int member) {
        if (member < 0 || member >= nodes.size()) {
            throw new IllegalArgumentException("member must be between 0 and " + (nodes.size() - 1) + ", was " + member);
        }
        return nodes.get(member);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("EmbeddedZooKeeper is closed");
        }
    }

    private void applyProcessSettings() {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.jmx.log4j.disable", "true");
        System.setProperty("znode.container.checkIntervalMs", Long.toString(config.containerCheckInterval.toMillis()));
        if (config.ttlNodes) {
            System.setProperty("zookeeper.extendedTypesEnabled", "true");
        }
        System.setProperty("zookeeper.forceSync", config.fsync ? "yes" : "no");
        NoJmx.install();
    }

    private static void awaitCondition(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(failure + " within " + DEFAULT_WAIT.toSeconds() + " s");
            }
            pause();
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for ZooKeeper", e);
        }
    }

    private static void requireWait(Duration d, String name) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, was " + d);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp directory left behind is harmless
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // as above
        }
    }

    /** Replaces ZooKeeper's MBean registry by one that registers nothing (many servers per JVM). */
    private static final class NoJmx extends MBeanRegistry {
        private static volatile boolean installed;

        static synchronized void install() {
            if (!installed) {
                MBeanRegistry.setInstance(new NoJmx());
                installed = true;
            }
        }

        @Override
        public void register(ZKMBeanInfo bean, ZKMBeanInfo parent) throws JMException {
            // nothing: names of peers restarted in one JVM would clash
        }

        @Override
        public void unregister(ZKMBeanInfo bean) {
            // nothing was registered
        }
    }

    /**
     * Settings of an {@link EmbeddedZooKeeper}; every setter checks its argument.
     *
     * <p>Not thread-safe; build on one thread.
     */
    public static final class Builder {
        int size = 1;
        Duration tickTime = Duration.ofMillis(250);
        Duration minSessionTimeout = Duration.ofMillis(500);
        Duration maxSessionTimeout = Duration.ofSeconds(60);
        Duration containerCheckInterval = Duration.ofMillis(100);
        boolean ttlNodes = true;
        boolean fsync;
        Path dataDirectory;

        private Builder() {
        }

        /**
         * The number of members: 1 is a standalone server; 3 or 5 are usual ensembles.
         *
         * @param size 1 to 9
         * @return this builder
         * @throws IllegalArgumentException if size is outside 1..9
         */
        public Builder ensemble(int size) {
            if (size < 1 || size > 9) {
                throw new IllegalArgumentException("size must be between 1 and 9, was " + size);
            }
            this.size = size;
            return this;
        }

        /**
         * ZooKeeper's tick: the unit of its heartbeats and session checks (default 250 ms).
         *
         * @param tickTime 10 ms to 10 s
         * @return this builder
         * @throws IllegalArgumentException if tickTime is null or outside 10 ms..10 s
         */
        public Builder tickTime(Duration tickTime) {
            this.tickTime = inRange(tickTime, "tickTime", Duration.ofMillis(10), Duration.ofSeconds(10));
            return this;
        }

        /**
         * The session timeouts the server grants: a client's requested timeout is clamped into
         * this range (default 500 ms to 60 s).
         *
         * @param min the smallest, at least 2 ticks' worth is sensible; positive
         * @param max the largest, at least {@code min}, at most 1 hour
         * @return this builder
         * @throws IllegalArgumentException if either is null or not positive, or max &lt; min,
         *                                  or max &gt; 1 hour
         */
        public Builder sessionTimeouts(Duration min, Duration max) {
            inRange(min, "min", Duration.ofMillis(1), Duration.ofHours(1));
            inRange(max, "max", Duration.ofMillis(1), Duration.ofHours(1));
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("max must be at least min, was max " + max + " < min " + min);
            }
            this.minSessionTimeout = min;
            this.maxSessionTimeout = max;
            return this;
        }

        /**
         * How often empty container nodes (and expired TTL nodes) are deleted (default 100 ms;
         * real ZooKeeper's default is 1 min). Applies to the whole JVM.
         *
         * @param interval 10 ms to 10 min
         * @return this builder
         * @throws IllegalArgumentException if interval is null or outside 10 ms..10 min
         */
        public Builder containerCheckInterval(Duration interval) {
            this.containerCheckInterval = inRange(interval, "interval", Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /**
         * Whether TTL nodes may be created (default true; sets {@code zookeeper.extendedTypesEnabled}).
         *
         * @param enabled true to enable
         * @return this builder
         */
        public Builder ttlNodes(boolean enabled) {
            this.ttlNodes = enabled;
            return this;
        }

        /**
         * Whether the transaction log is fsynced on every write (default false: much faster,
         * and a test JVM crash loses nothing that matters). Applies to the whole JVM.
         *
         * @param enabled true to fsync
         * @return this builder
         */
        public Builder fsync(boolean enabled) {
            this.fsync = enabled;
            return this;
        }

        /**
         * Keeps the members' data below this directory instead of a temporary one; it is not
         * deleted on close.
         *
         * @param directory the directory (created if missing)
         * @return this builder
         * @throws IllegalArgumentException if directory is null
         */
        public Builder dataDirectory(Path directory) {
            if (directory == null) {
                throw new IllegalArgumentException("directory must not be null");
            }
            this.dataDirectory = directory;
            return this;
        }

        /**
         * Creates the (not yet started) instance; chooses its free ports now.
         *
         * @return a new instance; call {@link EmbeddedZooKeeper#start()}
         * @throws UncheckedIOException if the data directory cannot be created
         */
        public EmbeddedZooKeeper build() {
            return new EmbeddedZooKeeper(copy());
        }

        private Builder copy() {
            Builder b = new Builder();
            b.size = size;
            b.tickTime = tickTime;
            b.minSessionTimeout = minSessionTimeout;
            b.maxSessionTimeout = maxSessionTimeout;
            b.containerCheckInterval = containerCheckInterval;
            b.ttlNodes = ttlNodes;
            b.fsync = fsync;
            b.dataDirectory = dataDirectory;
            return b;
        }

        int tickMillis() {
            return (int) tickTime.toMillis();
        }

        int minSessionMillis() {
            return (int) minSessionTimeout.toMillis();
        }

        int maxSessionMillis() {
            return (int) maxSessionTimeout.toMillis();
        }

        private static Duration inRange(Duration d, String name, Duration min, Duration max) {
            Objects.requireNonNull(name);
            if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min.toMillis() + " ms and "
                        + max.toMillis() + " ms, was " + d);
            }
            return d;
        }
    }
}

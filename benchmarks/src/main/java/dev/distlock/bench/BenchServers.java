package dev.distlock.bench;

import dev.distlock.bench.internal.Counters;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.embedded.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The servers one run measures against: one Redis (for distlock redis, Redisson and the PING
 * floor), three independent Redis nodes (for both Redlocks) and one ZooKeeper (for distlock
 * zookeeper, Curator and the exists floor). Servers given by URI are used as they are; the
 * others are started here: a real {@code redis-server} on a free loopback port when one is
 * installed (or {@link EmbeddedRedisServer} when asked for, or when no binary exists), and
 * {@link EmbeddedZooKeeper} inside this JVM. A family whose server cannot be had is
 * {@linkplain #unavailable(Contender.Family) unavailable}, with the reason, and its contenders
 * are skipped.
 *
 * <p>Design: what it stores is the started servers (closed by {@link #close()}) and their
 * URIs. Failures: a server that does not start makes only its family unavailable.
 *
 * <p>Thread-safe after {@link #start}: the getters only read.
 */
public final class BenchServers implements AutoCloseable {
    /** System property carrying the Redis URI into JMH forks. */
    public static final String REDIS_PROPERTY = "distlock.bench.redis";
    /** System property carrying the comma-separated Redlock node URIs into JMH forks. */
    public static final String REDLOCK_PROPERTY = "distlock.bench.redlock";
    /** System property carrying the ZooKeeper connect string into JMH forks. */
    public static final String ZK_PROPERTY = "distlock.bench.zk";

    /** How the runner gets a Redis server it was not given. */
    public enum RedisServerKind {
        /** A real redis-server when installed, else the embedded server. */
        AUTO,
        /** A real redis-server process; unavailable if not installed. */
        PROCESS,
        /** distlock's {@link EmbeddedRedisServer} in this JVM. */
        EMBEDDED
    }

    /**
     * Where the servers come from.
     *
     * @param redisUri    a Redis to use, or null to start one
     * @param redlockUris three or more Redis nodes to use, or an empty list to start three
     * @param zkConnect   a ZooKeeper {@code host:port[,host:port]} to use, or null to start one
     * @param redisKind   how to start Redis servers that were not given
     */
    public record Options(String redisUri, List<String> redlockUris, String zkConnect, RedisServerKind redisKind) {
        /**
         * Checks the arguments.
         *
         * @throws IllegalArgumentException if redlockUris is null or has 1 or 2 entries, or
         *                                  redisKind is null
         */
        public Options {
            if (redlockUris == null || redisKind == null) {
                throw new IllegalArgumentException("redlockUris and redisKind must not be null");
            }
            if (!redlockUris.isEmpty() && redlockUris.size() < 3) {
                throw new IllegalArgumentException("redlockUris must name at least 3 nodes, was " + redlockUris);
            }
            redlockUris = List.copyOf(redlockUris);
        }

        /**
         * Returns the options JMH forks receive from the runner through system properties
         * ({@link #REDIS_PROPERTY}, {@link #REDLOCK_PROPERTY}, {@link #ZK_PROPERTY}); servers not
         * named there are started in the fork.
         *
         * @return the options
         */
        public static Options fromSystemProperties() {
            String redlock = System.getProperty(REDLOCK_PROPERTY, "");
            return new Options(System.getProperty(REDIS_PROPERTY), redlock.isBlank() ? List.of()
                    : List.of(redlock.split(",")), System.getProperty(ZK_PROPERTY), RedisServerKind.AUTO);
        }
    }

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Map<Contender.Family, String> unavailable = new EnumMap<>(Contender.Family.class);
    private final List<String> descriptions = new ArrayList<>();
    private final Map<Contender.Family, Boolean> ownProcess = new EnumMap<>(Contender.Family.class);
    private String redisUri;
    private final List<String> redlockUris = new ArrayList<>();
    private String zkConnect;

    private BenchServers() {
    }

    /**
     * Starts (or adopts) the servers of the given families.
     *
     * @param options  where servers come from
     * @param families which families are needed
     * @param progress where to say what is being started
     * @return the servers; close them
     * @throws IllegalArgumentException if an argument is null
     */
    public static BenchServers start(Options options, Set<Contender.Family> families, Consumer<String> progress) {
        if (options == null || families == null || progress == null) {
            throw new IllegalArgumentException("options, families and progress must not be null");
        }
        BenchServers s = new BenchServers();
        try {
            if (families.contains(Contender.Family.REDIS)) {
                s.startRedis(options, progress);
            }
            if (families.contains(Contender.Family.REDLOCK)) {
                s.startRedlock(options, progress);
            }
            if (families.contains(Contender.Family.ZOOKEEPER)) {
                s.startZooKeeper(options, progress);
            }
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
        for (Contender.Family f : Contender.Family.values()) {
            if (f != Contender.Family.MEMORY && !families.contains(f)) {
                s.unavailable.put(f, "not started (no contender of this family was selected)");
            }
        }
        return s;
    }

    private void startRedis(Options o, Consumer<String> progress) {
        if (o.redisUri() != null) {
            redisUri = o.redisUri();
            ownProcess.put(Contender.Family.REDIS, false);
            descriptions.add("Redis " + version(redisUri) + ", given: " + redact(redisUri));
            return;
        }
        try {
            Started r = startOneRedis(o.redisKind(), progress, "Redis");
            redisUri = r.uri;
            ownProcess.put(Contender.Family.REDIS, r.process);
            descriptions.add("Redis " + version(redisUri) + ", " + r.what + " on " + redisUri);
        } catch (RuntimeException e) {
            unavailable.put(Contender.Family.REDIS, "no Redis server: " + e.getMessage());
        }
    }

    private void startRedlock(Options o, Consumer<String> progress) {
        if (!o.redlockUris().isEmpty()) {
            redlockUris.addAll(o.redlockUris());
            ownProcess.put(Contender.Family.REDLOCK, false);
            descriptions.add("Redlock nodes, given: " + o.redlockUris().stream().map(BenchServers::redact).toList());
            return;
        }
        try {
            String what = null;
            boolean process = true;
            for (int i = 0; i < 3; i++) {
                Started r = startOneRedis(o.redisKind(), progress, "Redlock node " + (i + 1));
                redlockUris.add(r.uri);
                what = r.what;
                process &= r.process;
            }
            ownProcess.put(Contender.Family.REDLOCK, process);
            descriptions.add("Redlock: 3 × Redis " + version(redlockUris.get(0)) + ", " + what + " on "
                    + redlockUris);
        } catch (RuntimeException e) {
            redlockUris.clear();
            unavailable.put(Contender.Family.REDLOCK, "no Redlock nodes: " + e.getMessage());
        }
    }

    private record Started(String uri, String what, boolean process) {
    }

    private Started startOneRedis(RedisServerKind kind, Consumer<String> progress, String role) {
        boolean useProcess = kind == RedisServerKind.PROCESS
                || (kind == RedisServerKind.AUTO && RedisProcess.isAvailable());
        if (useProcess) {
            progress.accept("starting " + role + ": redis-server process");
            RedisProcess p = RedisProcess.builder().build();
            owned.add(p);
            p.start();
            return new Started(p.uri(), "real redis-server process", true);
        }
        progress.accept("starting " + role + ": embedded Redis server");
        EmbeddedRedisServer e = EmbeddedRedisServer.builder().build();
        owned.add(e);
        try {
            e.start();
        } catch (UnsupportedOperationException notYet) {
            throw new IllegalStateException("the embedded Redis server is not implemented yet and redis-server"
                    + " is not installed; install redis-server or pass --redis-uri");
        }
        return new Started(e.uri(), "embedded Redis server (distlock EmbeddedRedisServer, in this JVM)", false);
    }

    private void startZooKeeper(Options o, Consumer<String> progress) {
        if (o.zkConnect() != null) {
            zkConnect = o.zkConnect();
            descriptions.add("ZooKeeper, given: " + zkConnect);
            return;
        }
        try {
            progress.accept("starting ZooKeeper: embedded, in this JVM");
            EmbeddedZooKeeper zk = EmbeddedZooKeeper.standalone();
            owned.add(zk);
            zk.start();
            zkConnect = zk.connectString();
            descriptions.add("ZooKeeper " + org.apache.zookeeper.Version.getFullVersion().split("[ ,-]")[0]
                    + ", embedded in this JVM (distlock EmbeddedZooKeeper, no fsync) on " + zkConnect
                    + "; its CPU is part of the client CPU");
        } catch (RuntimeException e) {
            unavailable.put(Contender.Family.ZOOKEEPER, "no ZooKeeper: " + e.getMessage());
        }
    }

    /**
     * Returns why a family cannot run, or null if its servers are up.
     *
     * @param family the family
     * @return the reason, or null
     */
    public String unavailable(Contender.Family family) {
        return family == Contender.Family.MEMORY ? null : unavailable.get(family);
    }

    /**
     * Returns the single Redis server's URI.
     *
     * @return {@code redis://…}
     * @throws IllegalStateException if Redis is unavailable
     */
    public String redisUri() {
        require(Contender.Family.REDIS);
        return redisUri;
    }

    /**
     * Returns the Redlock nodes' URIs.
     *
     * @return three or more {@code redis://…} URIs
     * @throws IllegalStateException if the nodes are unavailable
     */
    public List<String> redlockUris() {
        require(Contender.Family.REDLOCK);
        return List.copyOf(redlockUris);
    }

    /**
     * Returns the ZooKeeper connect string.
     *
     * @return {@code host:port[,host:port…]}
     * @throws IllegalStateException if ZooKeeper is unavailable
     */
    public String zkConnect() {
        require(Contender.Family.ZOOKEEPER);
        return zkConnect;
    }

    /**
     * Opens a counter of the family's server commands (the sum over the Redlock nodes).
     *
     * @param family the family
     * @return a counter ({@link ServerCounter#NONE} for memory, or if the server cannot be asked);
     *         close it
     */
    public ServerCounter counter(Contender.Family family) {
        try {
            ServerCounter c = switch (family) {
                case REDIS -> Counters.redis(redisUri(), ownProcess.getOrDefault(family, false));
                case REDLOCK -> ServerCounter.sum(redlockUris().stream()
                        .map(u -> Counters.redis(u, ownProcess.getOrDefault(family, false))).toList());
                case ZOOKEEPER -> Counters.zookeeper(zkConnect().split(",")[0]);
                case MEMORY -> ServerCounter.NONE;
            };
            c.commands(); // fail here, not in the middle of a measurement
            return c;
        } catch (RuntimeException e) {
            return ServerCounter.NONE;
        }
    }

    /**
     * Returns one line per server, for the report.
     *
     * @return the descriptions
     */
    public List<String> describe() {
        List<String> d = new ArrayList<>(descriptions);
        unavailable.forEach((f, why) -> d.add(f + ": " + why));
        return d;
    }

    /**
     * Returns the JVM options that make a JMH fork use these servers.
     *
     * @return {@code -D…} options
     */
    public List<String> systemPropertyArgs() {
        List<String> args = new ArrayList<>();
        if (redisUri != null) {
            args.add("-D" + REDIS_PROPERTY + "=" + redisUri);
        }
        if (!redlockUris.isEmpty()) {
            args.add("-D" + REDLOCK_PROPERTY + "=" + String.join(",", redlockUris));
        }
        if (zkConnect != null) {
            args.add("-D" + ZK_PROPERTY + "=" + zkConnect);
        }
        return args;
    }

    private void require(Contender.Family f) {
        String why = unavailable(f);
        if (why != null) {
            throw new IllegalStateException(f + " is unavailable: " + why);
        }
    }

    /** Stops every server started here; idempotent. */
    @Override
    public synchronized void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception ignored) {
                // best effort: the others must still be closed
            }
        }
        owned.clear();
    }

    private static String version(String uri) {
        RedisURI u = RedisURI.create(uri);
        u.setTimeout(Duration.ofSeconds(5));
        RedisClient c = RedisClient.create(u);
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            String server = conn.sync().info("server");
            for (String line : server.split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    return line.substring("redis_version:".length()).trim();
                }
            }
            return "(version unknown)";
        } catch (RuntimeException e) {
            return "(version unknown: " + e.getMessage() + ")";
        } finally {
            c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static String redact(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }
}

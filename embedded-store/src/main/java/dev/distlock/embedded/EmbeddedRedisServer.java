package dev.distlock.embedded;

import dev.distlock.embedded.internal.RedisServerCore;
import dev.distlock.embedded.internal.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An in-process server that speaks the Redis protocol (RESP2 and RESP3), for tests, samples
 * and benchmarks that must run without Docker or an installed Redis.
 *
 * <pre>{@code
 * try (EmbeddedRedisServer redis = EmbeddedRedisServer.builder().port(0).build().start()) {
 *     RedisClient client = RedisClient.create(redis.uri());
 *     ...
 *     redis.faults().pause(Duration.ofSeconds(2));   // a stalled server
 * }
 * }</pre>
 *
 * <h2>Design note</h2>
 * <p><b>Threads.</b> One Netty NIO event loop thread does all the work, as Redis's main thread
 * does: it reads a connection's bytes, decodes every complete command straight from the
 * {@code ByteBuf}, executes each one and appends its reply to the connection's output buffer,
 * which is flushed once per read batch (one {@code write} system call per batch, not per
 * command). Commands therefore run one at a time and MULTI/EXEC is atomic without locks. The
 * same thread accepts sockets and runs the timers (active expiry, blocking timeouts, faults);
 * the transport is Netty's NIO (the native epoll jar is not on the registry this project uses;
 * NIO already meets the speed target, see {@code bench/redis-benchmark.sh}). Blocked clients
 * (BLPOP) and clients whose pipeline waits behind a blocking command or a script keep their
 * decoded commands in a queue and are resumed in order. The one exception is a Lua script: its body
 * runs on a dedicated script thread while the event loop keeps doing IO but executes no other
 * command (the keyspace is handed over and handed back with a happens-before edge, so exactly
 * one thread touches the data at any time and a script stays atomic). While a script runs,
 * requests from other clients wait; once it has run longer than the busy threshold, they get
 * {@code -BUSY …} and {@code SCRIPT KILL} is served, as in Redis. A script running longer than
 * the script time limit is stopped by the engine.
 *
 * <p><b>Data.</b> {@code databases} logical databases of strings, hashes, lists and sorted
 * sets, each a hash table of keys plus an array of the keys that have a TTL. Without
 * {@link Builder#appendOnly(Path, AppendFsync)} or {@link Builder#dataDir(Path)} nothing is
 * persisted: {@link #close()} loses everything; {@link RedisFaults#restart(boolean)} chooses.
 *
 * <p><b>Replication.</b> A server becomes a replica of another embedded server through
 * {@link Builder#replicaOf(String, int)}, {@link #replicaOf(EmbeddedRedisServer)} or
 * {@code REPLICAOF host port}: it syncs in full from a snapshot, then applies the primary's
 * stream of effects (the final state of every key a command, script or transaction changed,
 * applied atomically per command, script or transaction). It is read-only for clients
 * ({@code -READONLY}), never expires keys itself (a logically expired key reads as absent; the
 * primary's DEL removes it), acknowledges its offset every second and on request, and
 * reconnects by itself (every 100 ms) when its link drops, with a partial resync from the
 * primary's backlog when it can. {@code WAIT}, {@code min-replicas-to-write} and
 * {@code min-replicas-max-lag} behave as in Redis. {@link #promote()} is Sentinel's failover step
 * ({@code REPLICAOF NO ONE}). This replication speaks only to other embedded servers (its own
 * snapshot and stream format), not to a real Redis.
 *
 * <p><b>Persistence.</b> An append-only file ({@code appendonly.aof} in the directory given to
 * {@link Builder#appendOnly(Path, AppendFsync)}) gets the same effects as replicas, fsynced as
 * the {@link AppendFsync} policy says; {@link #save()} / {@code SAVE} writes a snapshot
 * ({@code dump.snapshot} in {@link Builder#dataDir(Path)}, else in the append-only file's
 * directory); {@code BGREWRITEAOF} rewrites the file as a snapshot (both are done at once, not in
 * the background). A server started on a directory that holds these files loads them; so does
 * {@link RedisFaults#restartFromDisk()}. Keys already expired at load time are not loaded.
 * {@link RedisFaults#crash()} is a power loss: appended bytes not yet fsynced are lost.
 *
 * <p><b>Time and expiry.</b> All time comes from the {@link StoreClock} (plus the skew set through
 * {@link RedisFaults}). A key past its deadline is gone on access (lazy expiry), and every
 * 100 ms an active cycle samples keys with a TTL and deletes expired ones, repeating while more
 * than a quarter of a sample had expired, as Redis does.
 *
 * <p><b>Failures.</b> A protocol violation (malformed RESP, a bulk longer than 512 MB, more
 * than 1M arguments, an inline request over 64 KB) gets {@code -ERR Protocol error: …} and that
 * connection is closed; other clients are not affected. A command that throws unexpectedly
 * gets an {@code -ERR} reply and the server carries on. Faults are injected only through
 * {@link #faults()}.
 *
 * <p>Thread-safety: all public methods may be called from any thread (not from a callback on
 * the server's own threads).
 */
public final class EmbeddedRedisServer implements AutoCloseable {
    private final ServerConfig config;
    private final RedisServerCore core;
    private final RedisFaults faults;

    private EmbeddedRedisServer(ServerConfig config) {
        this.config = config;
        this.core = new RedisServerCore(config);
        this.faults = new RedisFaults(core);
    }

    /**
     * Returns a builder with the defaults: port 0 (a free one), bind address 127.0.0.1, no
     * password, system clock, busy threshold 5 s, script time limit 30 s, 16 databases.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts listening (a no-op if already started). In a JVM that has run a server before, the
     * first reply comes within milliseconds of the call; the first server of a fresh JVM waits for
     * class loading, mostly Netty's (see {@code bench/startup.sh}).
     *
     * @return this server
     * @throws java.io.UncheckedIOException if the port cannot be bound
     * @throws IllegalStateException        if the server was closed
     */
    public EmbeddedRedisServer start() {
        core.start();
        return this;
    }

    /**
     * Returns the port the server listens on (the chosen one when built with port 0). Stays the
     * same across {@link RedisFaults#restart(boolean)}.
     *
     * @return the port
     * @throws IllegalStateException if the server was never started
     */
    public int port() {
        int p = core.port();
        if (p == 0) {
            throw new IllegalStateException("server was never started");
        }
        return p;
    }

    /**
     * Returns the host clients should connect to.
     *
     * @return the bind address, for example {@code 127.0.0.1}
     */
    public String host() {
        return config.bindAddress();
    }

    /**
     * Returns the URI to connect to, without credentials.
     *
     * @return {@code redis://<host>:<port>}
     * @throws IllegalStateException if the server was never started
     */
    public String uri() {
        return "redis://" + host() + ":" + port();
    }

    /**
     * Returns whether the server is listening for connections (false before {@link #start()},
     * after {@link #close()}, while stopped by {@link RedisFaults#stop()} and while refusing
     * connections through {@link RedisFaults#refuseConnections()} or {@link RedisFaults#partition()}).
     *
     * @return whether it is serving
     */
    public boolean isRunning() {
        return core.isServing();
    }

    /**
     * Returns the fault injector of this server.
     *
     * @return the faults handle; the same instance on every call
     */
    public RedisFaults faults() {
        return faults;
    }

    /**
     * Returns the clock the server reads (without the skew set through {@link #faults()}).
     *
     * @return the clock given to the builder, or the system clock
     */
    public StoreClock clock() {
        return config.clock();
    }

    /**
     * Makes this server a replica of {@code primary} (as {@code REPLICAOF host port}): it drops
     * its own replicas, syncs from the primary (in full, or partially if the primary's backlog
     * still holds what this server lacks) and then follows its stream. Returns at once; the sync
     * happens in the background (see {@code master_link_status} in {@code INFO replication}, or
     * {@code WAIT} on the primary).
     *
     * @param primary a started server, not this one
     * @throws IllegalArgumentException if {@code primary} is null, this server, or was never started
     * @throws IllegalStateException    if this server was never started
     */
    public void replicaOf(EmbeddedRedisServer primary) {
        if (primary == null) {
            throw new IllegalArgumentException("primary must not be null");
        }
        if (primary == this) {
            throw new IllegalArgumentException("primary must not be this server");
        }
        if (primary.core.port() == 0) {
            throw new IllegalArgumentException("primary was never started: " + primary);
        }
        replicaOf(primary.host(), primary.port());
    }

    /**
     * Makes this server a replica of the server at {@code host:port} (as {@code REPLICAOF host
     * port}); see {@link #replicaOf(EmbeddedRedisServer)}.
     *
     * @param host the primary's host
     * @param port the primary's port
     * @throws IllegalArgumentException if {@code host} is blank, {@code port} is outside 1–65535,
     *                                  or host:port is this server
     * @throws IllegalStateException    if this server was never started
     */
    public void replicaOf(String host, int port) {
        checkPrimary(host, port);
        if (core.port() == 0) {
            throw new IllegalStateException("server was never started");
        }
        if (port == core.port() && (host.trim().equals(host()) || host.trim().equals("localhost"))) {
            throw new IllegalArgumentException("a server can not be a replica of itself: " + host + ":" + port);
        }
        core.replicaOf(host.trim(), port);
    }

    /**
     * Promotes this replica to a primary ({@code REPLICAOF NO ONE}, what Sentinel does on
     * failover): it stops following its primary, keeps its data, accepts writes and starts a new
     * replication history whose previous id stays valid for partial resyncs up to this point.
     * A no-op on a primary.
     *
     * @throws IllegalStateException if the server was never started
     */
    public void promote() {
        if (core.port() == 0) {
            throw new IllegalStateException("server was never started");
        }
        core.replicaOf(null, 0);
    }

    /**
     * Returns whether this server is a replica.
     *
     * @return true while it follows a primary
     */
    public boolean isReplica() {
        return core.isReplica();
    }

    /**
     * Returns the replication offset ({@code master_repl_offset}): the bytes of replication stream
     * produced (on a primary) or applied (on a replica).
     *
     * @return the offset, 0 before any replica or write
     */
    public long replicationOffset() {
        return core.replicationOffset();
    }

    /**
     * Writes a snapshot of the data now ({@code SAVE}): to {@code dump.snapshot} in the data
     * directory (else the append-only file's directory), through a temporary file that is
     * fsynced and renamed. The append-only file, if any, is fsynced first.
     *
     * @throws IllegalStateException        if neither {@link Builder#dataDir(Path)} nor
     *                                      {@link Builder#appendOnly(Path, AppendFsync)} was set
     * @throws java.io.UncheckedIOException if writing fails
     */
    public void save() {
        core.save();
    }

    /**
     * Stops the server: closes every connection and the listening socket and frees its threads.
     * The append-only file, if any, is fsynced and closed; data not persisted is lost. Idempotent.
     */
    @Override
    public void close() {
        core.close();
    }

    private static void checkPrimary(String host, int port) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535: " + port);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedRedisServer[" + (core.port() > 0 ? uri() : "not started") + "]";
    }

    /**
     * A checking builder for {@link EmbeddedRedisServer}. Not thread-safe; each setter checks its
     * argument at once.
     */
    public static final class Builder {
        private int port;
        private String bindAddress = "127.0.0.1";
        private String requirePass;
        private final Map<String, String> users = new LinkedHashMap<>();
        private StoreClock clock = StoreClock.system();
        private Duration busyThreshold = Duration.ofSeconds(5);
        private Duration scriptTimeLimit = Duration.ofSeconds(30);
        private int databases = 16;
        private String replicaOfHost;
        private int replicaOfPort;
        private int backlogSize = 1024 * 1024;
        private int minReplicasToWrite;
        private Duration minReplicasMaxLag = Duration.ofSeconds(10);
        private Path aofDir;
        private AppendFsync appendFsync = AppendFsync.EVERYSEC;
        private Path dataDir;

        private Builder() {
        }

        /**
         * Starts the server as a replica of the (embedded) server at {@code host:port}; it
         * connects when started and keeps reconnecting while the primary is unreachable.
         *
         * @param host the primary's host
         * @param port the primary's port
         * @return this builder
         * @throws IllegalArgumentException if {@code host} is blank or {@code port} is outside 1–65535
         */
        public Builder replicaOf(String host, int port) {
            checkPrimary(host, port);
            this.replicaOfHost = host.trim();
            this.replicaOfPort = port;
            return this;
        }

        /**
         * Sets the size of the replication backlog (Redis's {@code repl-backlog-size}): how many
         * bytes of the stream a primary keeps so that a replica that lost its link can resync
         * partially. Also settable by {@code CONFIG SET repl-backlog-size}.
         *
         * @param bytes 16 bytes to 1 GiB; default 1 MiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is outside 16–1073741824
         */
        public Builder replicationBacklogSize(int bytes) {
            if (bytes < 16 || bytes > (1 << 30)) {
                throw new IllegalArgumentException("replicationBacklogSize must be in 16..1073741824: " + bytes);
            }
            this.backlogSize = bytes;
            return this;
        }

        /**
         * Refuses writes ({@code -NOREPLICAS Not enough good replicas to write.}) unless at least
         * {@code count} replicas acknowledged within {@link #minReplicasMaxLag(Duration)} (Redis's
         * {@code min-replicas-to-write}; also {@code CONFIG SET min-replicas-to-write}).
         *
         * @param count 0 (off, the default) or more
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is negative
         */
        public Builder minReplicasToWrite(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("minReplicasToWrite must be >= 0: " + count);
            }
            this.minReplicasToWrite = count;
            return this;
        }

        /**
         * Sets how old a replica's last acknowledgement may be for it to count towards
         * {@link #minReplicasToWrite(int)} (Redis's {@code min-replicas-max-lag}, in seconds there;
         * also {@code CONFIG SET min-replicas-max-lag}). Measured with the server's clock; replicas
         * acknowledge about once a second, so a lag under a second makes them flicker.
         *
         * @param maxLag a positive duration, millisecond precision; default 10 s
         * @return this builder
         * @throws IllegalArgumentException if {@code maxLag} is null, zero or negative
         */
        public Builder minReplicasMaxLag(Duration maxLag) {
            this.minReplicasMaxLag = positive(maxLag, "minReplicasMaxLag");
            return this;
        }

        /**
         * Turns on the append-only file {@code appendonly.aof} in {@code dir} (created if
         * missing) with the given fsync policy. A server started on a directory that already
         * holds the file loads it.
         *
         * @param dir    the directory
         * @param policy when appended writes are fsynced
         * @return this builder
         * @throws IllegalArgumentException if {@code dir} or {@code policy} is null, or {@code dir}
         *                                  exists and is not a directory
         */
        public Builder appendOnly(Path dir, AppendFsync policy) {
            this.aofDir = directory(dir, "appendOnly dir");
            if (policy == null) {
                throw new IllegalArgumentException("policy must not be null");
            }
            this.appendFsync = policy;
            return this;
        }

        /**
         * Sets the directory of snapshots ({@code dump.snapshot}, written by {@link #save()},
         * {@code SAVE} and {@code BGSAVE}, loaded at start and by
         * {@link RedisFaults#restartFromDisk()}). Without it, snapshots go to the append-only
         * file's directory.
         *
         * @param dir the directory (created when first needed)
         * @return this builder
         * @throws IllegalArgumentException if {@code dir} is null or exists and is not a directory
         */
        public Builder dataDir(Path dir) {
            this.dataDir = directory(dir, "dataDir");
            return this;
        }

        private static Path directory(Path dir, String name) {
            if (dir == null) {
                throw new IllegalArgumentException(name + " must not be null");
            }
            if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
                throw new IllegalArgumentException(name + " must be a directory: " + dir);
            }
            return dir.toAbsolutePath();
        }

        /**
         * Sets the port.
         *
         * @param port 0 for a free port chosen at start, else 1–65535
         * @return this builder
         * @throws IllegalArgumentException if {@code port} is outside 0–65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets the address to listen on.
         *
         * @param bindAddress an IP address or host name; default {@code 127.0.0.1}
         * @return this builder
         * @throws IllegalArgumentException if {@code bindAddress} is null or blank
         */
        public Builder bindAddress(String bindAddress) {
            if (bindAddress == null || bindAddress.isBlank()) {
                throw new IllegalArgumentException("bindAddress must not be blank");
            }
            this.bindAddress = bindAddress.trim();
            return this;
        }

        /**
         * Requires clients to authenticate (as Redis's {@code requirepass}: the password of the
         * {@code default} user).
         *
         * @param password the password, or null for none (the default)
         * @return this builder
         * @throws IllegalArgumentException if {@code password} is empty
         */
        public Builder requirePass(String password) {
            if (password != null && password.isEmpty()) {
                throw new IllegalArgumentException("requirePass must not be empty (use null for none)");
            }
            this.requirePass = password;
            return this;
        }

        /**
         * Adds an ACL user with every permission, for {@code AUTH user password} and
         * {@code HELLO … AUTH user password}. As in Redis, clients start as the {@code default}
         * user, which needs no password unless {@link #requirePass(String)} (or
         * {@code user("default", …)}) sets one.
         *
         * @param name     the user name
         * @param password the password
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is blank or contains spaces, or
         *                                  {@code password} is null or empty
         */
        public Builder user(String name, String password) {
            if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("user name must be non-blank without spaces: " + name);
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("password of user " + name + " must not be empty");
            }
            if (name.equals("default")) {
                this.requirePass = password;
            } else {
                users.put(name, password);
            }
            return this;
        }

        /**
         * Sets the time source (a {@link ManualClock} in tests).
         *
         * @param clock the clock
         * @return this builder
         * @throws IllegalArgumentException if {@code clock} is null
         */
        public Builder clock(StoreClock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            this.clock = clock;
            return this;
        }

        /**
         * Sets how long a script runs before other clients are answered {@code -BUSY} (Redis's
         * {@code busy-reply-threshold}, default 5 s).
         *
         * @param threshold a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code threshold} is null, zero or negative
         */
        public Builder busyThreshold(Duration threshold) {
            this.busyThreshold = positive(threshold, "busyThreshold");
            return this;
        }

        /**
         * Sets how long a script may run before the engine stops it with an error (default 30 s).
         *
         * @param limit a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code limit} is null, zero or negative
         */
        public Builder scriptTimeLimit(Duration limit) {
            this.scriptTimeLimit = positive(limit, "scriptTimeLimit");
            return this;
        }

        /**
         * Sets the number of logical databases ({@code SELECT 0} to {@code n-1}).
         *
         * @param databases 1–1024, default 16
         * @return this builder
         * @throws IllegalArgumentException if {@code databases} is outside 1–1024
         */
        public Builder databases(int databases) {
            if (databases < 1 || databases > 1024) {
                throw new IllegalArgumentException("databases must be in 1..1024: " + databases);
            }
            this.databases = databases;
            return this;
        }

        /**
         * Builds a server that is not yet started.
         *
         * @return the server; call {@link EmbeddedRedisServer#start()}
         */
        public EmbeddedRedisServer build() {
            return new EmbeddedRedisServer(new ServerConfig(port, bindAddress, requirePass, Map.copyOf(users),
                    clock, busyThreshold, scriptTimeLimit, databases, replicaOfHost, replicaOfPort, backlogSize,
                    minReplicasToWrite, minReplicasMaxLag, aofDir, appendFsync, dataDir));
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}

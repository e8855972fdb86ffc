package dev.distlock.redis.internal;

import dev.distlock.LockConfig;
import dev.distlock.redis.RedisLockOptions;
import dev.distlock.spi.LockUri;
import dev.distlock.spi.LockUri.HostPort;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a Redis URI asks for, checked: the topology (one server, a master behind Sentinel, or a
 * cluster), the addresses, credentials, database and options; and the Lettuce
 * {@link RedisURI}s that reach it. Not part of the API.
 *
 * <p>Immutable and thread-safe.
 */
public final class RedisEndpoint {
    /** How the servers are arranged. */
    public enum Topology {
        /** One server ({@code redis://}, {@code rediss://}). */
        STANDALONE,
        /** A master found through Sentinel ({@code redis-sentinel://}). */
        SENTINEL,
        /** A Redis Cluster ({@code redis-cluster://}). */
        CLUSTER
    }

    static final int DEFAULT_PORT = 6379;
    static final int DEFAULT_SENTINEL_PORT = 26379;

    private final Topology topology;
    private final String scheme;
    private final List<HostPort> hosts;
    private final String user;
    private final String password;
    private final int database;
    private final String masterId;
    private final boolean tls;
    private final RedisLockOptions options;

    private RedisEndpoint(Topology topology, String scheme, List<HostPort> hosts, String user, String password,
            int database, String masterId, boolean tls, RedisLockOptions options) {
        this.topology = topology;
        this.scheme = scheme;
        this.hosts = List.copyOf(hosts);
        this.user = user;
        this.password = password;
        this.database = database;
        this.masterId = masterId;
        this.tls = tls;
        this.options = options;
    }

    /**
     * Checks a URI and combines its query parameters with {@code base}.
     *
     * @param uri the parsed URI; scheme {@code redis}, {@code rediss}, {@code redis-sentinel} or
     *        {@code redis-cluster}
     * @param base options the URI's parameters override
     * @return the endpoint
     * @throws IllegalArgumentException if the URI is not a valid Redis URI; the message names
     *         the part and the rule, and never contains the password
     */
    public static RedisEndpoint parse(LockUri uri, RedisLockOptions base) {
        if (uri == null) {
            throw new IllegalArgumentException("uri must not be null");
        }
        if (base == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        RedisLockOptions options = base.withUriParameters(uri.params());
        String scheme = uri.scheme();
        Topology topology = switch (scheme) {
            case "redis", "rediss" -> Topology.STANDALONE;
            case "redis-sentinel" -> Topology.SENTINEL;
            case "redis-cluster" -> Topology.CLUSTER;
            default -> throw new IllegalArgumentException("uri scheme must be redis, rediss, redis-sentinel or "
                    + "redis-cluster, was '" + scheme + "' in '" + uri + "'");
        };
        if (uri.hosts().isEmpty()) {
            throw new IllegalArgumentException("uri must name at least one host, as in " + example(topology)
                    + ", was '" + uri + "'");
        }
        boolean tls = scheme.equals("rediss") || options.tls();
        String dbParam = uri.params().get("database");
        String[] path = splitPath(uri.path());
        int defaultPort = topology == Topology.SENTINEL ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT;
        List<HostPort> hosts = uri.hosts().stream().map(h -> h.withDefaultPort(defaultPort)).toList();
        String masterId = null;
        String dbText = null;
        switch (topology) {
            case STANDALONE -> {
                if (hosts.size() != 1) {
                    throw new IllegalArgumentException("a " + scheme + ":// uri names exactly one host (use "
                            + "redis-sentinel:// or redis-cluster:// for several), was '" + uri + "'");
                }
                if (path.length > 1) {
                    throw new IllegalArgumentException("uri path must be empty or /<database>, was '" + uri.path()
                            + "' in '" + uri + "'");
                }
                dbText = path.length == 1 ? path[0] : null;
            }
            case SENTINEL -> {
                if (path.length == 0 || path.length > 2) {
                    throw new IllegalArgumentException("a redis-sentinel:// uri must name the master as its path, "
                            + "as in redis-sentinel://h1:26379,h2:26379/mymaster[/database], was '" + uri + "'");
                }
                masterId = path[0];
                dbText = path.length == 2 ? path[1] : null;
            }
            case CLUSTER -> {
                if (path.length != 0) {
                    throw new IllegalArgumentException("a redis-cluster:// uri has no path (Redis Cluster has only "
                            + "database 0), was '" + uri.path() + "' in '" + uri + "'");
                }
                if (dbParam != null && !dbParam.equals("0")) {
                    throw new IllegalArgumentException("database must be 0 for redis-cluster://, was '" + dbParam + "'");
                }
            }
            default -> throw new AssertionError(topology);
        }
        if (dbText != null && dbParam != null && !dbText.equals(dbParam)) {
            throw new IllegalArgumentException("database is given twice, as path /" + dbText + " and as ?database="
                    + dbParam + ", in '" + uri + "'");
        }
        int database = 0;
        String db = dbText != null ? dbText : (topology == Topology.CLUSTER ? null : dbParam);
        if (db != null) {
            try {
                database = Integer.parseInt(db);
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                throw new IllegalArgumentException("database must be a number of at least 0, was '" + db + "' in '"
                        + uri + "'");
            }
        }
        if (uri.password() != null && uri.password().isEmpty()) {
            throw new IllegalArgumentException("uri password must not be empty when user info is given, in '"
                    + uri + "'");
        }
        return new RedisEndpoint(topology, scheme, hosts, uri.user(), uri.password(), database, masterId, tls,
                options);
    }

    private static String[] splitPath(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return new String[0];
        }
        return p.split("/", -1);
    }

    private static String example(Topology t) {
        return switch (t) {
            case STANDALONE -> "redis://127.0.0.1:6379";
            case SENTINEL -> "redis-sentinel://127.0.0.1:26379/mymaster";
            case CLUSTER -> "redis-cluster://127.0.0.1:7000,127.0.0.1:7001";
        };
    }

    /**
     * Returns the topology.
     *
     * @return the topology
     */
    public Topology topology() {
        return topology;
    }

    /**
     * Returns the backend name for {@link dev.distlock.LockClient#backend()}.
     *
     * @return {@code redis}, {@code redis-sentinel} or {@code redis-cluster}
     */
    public String backend() {
        return switch (topology) {
            case STANDALONE -> "redis";
            case SENTINEL -> "redis-sentinel";
            case CLUSTER -> "redis-cluster";
        };
    }

    /**
     * Returns the addresses given, with default ports filled in.
     *
     * @return the addresses
     */
    public List<HostPort> hosts() {
        return hosts;
    }

    /**
     * Returns the database number.
     *
     * @return the database, 0 unless given
     */
    public int database() {
        return database;
    }

    /**
     * Returns the Sentinel master name, or {@code null} for other topologies.
     *
     * @return the master name or null
     */
    public String masterId() {
        return masterId;
    }

    /**
     * Tells whether connections use TLS.
     *
     * @return whether TLS is on
     */
    public boolean tls() {
        return tls;
    }

    /**
     * Returns the ACL user, or {@code null}.
     *
     * @return the user or null
     */
    public String user() {
        return user;
    }

    /**
     * Tells whether a password was given.
     *
     * @return whether there is a password
     */
    public boolean hasPassword() {
        return password != null;
    }

    /**
     * Replaces every occurrence of the password in {@code text} by {@code ***}, so that
     * messages built from driver errors never show it.
     *
     * @param text a message, may be null
     * @return the message without the password
     */
    public String scrub(String text) {
        if (text == null || password == null || password.isEmpty()) {
            return text;
        }
        return text.replace(password, "***");
    }

    /**
     * Returns the options after the URI's parameters were applied.
     *
     * @return the options
     */
    public RedisLockOptions options() {
        return options;
    }

    /**
     * Returns the Lettuce URI of a standalone server or of a Sentinel-managed master.
     *
     * @param config timeouts and client name
     * @return the URI
     * @throws IllegalStateException for a cluster endpoint
     */
    public RedisURI redisUri(LockConfig config) {
        if (topology == Topology.CLUSTER) {
            throw new IllegalStateException("a cluster has one URI per seed node");
        }
        RedisURI.Builder b;
        if (topology == Topology.SENTINEL) {
            HostPort first = hosts.get(0);
            b = options.sentinelPassword() != null
                    ? RedisURI.Builder.sentinel(first.host(), first.port(), masterId, options.sentinelPassword())
                    : RedisURI.Builder.sentinel(first.host(), first.port(), masterId);
            for (HostPort h : hosts.subList(1, hosts.size())) {
                if (options.sentinelPassword() != null) {
                    b.withSentinel(h.host(), h.port(), options.sentinelPassword());
                } else {
                    b.withSentinel(h.host(), h.port());
                }
            }
        } else {
            b = RedisURI.Builder.redis(hosts.get(0).host(), hosts.get(0).port());
        }
        return common(b, config).withDatabase(database).build();
    }

    /**
     * Returns one Lettuce URI per cluster seed node.
     *
     * @param config timeouts and client name
     * @return the seed URIs
     * @throws IllegalStateException for other topologies
     */
    public List<RedisURI> clusterUris(LockConfig config) {
        if (topology != Topology.CLUSTER) {
            throw new IllegalStateException("not a cluster endpoint");
        }
        List<RedisURI> out = new ArrayList<>(hosts.size());
        for (HostPort h : hosts) {
            out.add(common(RedisURI.Builder.redis(h.host(), h.port()), config).build());
        }
        return out;
    }

    private RedisURI.Builder common(RedisURI.Builder b, LockConfig config) {
        // The URI's timeout bounds the connection handshake (HELLO, AUTH, SELECT), so it is the
        // connect timeout; commands get the command timeout through TimeoutOptions.
        b.withTimeout(config.connectTimeout()).withClientName(config.clientName()).withLibraryName("distlock");
        if (password != null) {
            if (user != null) {
                b.withAuthentication(user, password);
            } else {
                b.withPassword(password.toCharArray());
            }
        }
        if (tls) {
            b.withSsl(true).withVerifyPeer(switch (options.peerVerification()) {
                case FULL -> SslVerifyMode.FULL;
                case CA -> SslVerifyMode.CA;
                case NONE -> SslVerifyMode.NONE;
            });
        }
        return b;
    }

    /**
     * Describes where the servers are, for messages: never contains a password.
     *
     * @return for example {@code redis at 127.0.0.1:6379} or
     *         {@code redis-sentinel master 'mymaster' via 10.0.0.1:26379,10.0.0.2:26379}
     */
    public String describe() {
        String addrs = hosts.stream().map(HostPort::toString).collect(Collectors.joining(","));
        String who = user != null ? user + "@" : "";
        return switch (topology) {
            case STANDALONE -> scheme + " at " + who + addrs + (database != 0 ? "/" + database : "");
            case SENTINEL -> "redis-sentinel master '" + masterId + "' via " + who + addrs
                    + (database != 0 ? " (database " + database + ")" : "");
            case CLUSTER -> "redis-cluster at " + who + addrs;
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}

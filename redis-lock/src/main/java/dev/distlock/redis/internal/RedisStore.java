package dev.distlock.redis.internal;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockConfig;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce side of one lock client: the Redis (or Redis Cluster) client, the one multiplexed
 * command connection every lock operation shares, and a factory for the pub/sub connection that
 * waiters need. Not part of the API.
 *
 * <p>Thread-safe.
 */
public final class RedisStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 2000;

    private final RedisEndpoint endpoint;
    private final AbstractRedisClient client;
    private final RedisURI uri;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final ClientResources resources;
    private final boolean ownResources;
    private final AtomicLong commandConnectionDrops = new AtomicLong();

    private RedisStore(RedisEndpoint endpoint, AbstractRedisClient client, RedisURI uri,
            StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands,
            ClientResources resources, boolean ownResources) {
        this.endpoint = endpoint;
        this.client = client;
        this.uri = uri;
        this.connection = connection;
        this.commands = commands;
        this.resources = resources;
        this.ownResources = ownResources;
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler == connection) {
                    commandConnectionDrops.incrementAndGet();
                }
            }
        });
    }

    /**
     * Connects to the servers of {@code endpoint}, within the connect timeout of {@code config}.
     *
     * @param endpoint where to connect
     * @param config timeouts and client name
     * @return the connected store
     * @throws BackendUnavailableException if no connection is made within the connect timeout
     *         (refused, unknown host, authentication failed, no answer); the message names the
     *         address and never contains the password
     */
    public static RedisStore connect(RedisEndpoint endpoint, LockConfig config) {
        ClientResources shared = endpoint.options().clientResources();
        // Reconnect quickly (at most a second apart): a lease may only last a few renewal rounds.
        ClientResources resources = shared != null ? shared : DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(2), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        AbstractRedisClient client = null;
        try {
            SocketOptions socket = SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true)
                    .tcpNoDelay(true).build();
            TimeoutOptions timeouts = TimeoutOptions.enabled(config.commandTimeout());
            SslOptions ssl = sslOptions(endpoint, config);
            Duration connectTimeout = config.connectTimeout();
            if (endpoint.topology() == RedisEndpoint.Topology.CLUSTER) {
                RedisClusterClient cc = RedisClusterClient.create(resources, endpoint.clusterUris(config));
                client = cc;
                cc.setOptions(ClusterClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                        .sslOptions(ssl).autoReconnect(true)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(30))
                                .build())
                        .build());
                // Lettuce's asynchronous cluster connect needs the topology loaded first.
                StatefulRedisClusterConnection<String, String> conn = await(cc.refreshPartitionsAsync()
                        .toCompletableFuture().thenCompose(v -> cc.connectAsync(StringCodec.UTF8)), connectTimeout,
                        endpoint);
                return new RedisStore(endpoint, cc, null, conn, conn.async(), resources, shared == null);
            }
            RedisClient rc = RedisClient.create(resources);
            client = rc;
            rc.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl)
                    .autoReconnect(true).build());
            RedisURI uri = endpoint.redisUri(config);
            // Behind Sentinel the URI resolves the master at every (re)connect; after a failover
            // Sentinel demotes the old master and drops its clients, so the connection moves.
            StatefulRedisConnection<String, String> conn = await(
                    rc.connectAsync(StringCodec.UTF8, uri).toCompletableFuture(), connectTimeout, endpoint);
            return new RedisStore(endpoint, rc, uri, conn, conn.async(), resources, shared == null);
        } catch (RuntimeException e) {
            shutdown(client, shared == null ? resources : null);
            throw e;
        }
    }

    private static SslOptions sslOptions(RedisEndpoint endpoint, LockConfig config) {
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider().handshakeTimeout(config.connectTimeout());
        if (endpoint.options().trustedCertificates() != null) {
            b.trustManager(endpoint.options().trustedCertificates().toFile());
        }
        return b.build();
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout, RedisEndpoint endpoint) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            closeLater(future);
            throw new BackendUnavailableException("interrupted while connecting to " + endpoint.describe(), e);
        } catch (TimeoutException e) {
            future.cancel(true);
            closeLater(future);
            throw new BackendUnavailableException("could not connect to " + endpoint.describe() + " within "
                    + timeout + " (connect timeout): no answer", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BackendUnavailableException("could not connect to " + endpoint.describe() + " within "
                    + timeout + ": " + endpoint.scrub(describe(cause)), cause);
        }
    }

    /** Closes a connection that arrives after its connect was given up. */
    private static void closeLater(CompletableFuture<?> future) {
        future.whenComplete((c, err) -> {
            if (c instanceof StatefulConnection<?, ?> conn) {
                conn.closeAsync();
            }
        });
    }

    /** The deepest useful message of a connect failure, without the exception class noise. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Throwable c = t;
        int depth = 0;
        while (c != null && depth++ < 5) {
            String m = c.getMessage();
            if (m != null && !m.isBlank() && sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append(m);
            }
            if (c.getCause() == c) {
                break;
            }
            c = c.getCause();
        }
        return sb.length() == 0 ? t.getClass().getSimpleName() : sb.toString();
    }

    /**
     * Returns the endpoint.
     *
     * @return the endpoint
     */
    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Tells whether this is a Redis Cluster.
     *
     * @return whether commands are routed by slot
     */
    public boolean cluster() {
        return endpoint.topology() == RedisEndpoint.Topology.CLUSTER;
    }

    /**
     * Returns the asynchronous commands of the shared command connection.
     *
     * @return the commands
     */
    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /**
     * Returns how often the shared command connection was lost so far (Lettuce then reconnects
     * it, perhaps to another server). Two equal readings around a command exchange mean that
     * both went over one connection.
     *
     * @return the number of disconnections seen
     */
    public long commandConnectionDrops() {
        return commandConnectionDrops.get();
    }

    /**
     * Opens a pub/sub connection to the same servers. The caller closes it.
     *
     * @return the pending connection
     */
    public CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        if (client instanceof RedisClusterClient cc) {
            return cc.connectPubSubAsync(StringCodec.UTF8).thenApply(c -> c);
        }
        return ((RedisClient) client).connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
    }

    /** Closes the command connection and shuts the client (and its own resources) down. */
    @Override
    public void close() {
        try {
            connection.closeAsync().get(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("closing the connection to {} failed", endpoint.describe(), e);
        }
        shutdown(client, ownResources ? resources : null);
    }

    private static void shutdown(AbstractRedisClient client, ClientResources ownResources) {
        try {
            if (client != null) {
                client.shutdownAsync(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                        .get(SHUTDOWN_TIMEOUT_MILLIS + 500, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Redis client shutdown did not finish cleanly", e);
        } finally {
            if (ownResources != null) {
                ownResources.shutdown(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public String toString() {
        return "RedisStore[" + endpoint.describe() + "]";
    }
}

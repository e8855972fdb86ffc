package dev.distlock.redis;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.redis.internal.RedisEndpoint;
import dev.distlock.redis.internal.RedisLockDriver;
import dev.distlock.redis.internal.RedisStore;
import dev.distlock.spi.LockDrivers;
import dev.distlock.spi.LockUri;

/**
 * Connects Redis lock clients with Redis-specific options. Plain
 * {@link dev.distlock.LockClients#connect(String, LockConfig)} does the same with
 * {@link RedisLockOptions#defaults()} (plus the URI's query parameters).
 *
 * <pre>{@code
 * LockClient client = RedisLocks.connect("rediss://app:s3cret@redis.internal:6380/2",
 *         LockConfig.defaults(),
 *         RedisLockOptions.builder().keyPrefix("billing:locks:").build());
 * }</pre>
 *
 * <p>URIs: {@code redis://[user:password@]host[:port][/database]}, {@code rediss://…} (TLS),
 * {@code redis-sentinel://[user:password@]h1:p1,h2:p2/master[/database]} and
 * {@code redis-cluster://[user:password@]h1:p1,h2:p2}, each with optional query parameters (see
 * {@link RedisLockOptions}). Default ports: 6379, and 26379 for Sentinel.
 *
 * <p>Thread-safe.
 */
public final class RedisLocks {
    private RedisLocks() {
    }

    /**
     * Connects a client.
     *
     * @param uri the Redis URI
     * @param config shared settings: lease, connect and command timeouts, client name, clock
     * @param options Redis settings; the URI's query parameters override them
     * @return a connected client; close it when done
     * @throws IllegalArgumentException if an argument is null or the URI is not a valid Redis
     *         URI (the message names the part and the rule, without the password); if replica
     *         acknowledgements are asked for on a {@code redis-cluster://} URI, or with a
     *         {@code replicaAckTimeout} not shorter than the command timeout
     * @throws dev.distlock.BackendUnavailableException if the servers cannot be reached within
     *         the connect timeout (the message names the address, without the password)
     */
    public static LockClient connect(String uri, LockConfig config, RedisLockOptions options) {
        return connect(LockUri.parse(uri), config, options);
    }

    /**
     * Connects a client from a parsed URI.
     *
     * @param uri the parsed Redis URI
     * @param config shared settings
     * @param options Redis settings; the URI's query parameters override them
     * @return a connected client
     * @throws IllegalArgumentException if an argument is null or the URI is not a valid Redis
     *         URI; if replica acknowledgements are asked for on a {@code redis-cluster://} URI, or
     *         with a {@code replicaAckTimeout} not shorter than the command timeout
     * @throws dev.distlock.BackendUnavailableException if the servers cannot be reached within
     *         the connect timeout
     */
    public static LockClient connect(LockUri uri, LockConfig config, RedisLockOptions options) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        RedisEndpoint endpoint = RedisEndpoint.parse(uri, options);
        checkReplicaAcks(endpoint, config);
        RedisStore store = RedisStore.connect(endpoint, config);
        RedisLockDriver driver;
        try {
            driver = new RedisLockDriver(store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            // Read-write locks and semaphores sit in front of the mutex driver (issue 10).
            return LockDrivers.newClient(endpoint.backend(), config,
                    new dev.distlock.redis.internal.RedisCoordinationDriver(driver, store));
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    /** {@code WAIT} needs the key's own node and must end before the command timeout. */
    private static void checkReplicaAcks(RedisEndpoint endpoint, LockConfig config) {
        RedisLockOptions o = endpoint.options();
        if (o.minReplicaAcks() == 0) {
            return;
        }
        if (endpoint.topology() == RedisEndpoint.Topology.CLUSTER) {
            throw new IllegalArgumentException("minReplicaAcks is not supported on redis-cluster:// URIs; use it with "
                    + "redis://, rediss:// or redis-sentinel://");
        }
        if (o.replicaAckTimeout().compareTo(config.commandTimeout()) >= 0) {
            throw new IllegalArgumentException("replicaAckTimeout must be shorter than the commandTimeout ("
                    + config.commandTimeout() + "), was " + o.replicaAckTimeout());
        }
    }
}

package dev.distlock.redis;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.spi.LockClientProvider;
import dev.distlock.spi.LockUri;
import java.util.Set;

/**
 * Serves {@code redis://}, {@code rediss://}, {@code redis-sentinel://} and
 * {@code redis-cluster://} URIs for {@link dev.distlock.LockClients#connect}, with
 * {@link RedisLockOptions#defaults()} plus the URI's query parameters. Registered through
 * {@link java.util.ServiceLoader}.
 *
 * <p>Thread-safe.
 */
public final class RedisLockClientProvider implements LockClientProvider {
    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "redis-cluster");

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public RedisLockClientProvider() {
    }

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the URI is not a valid Redis URI or names an unknown
     *         query parameter
     */
    @Override
    public LockClient connect(LockUri uri, LockConfig config) {
        return RedisLocks.connect(uri, config, RedisLockOptions.defaults());
    }
}

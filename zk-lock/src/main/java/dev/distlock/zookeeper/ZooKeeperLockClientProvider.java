package dev.distlock.zookeeper;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.spi.LockClientProvider;
import dev.distlock.spi.LockUri;
import java.util.Set;

/**
 * Serves {@code zk://host:port[,host:port…][/namespace][?options]} URIs with the ZooKeeper
 * backend; found by {@link dev.distlock.LockClients} through {@link java.util.ServiceLoader}.
 * See {@link ZooKeeperLocks#connect(LockUri, LockConfig, ZkLockOptions)} for the URI rules.
 *
 * <p>Thread-safe.
 */
public final class ZooKeeperLockClientProvider implements LockClientProvider {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public ZooKeeperLockClientProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(ZooKeeperLocks.SCHEME);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the URI has no host, a bad namespace or an unknown or
     *         invalid parameter
     * @throws dev.distlock.BackendUnavailableException if ZooKeeper cannot be reached within the
     *         connect timeout
     */
    @Override
    public LockClient connect(LockUri uri, LockConfig config) {
        return ZooKeeperLocks.connect(uri, config, ZkLockOptions.defaults());
    }
}

package dev.distlock.memory;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.spi.LockClientProvider;
import dev.distlock.spi.LockDrivers;
import dev.distlock.spi.LockUri;
import java.util.Set;

/**
 * Serves {@code memory://[store]} URIs with an in-process {@link MemoryLockStore}: the whole
 * lock contract (leases that expire, the watchdog, fencing tokens, waits without spinning) in
 * one JVM, for unit tests of code that uses locks. Clients of one store name share its locks.
 *
 * <p>Thread-safe.
 */
public final class MemoryLockClientProvider implements LockClientProvider {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemoryLockClientProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the URI names more than one store or has a port
     */
    @Override
    public LockClient connect(LockUri uri, LockConfig config) {
        if (uri.hosts().size() > 1 || (uri.hosts().size() == 1 && uri.hosts().get(0).port() >= 0)) {
            throw new IllegalArgumentException("memory URI must be memory:// or memory://<store-name>, was " + uri);
        }
        String store = uri.hosts().isEmpty() ? "default" : uri.hosts().get(0).host();
        return LockDrivers.newClient("memory", config,
                new MemoryLockDriver(MemoryLockStore.named(store, config.clock())));
    }
}

package dev.distlock.redlock;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.redlock.internal.RedlockDriver;
import dev.distlock.spi.LockClientProvider;
import dev.distlock.spi.LockDrivers;
import dev.distlock.spi.LockUri;
import java.util.Set;

/**
 * Serves {@code redlock://[user:password@]h1:p1,h2:p2,h3:p3[/db][?param=value…]} URIs for
 * {@link dev.distlock.LockClients#connect}: a lock held on a majority of N ≥ 3 independent Redis
 * nodes (see {@link RedlockOptions} for the parameters). Registered through
 * {@link java.util.ServiceLoader}.
 *
 * <p>Thread-safe.
 */
public final class RedlockClientProvider implements LockClientProvider {
    /** The backend name reported by {@link LockClient#backend()}. */
    public static final String BACKEND = "redlock";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public RedlockClientProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redlock");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the URI has fewer than three nodes, repeats a node, or
     *         has an unknown or malformed parameter
     * @throws dev.distlock.BackendUnavailableException if fewer than a majority of the nodes can
     *         be reached within the connect timeout (the message names each node)
     */
    @Override
    public LockClient connect(LockUri uri, LockConfig config) {
        if (uri == null || config == null) {
            throw new IllegalArgumentException("uri and config must not be null");
        }
        RedlockOptions options = RedlockOptions.fromUri(uri);
        return LockDrivers.newClient(BACKEND, config, RedlockDriver.connect(uri, config, options));
    }
}

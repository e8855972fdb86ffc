package dev.distlock.spi;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import java.util.Set;

/**
 * Makes {@link LockClient}s for the URI schemes of one backend. Backends register an
 * implementation in {@code META-INF/services/dev.distlock.spi.LockClientProvider};
 * {@link dev.distlock.LockClients#connect(String, LockConfig)} picks the one whose
 * {@link #schemes()} contain the URI's scheme.
 *
 * <p>Implementations must be thread-safe and have a public no-argument constructor.
 */
public interface LockClientProvider {
    /**
     * Returns the URI schemes this provider serves, lower case (for example {@code redis} and
     * {@code rediss}).
     *
     * @return the schemes
     */
    Set<String> schemes();

    /**
     * Connects a client.
     *
     * @param uri the parsed URI; its scheme is one of {@link #schemes()}
     * @param config the settings
     * @return a connected client
     * @throws IllegalArgumentException if the URI is not valid for this backend (the message
     *         names the part and the rule)
     * @throws dev.distlock.BackendUnavailableException if the store cannot be reached within
     *         the connect timeout
     */
    LockClient connect(LockUri uri, LockConfig config);
}

package dev.distlock.spi;

import dev.distlock.LockConfig;
import java.util.Collection;

/**
 * What a {@link LockDriver} can see of the client it serves; given to
 * {@link LockDriver#start(DriverContext)}.
 *
 * <p>Thread-safe.
 */
public interface DriverContext {
    /**
     * Returns the client's settings.
     *
     * @return the config
     */
    LockConfig config();

    /**
     * Returns the id of the client, unique among clients: the prefix of every owner id.
     *
     * @return the client id
     */
    String clientId();

    /**
     * Returns the holds this client has now (not yet released), lost ones included.
     *
     * @return a snapshot
     */
    Collection<HeldLock> heldLocks();
}

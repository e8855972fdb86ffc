package dev.distlock.spi;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.internal.CoordinatingLockClient;

/**
 * Makes a {@link LockClient} around a {@link LockDriver}: the shared front that every backend
 * uses.
 *
 * <p>Thread-safe.
 */
public final class LockDrivers {
    private LockDrivers() {
    }

    /**
     * Makes a client that serves the whole {@link LockClient} contract with {@code driver}.
     * The client calls {@link LockDriver#start(DriverContext)} before returning.
     *
     * <p>Leader election works on every driver (it is a recipe over a mutex hold); its terms live
     * in the driver's reserved election space when {@code driver} also implements
     * {@link ElectionDriver}, otherwise they are mutexes of a reserved-suffix name. Read-write locks
     * and semaphores work when {@code driver} also implements {@link ReadWriteLockDriver} or
     * {@link SemaphoreDriver}; otherwise they throw {@link UnsupportedOperationException}.
     *
     * @param backend the backend name reported by {@link LockClient#backend()}
     * @param config the settings
     * @param driver the driver; the client closes it when it is closed
     * @return the client
     * @throws IllegalArgumentException if an argument is null or {@code backend} is blank
     */
    public static LockClient newClient(String backend, LockConfig config, LockDriver driver) {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("backend must not be null or blank");
        }
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (driver == null) {
            throw new IllegalArgumentException("driver must not be null");
        }
        return new CoordinatingLockClient(backend, config, driver);
    }
}

package dev.distlock.internal;

import dev.distlock.BackendUnavailableException;
import dev.distlock.DistributedReadWriteLock;
import dev.distlock.DistributedSemaphore;
import dev.distlock.LeaderElection;
import dev.distlock.LeaseLostListener;
import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.LockException;
import dev.distlock.LockListener;
import dev.distlock.Mutex;
import dev.distlock.spi.LockDriver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client {@link dev.distlock.spi.LockDrivers#newClient} returns: a {@link StandardLockClient}
 * for mutexes, plus the coordination primitives.
 *
 * <ul>
 * <li>Read-write locks and semaphores, when the backend driver implements
 *     {@link dev.distlock.spi.ReadWriteLockDriver} or {@link dev.distlock.spi.SemaphoreDriver}:
 *     their holds are kept by the standard front like mutex holds, through a
 *     {@link CoordinationRouter} in front of the driver (so one watchdog renews everything).</li>
 * <li>Leader election on every backend, as a recipe over this client's mutex
 *     ({@link MutexLeaderElection}): it is as sound as the backend's mutex.</li>
 * </ul>
 *
 * <p>The front keeps the holds of these primitives under the primitive's own name and a
 * {@link HoldKind} (read, write, a permit lease, election), apart from any mutex of the same name;
 * {@link LockListener}s and {@link dev.distlock.LeaseLostEvent#lockName()} see the primitive's
 * name (the group's, for an election). An election's term lives in the backend's reserved
 * election space when the driver implements {@link dev.distlock.spi.ElectionDriver}; otherwise it
 * is the driver's mutex under the group's name plus {@code U+001F election}.
 *
 * <p>Not part of the API. Thread-safe.
 */
public final class CoordinatingLockClient implements LockClient {
    private final StandardLockClient std;
    private final CoordinationRouter router;
    private final AtomicLong leaseNumbers = new AtomicLong();
    private final Set<MutexLeaderElection> elections = ConcurrentHashMap.newKeySet();
    /** Permit leases per (semaphore name, thread); each deque is touched by its own thread only. */
    private final Map<LeaseKey, ArrayDeque<PermitLeaseView>> permitLeases = new ConcurrentHashMap<>();

    private record LeaseKey(String name, Thread owner) {
    }

    /**
     * Makes a client around a driver.
     *
     * @param backend the backend name
     * @param config the settings
     * @param driver the backend driver; if it implements a coordination SPI it is put behind a
     *        router
     */
    public CoordinatingLockClient(String backend, LockConfig config, LockDriver driver) {
        boolean coordinates = driver instanceof dev.distlock.spi.ReadWriteLockDriver
                || driver instanceof dev.distlock.spi.SemaphoreDriver
                || driver instanceof dev.distlock.spi.ElectionDriver;
        this.router = coordinates ? new CoordinationRouter(driver) : null;
        this.std = new StandardLockClient(backend, config, coordinates ? router : driver);
    }

    StandardLockClient standard() {
        return std;
    }

    CoordinationRouter router() {
        return router;
    }

    long nextLeaseNumber() {
        return leaseNumbers.incrementAndGet();
    }

    @Override
    public Mutex mutex(String name) {
        return std.mutex(name);
    }

    @Override
    public DistributedReadWriteLock readWriteLock(String name) {
        Args.name(name);
        std.ensureOpen();
        if (router == null || router.readWrite() == null) {
            throw new UnsupportedOperationException("the " + backend() + " backend does not offer read-write locks");
        }
        return new StandardReadWriteLock(this, name);
    }

    @Override
    public DistributedSemaphore semaphore(String name, int permits) {
        Args.name(name);
        if (permits < 1 || permits > StandardSemaphore.MAX_PERMITS) {
            throw new IllegalArgumentException(
                    "permits must be from 1 to " + StandardSemaphore.MAX_PERMITS + ", was " + permits);
        }
        std.ensureOpen();
        if (router == null || router.semaphores() == null) {
            throw new UnsupportedOperationException("the " + backend() + " backend does not offer semaphores");
        }
        return new StandardSemaphore(this, name, permits);
    }

    @Override
    public LeaderElection leaderElection(String group) {
        if (group == null) {
            throw new IllegalArgumentException("group must not be null");
        }
        if (group.isBlank()) {
            throw new IllegalArgumentException("group must not be blank");
        }
        if (group.length() > MAX_NAME_LENGTH - 64) {
            throw new IllegalArgumentException(
                    "group must be at most " + (MAX_NAME_LENGTH - 64) + " characters, was " + group.length());
        }
        std.ensureOpen();
        MutexLeaderElection e = new MutexLeaderElection(this, group);
        elections.add(e);
        return e;
    }

    void track(String semaphore, PermitLeaseView lease) {
        permitLeases.computeIfAbsent(new LeaseKey(semaphore, Thread.currentThread()), k -> new ArrayDeque<>(2))
                .addLast(lease);
    }

    void untrack(String semaphore, PermitLeaseView lease) {
        LeaseKey key = new LeaseKey(semaphore, Thread.currentThread());
        ArrayDeque<PermitLeaseView> leases = permitLeases.get(key);
        if (leases != null) {
            leases.remove(lease);
            if (leases.isEmpty()) {
                permitLeases.remove(key);
            }
        }
    }

    ArrayDeque<PermitLeaseView> leasesOfCurrentThread(String semaphore) {
        return permitLeases.get(new LeaseKey(semaphore, Thread.currentThread()));
    }

    void forget(MutexLeaderElection e) {
        elections.remove(e);
    }

    @Override
    public String backend() {
        return std.backend();
    }

    @Override
    public LockConfig config() {
        return std.config();
    }

    @Override
    public void addLeaseLostListener(LeaseLostListener listener) {
        std.addLeaseLostListener(listener);
    }

    @Override
    public void removeLeaseLostListener(LeaseLostListener listener) {
        std.removeLeaseLostListener(listener);
    }

    @Override
    public void addListener(LockListener listener) {
        std.addListener(listener);
    }

    @Override
    public void removeListener(LockListener listener) {
        std.removeListener(listener);
    }

    /** Waits for a store command with the command timeout, as the standard front does. */
    <T> T await(CompletableFuture<T> future, String what) {
        Duration timeout = std.config().commandTimeout();
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new LockException("interrupted while waiting to " + what, e);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new BackendUnavailableException(backend() + " did not answer within " + timeout + " to " + what, e);
        } catch (ExecutionException e) {
            Throwable c = StandardLockClient.unwrap(e.getCause());
            if (c instanceof RuntimeException re
                    && (c instanceof LockException || c instanceof IllegalArgumentException
                            || c instanceof IllegalStateException)) {
                throw re;
            }
            throw new BackendUnavailableException(backend() + " failed to " + what + ": " + c, c);
        }
    }

    @Override
    public void close() {
        for (MutexLeaderElection e : elections) {
            e.stopForClose();
        }
        std.close();
    }

    @Override
    public String toString() {
        return std.toString();
    }
}

package dev.distlock;

/**
 * A connection to one lock store (a Redis server, a Redlock group, a ZooKeeper ensemble, or the
 * in-process {@code memory://} store) from which {@link Mutex} handles are made. Obtain one with
 * {@link LockClients#connect(String)}; close it when the application stops.
 *
 * <p>A client is one owner per thread: two threads of one client exclude each other like two
 * separate clients do, and a thread re-entering a lock it holds costs no round trip. The client
 * runs one lease renewer (the watchdog) for all its locks.
 *
 * <p>Thread-safe.
 */
public interface LockClient extends AutoCloseable {
    /** The longest lock name accepted, in UTF-16 characters. */
    int MAX_NAME_LENGTH = 1024;

    /**
     * Returns a handle on the lock with this name. Handles are cheap, thread-safe and reusable;
     * two handles with the same name on one client are the same lock.
     *
     * @param name the lock name: any string of 1 to {@link #MAX_NAME_LENGTH} characters that is
     *        not all whitespace
     * @return the handle
     * @throws IllegalArgumentException if {@code name} is null, blank or too long
     * @throws IllegalStateException if the client is closed
     */
    Mutex mutex(String name);

    /**
     * Returns a handle on the read-write lock with this name: shared readers, one exclusive
     * writer (see {@link DistributedReadWriteLock}). Handles are cheap, thread-safe and
     * reusable. Read-write locks and mutexes live in separate name spaces.
     *
     * <p>The default throws {@link UnsupportedOperationException}: backends that offer it
     * override it.
     *
     * @param name the lock name, as for {@link #mutex(String)}
     * @return the handle
     * @throws IllegalArgumentException if {@code name} is null, blank or too long
     * @throws IllegalStateException if the client is closed
     * @throws UnsupportedOperationException if this backend has no read-write locks
     */
    default DistributedReadWriteLock readWriteLock(String name) {
        throw new UnsupportedOperationException("the " + backend() + " backend does not offer read-write locks");
    }

    /**
     * Returns a handle on the semaphore with this name and number of permits, whose permits are
     * held under leases (see {@link DistributedSemaphore}). Every user of one name must give
     * the same number of permits.
     *
     * <p>The default throws {@link UnsupportedOperationException}: backends that offer it
     * override it.
     *
     * @param name the semaphore name, as for {@link #mutex(String)}
     * @param permits how many permits may be held at once, from 1 to 1,000,000
     * @return the handle
     * @throws IllegalArgumentException if {@code name} is null, blank or too long, or
     *         {@code permits} is out of range
     * @throws IllegalStateException if the client is closed
     * @throws UnsupportedOperationException if this backend has no semaphores
     */
    default DistributedSemaphore semaphore(String name, int permits) {
        throw new UnsupportedOperationException("the " + backend() + " backend does not offer semaphores");
    }

    /**
     * Returns a new participant in the leader election of {@code group}; it competes once it
     * {@linkplain LeaderElection#join() joins} (see {@link LeaderElection}). Close it when done.
     *
     * <p>The default throws {@link UnsupportedOperationException}: backends that offer it
     * override it.
     *
     * @param group the group name, as a lock name, at most {@link #MAX_NAME_LENGTH} - 64
     *        characters
     * @return the participant, not yet joined
     * @throws IllegalArgumentException if {@code group} is null, blank or too long
     * @throws IllegalStateException if the client is closed
     * @throws UnsupportedOperationException if this backend has no leader election
     */
    default LeaderElection leaderElection(String group) {
        throw new UnsupportedOperationException("the " + backend() + " backend does not offer leader election");
    }

    /**
     * Returns the backend's name: {@code redis}, {@code redlock}, {@code zookeeper} or
     * {@code memory}.
     *
     * @return the backend name
     */
    String backend();

    /**
     * Returns the settings this client was made with.
     *
     * @return the config
     */
    LockConfig config();

    /**
     * Registers a listener told of every hold of this client that is lost.
     *
     * @param listener the listener
     * @throws IllegalArgumentException if {@code listener} is null
     */
    void addLeaseLostListener(LeaseLostListener listener);

    /**
     * Removes a listener registered with {@link #addLeaseLostListener}; does nothing if it is
     * not registered.
     *
     * @param listener the listener
     */
    void removeLeaseLostListener(LeaseLostListener listener);

    /**
     * Registers a listener told of every acquisition, release, failed acquisition and lost
     * lease of this client's locks (see {@link LockListener} for the threads it is called on).
     * Registering the same listener twice makes it hear of everything twice.
     *
     * @param listener the listener
     * @throws IllegalArgumentException if {@code listener} is null
     */
    void addListener(LockListener listener);

    /**
     * Removes one registration of a listener added with {@link #addListener}; does nothing if it
     * is not registered.
     *
     * @param listener the listener
     */
    void removeListener(LockListener listener);

    /**
     * Closes the client: stops the watchdog, releases the locks it still holds (their holders
     * are told with {@link LossReason#CLIENT_CLOSED}) and closes the connections. Calling it
     * again does nothing. After it, {@link #mutex} and the operations of existing handles throw
     * {@link IllegalStateException}.
     */
    @Override
    void close();
}

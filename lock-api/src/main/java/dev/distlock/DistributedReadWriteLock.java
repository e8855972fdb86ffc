package dev.distlock;

import java.util.concurrent.locks.ReadWriteLock;

/**
 * A distributed read-write lock: any number of readers share it, one writer excludes everybody
 * else. Obtain one with {@link LockClient#readWriteLock(String)}.
 *
 * <p>Both sides are {@link Mutex}es, with the mutex's rules for leases (watchdog or fixed),
 * fencing tokens, re-entry per (client, thread) without a round trip, loss reporting, waits that
 * never spin and interrupts that leave nothing behind. On top of them:
 * <ul>
 * <li><b>Fairness to writers.</b> A reader that arrives while a writer waits queues behind that
 *     writer, so a steady stream of readers cannot starve writers. A thread re-entering a read
 *     lock it holds never waits.</li>
 * <li><b>Downgrade.</b> A thread that holds the write lock may take the read lock, then release
 *     the write lock and keep reading; nobody can write in between.</li>
 * <li><b>No upgrade.</b> A thread that holds only the read lock cannot take the write lock (two
 *     such readers would wait for each other forever): the attempt throws
 *     {@link IllegalStateException} at once and changes nothing.</li>
 * <li><b>Fencing.</b> Every read or write hold gets a token greater than every earlier token
 *     of this name, so a resource can tell writes of older holders from newer ones.</li>
 * </ul>
 *
 * <p>{@link Mutex#isLocked()} on the read side tells whether any reader holds the lock; on the
 * write side whether a writer does.
 *
 * <p>Thread-safe; a handle may be shared by any number of threads.
 */
public interface DistributedReadWriteLock extends ReadWriteLock {
    /**
     * Returns the lock name.
     *
     * @return the name given to {@link LockClient#readWriteLock(String)}
     */
    String name();

    /**
     * Returns the shared side of the lock.
     *
     * @return the read lock; the same rules as a {@link Mutex}, shared among readers
     */
    @Override
    Mutex readLock();

    /**
     * Returns the exclusive side of the lock. Taking it while holding only the read lock throws
     * {@link IllegalStateException} (upgrade is not supported).
     *
     * @return the write lock
     */
    @Override
    Mutex writeLock();
}

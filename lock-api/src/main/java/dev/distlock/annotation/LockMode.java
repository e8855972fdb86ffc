package dev.distlock.annotation;

/**
 * Which lock a {@link DistributedLock} takes under its key. Mutexes and read-write locks live in
 * separate name spaces of a client, so an {@code EXCLUSIVE} lock on a key never excludes a
 * {@code READ} or {@code WRITE} lock on the same key.
 */
public enum LockMode {
    /** The mutex of the key ({@link dev.distlock.LockClient#mutex(String)}): one holder at a time. */
    EXCLUSIVE,
    /**
     * The read side of the key's read-write lock
     * ({@link dev.distlock.LockClient#readWriteLock(String)}): any number of callers hold it at
     * once, while no writer does.
     */
    READ,
    /**
     * The write side of the key's read-write lock: excludes every reader and every other writer
     * of the key. A thread holding only the read lock of a key cannot take its write lock (no
     * upgrade): the call throws {@link IllegalStateException}.
     */
    WRITE
}

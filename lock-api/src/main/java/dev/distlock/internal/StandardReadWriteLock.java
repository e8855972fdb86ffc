package dev.distlock.internal;

import dev.distlock.DistributedReadWriteLock;
import dev.distlock.Mutex;

/**
 * A read-write lock handle: two {@link SideMutex}es over the standard front. Holds no state of
 * its own. Thread-safe.
 */
final class StandardReadWriteLock implements DistributedReadWriteLock {
    private final String name;
    private final SideMutex read;
    private final SideMutex write;

    StandardReadWriteLock(CoordinatingLockClient client, String name) {
        this.name = name;
        this.read = new SideMutex(client, name, CoordinationRouter.Kind.READ);
        this.write = new SideMutex(client, name, CoordinationRouter.Kind.WRITE);
        read.other = write;
        write.other = read;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Mutex readLock() {
        return read;
    }

    @Override
    public Mutex writeLock() {
        return write;
    }

    @Override
    public String toString() {
        return "ReadWriteLock[" + name + "]";
    }
}

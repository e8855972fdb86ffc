package dev.distlock.internal;

/**
 * What a hold of the standard front stands for; part of the key under which the front keeps
 * holds, next to the primitive's name and the owner thread. It keeps a mutex, the read and write
 * sides of a read-write lock and each permit lease of a semaphore of one name apart without ever
 * encoding anything in (or parsing) the user's name.
 *
 * @param type the primitive's side
 * @param lease the permit lease's number ({@link Type#PERMITS}); 0 otherwise
 */
record HoldKind(Type type, long lease) {
    /** The sides a hold can be. */
    enum Type {
        MUTEX, READ, WRITE, PERMITS, ELECTION
    }

    /**
     * Separates a group's name from the suffix of the store name of its election mutex (ASCII
     * unit separator). Only ever appended, never parsed.
     */
    private static final String ELECTION_SUFFIX = "\u001Felection";

    /** A mutex hold. */
    static final HoldKind MUTEX = new HoldKind(Type.MUTEX, 0);
    /** The read side of a read-write lock. */
    static final HoldKind READ = new HoldKind(Type.READ, 0);
    /** The write side of a read-write lock. */
    static final HoldKind WRITE = new HoldKind(Type.WRITE, 0);

    /** The mutex by which a participant of a leader election leads its group. */
    static final HoldKind ELECTION = new HoldKind(Type.ELECTION, 0);

    /**
     * The kind of one permit lease.
     *
     * @param number the lease's number, unique within its client
     * @return the kind
     */
    static HoldKind permits(long number) {
        return new HoldKind(Type.PERMITS, number);
    }

    /**
     * The name under which a hold of this kind on {@code name} is asked of the backend's mutex
     * SPI: the name itself, except for an election on a driver that is no
     * {@link dev.distlock.spi.ElectionDriver}, whose mutex lives on the store under the group's
     * name plus a reserved suffix (so that it is not the group's plain mutex; a lock named exactly
     * so would share it). Terms sent to an {@code ElectionDriver} go by the group's name into the
     * backend's reserved election space. Read,
     * write and permit holds go through the coordination SPIs with the name itself.
     *
     * @param name the user's name of the primitive
     * @return the store's name for the hold
     */
    String storeName(String name) {
        return type == Type.ELECTION ? name + ELECTION_SUFFIX : name;
    }

    @Override
    public String toString() {
        return type == Type.PERMITS ? "PERMITS(" + lease + ")" : type.name();
    }
}

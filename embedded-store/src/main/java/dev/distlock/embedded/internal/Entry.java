package dev.distlock.embedded.internal;

/**
 * A key of a {@link Db}: a node of its hash table chain, with the value and the expiry.
 * Event-loop (or loaned script) thread only.
 */
final class Entry {
    static final byte STRING = 0;
    static final byte HASH = 1;
    static final byte LIST = 2;
    static final byte ZSET = 3;

    final byte[] key;
    final int hash;
    Entry next;
    byte type;
    /** byte[] for STRING, LinkedHashMap&lt;Bytes, byte[]&gt; for HASH, ByteList for LIST, ZSet for ZSET. */
    Object value;
    /** Absolute deadline in server-clock milliseconds, or -1 for none. */
    long expireAt = -1;
    /** Index in the db's array of expiring entries, or -1. */
    int expIndex = -1;

    Entry(byte[] key, int hash, byte type, Object value) {
        this.key = key;
        this.hash = hash;
        this.type = type;
        this.value = value;
    }

    static String typeName(byte type) {
        return switch (type) {
            case STRING -> "string";
            case HASH -> "hash";
            case LIST -> "list";
            case ZSET -> "zset";
            default -> "none";
        };
    }
}

package dev.distlock.embedded.internal;

/** Helpers shared by the command groups. */
abstract class Cmds {
    final RedisServerCore core;

    Cmds(RedisServerCore core) {
        this.core = core;
    }

    /** @return the live entry of the key if it has the type, null if absent; WRONGTYPE otherwise */
    static Entry typed(Client c, byte[] key, byte type) {
        Entry e = c.db().lookup(key);
        if (e != null && e.type != type) {
            throw Errors.WRONGTYPE;
        }
        return e;
    }

    static RedisError err(String message) {
        return new RedisError(message);
    }
}

package dev.distlock.embedded.internal;

/** Helpers shared by the command groups; each group runs its handlers through {@link #dispatch}. */
abstract class Cmds implements Command.Dispatcher {
    final RedisServerCore core;

    Cmds(RedisServerCore core) {
        this.core = core;
    }

    /** @return the handler numbered {@code op} of this group (see {@link Command.Dispatcher}) */
    final Command.Handler op(int op) {
        return Command.op(this, op);
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

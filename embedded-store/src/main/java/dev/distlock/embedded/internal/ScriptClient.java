package dev.distlock.embedded.internal;

/**
 * The client a script's {@code redis.call} runs as (Redis's fake Lua client): the caller's db
 * at the start, RESP2, never blocking, with read-only enforcement for EVAL_RO.
 */
final class ScriptClient extends Client {
    final boolean readOnly;
    volatile boolean wrote;

    ScriptClient(RedisServerCore core, Client caller, boolean readOnly) {
        super(core, caller.id);
        this.db = caller.db;
        this.authenticated = true;
        this.user = caller.user;
        this.readOnly = readOnly;
    }

    @Override
    boolean mayBlock() {
        return false;
    }

    @Override
    boolean isScript() {
        return true;
    }
}

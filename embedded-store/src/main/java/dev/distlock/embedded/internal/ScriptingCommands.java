package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.NOSCRIPT;

/** Placeholder until the Lua engine lands: the scripting commands answer an error. */
final class ScriptingCommands implements Scripting {
    private final RedisServerCore core;

    ScriptingCommands(RedisServerCore core) {
        this.core = core;
    }

    @Override
    public void register(CommandTable t) {
        Command.Handler none = (c, a, o) -> {
            throw new RedisError("ERR scripting is not available in this build");
        };
        t.add("eval", -3, NOSCRIPT, 0, 0, 0, none);
        t.add("evalsha", -3, NOSCRIPT, 0, 0, 0, none);
        t.add("eval_ro", -3, NOSCRIPT, 0, 0, 0, none);
        t.add("evalsha_ro", -3, NOSCRIPT, 0, 0, 0, none);
        t.add("script", -2, NOSCRIPT, 0, 0, 0, null)
                .sub("kill", 2, NOSCRIPT | Command.ALLOW_BUSY, (c, a, o) -> {
                    throw Errors.NOTBUSY;
                });
        assert core != null;
    }

    @Override
    public void flush() {
    }

    @Override
    public void kill(boolean force) {
    }

    @Override
    public int cached() {
        return 0;
    }
}

package dev.distlock.embedded.internal;

/** The scripting commands (EVAL family and SCRIPT), kept apart from the rest of the table. */
interface Scripting {
    /** Adds EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT to the table. */
    void register(CommandTable table);

    /** Forgets every cached script. */
    void flush();

    /**
     * Stops the running script, if any.
     *
     * @param force also a script that has written (server shutdown)
     */
    void kill(boolean force);

    static Scripting create(RedisServerCore core) {
        return new ScriptingCommands(core);
    }
}

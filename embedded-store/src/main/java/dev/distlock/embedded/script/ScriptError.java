package dev.distlock.embedded.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua error raised by this package (redis.call failures, {@code error()}, sandbox violations,
 * kill and time limit), carrying the exact Lua error object and where the innermost Lua frame was
 * when it was raised. luaj's own errors are plain {@link LuaError}s and are described by
 * {@link ScriptMonitor#describe}.
 *
 * <p>No stack trace is filled in: these are Lua control flow, thrown and caught often.
 */
final class ScriptError extends LuaError {
    private static final long serialVersionUID = 1L;
    private static final LuaValue ERR = LuaValue.valueOf("err");

    /** The value a Lua {@code pcall} sees: a string or a table with an {@code err} field. */
    final transient LuaValue value;
    /** Source of the innermost Lua frame when raised (e.g. {@code @user_script}), or null. */
    final String whereSource;
    /** Current line of that frame, or -1. */
    final int whereLine;

    ScriptError(LuaValue value, String whereSource, int whereLine) {
        super(value);
        this.value = value;
        this.whereSource = whereSource;
        this.whereLine = whereLine;
    }

    /** A table {@code {err = text}}, the shape Redis gives to errors from redis.call and friends. */
    static LuaTable errTable(String text) {
        LuaTable t = new LuaTable(0, 1);
        t.rawset(ERR, LuaValue.valueOf(text));
        return t;
    }

    @Override
    public LuaValue getMessageObject() {
        return value;
    }

    @Override
    public String getMessage() {
        if (value.istable()) {
            LuaValue err = value.rawget(ERR);
            return err.isstring() ? err.tojstring() : value.tojstring();
        }
        return value.tojstring();
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}

package dev.distlock.embedded.script;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A table that scripts cannot change, as in Redis 7.0 where the global table and every table
 * reachable from it ({@code redis}, {@code string}, {@code cjson}...) are read-only. Assignment
 * from Lua code fails with {@code user_script:<line>: Attempt to modify a readonly table}; from
 * library functions ({@code rawset}, {@code table.insert}, {@code setmetatable}) without the
 * position, exactly as the real server words it.
 *
 * <p>Two kinds, one set of rules:
 * <ul>
 *   <li>{@link #globals}: the sandbox's global table. Reading a global that does not exist fails
 *       with {@code Script attempted to access nonexistent global variable 'x'}; the engine
 *       replaces {@code KEYS} and {@code ARGV} before each run through {@link #setInternal}.
 *       It must be a {@link Globals}: luaj only calls the debug hook (our {@link ScriptMonitor})
 *       for closures whose environment is a {@code Globals}.</li>
 *   <li>{@link #copyOf}: a sealed copy of a library table. A table shared by all engines (the
 *       string library, which luaj's string metatable keeps in a static) has no monitor of its
 *       own and uses the one of the run on the current thread. It is a {@code Globals} too only so
 *       that the rules are written once; it is never a closure's environment.</li>
 * </ul>
 *
 * <p>Filled during sandbox setup, immutable afterwards (except {@code KEYS}/{@code ARGV});
 * command thread only after setup.
 */
final class SealedTable extends Globals {
    static final String MESSAGE = "Attempt to modify a readonly table";

    private final ScriptMonitor monitor;
    /** Reading a missing key is an error (the global table). */
    private final boolean strict;
    private boolean sealed;

    private SealedTable(ScriptMonitor monitor, boolean strict) {
        this.monitor = monitor;
        this.strict = strict;
    }

    /**
     * An empty global table for a sandbox, open until {@link #seal()}.
     *
     * @param monitor the sandbox's monitor (also its debug hook)
     */
    static SealedTable globals(ScriptMonitor monitor) {
        SealedTable t = new SealedTable(monitor, true);
        t.debuglib = monitor;
        return t;
    }

    /**
     * A sealed copy of {@code source}'s entries (and of its metatable, if any).
     *
     * @param monitor the engine's monitor, for error positions; null for a table shared by engines
     */
    static SealedTable copyOf(LuaTable source, ScriptMonitor monitor) {
        SealedTable t = new SealedTable(monitor, false);
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = source.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            t.rawset(k, n.arg(2));
        }
        LuaValue mt = source.getmetatable();
        if (mt != null && mt.istable()) {
            t.setmetatable(mt instanceof SealedTable ? mt : copyOf((LuaTable) mt, monitor));
        }
        t.sealed = true;
        return t;
    }

    /** Makes the table read-only. */
    void seal() {
        sealed = true;
    }

    /** Sets an entry bypassing the protection (KEYS, ARGV). */
    void setInternal(LuaValue key, LuaValue value) {
        boolean was = sealed;
        sealed = false;
        try {
            super.rawset(key, value);
        } finally {
            sealed = was;
        }
    }

    private ScriptMonitor monitor() {
        return monitor != null ? monitor : ScriptMonitor.CURRENT.get();
    }

    private ScriptError fromCode() {
        ScriptMonitor m = monitor();
        return m == null ? fromLibrary() : m.raisePositioned(MESSAGE, 1);
    }

    private ScriptError fromLibrary() {
        ScriptMonitor m = monitor();
        return m == null
                ? new ScriptError(LuaValue.valueOf(MESSAGE), null, -1)
                : m.raise(LuaValue.valueOf(MESSAGE));
    }

    @Override
    public LuaValue get(LuaValue key) {
        if (!strict) {
            return super.get(key);
        }
        LuaValue v = rawget(key);
        if (v.isnil() && sealed) {
            throw monitor.raisePositioned(
                    "Script attempted to access nonexistent global variable '" + key.tojstring() + "'", 1);
        }
        return v;
    }

    @Override
    public LuaValue get(int key) {
        return strict ? get(LuaValue.valueOf(key)) : super.get(key);
    }

    @Override
    public void set(int key, LuaValue value) {
        if (sealed) {
            throw fromCode();
        }
        super.set(key, value);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        if (sealed) {
            throw fromCode();
        }
        super.set(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        if (sealed) {
            throw fromLibrary();
        }
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        if (sealed) {
            throw fromLibrary();
        }
        super.rawset(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        if (sealed) {
            throw fromLibrary();
        }
        super.hashset(key, value);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        if (sealed) {
            throw fromLibrary();
        }
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        if (sealed) {
            throw fromLibrary();
        }
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        if (sealed) {
            throw fromLibrary();
        }
        super.sort(comparator);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        if (sealed) {
            throw fromLibrary();
        }
        return super.setmetatable(metatable);
    }
}

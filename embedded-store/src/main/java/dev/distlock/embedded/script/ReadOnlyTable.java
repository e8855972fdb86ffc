package dev.distlock.embedded.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A library table ({@code redis}, {@code string}, {@code cjson}...) that scripts cannot change,
 * as in Redis 7.0 where every table reachable from the globals is read-only. Assignment from Lua
 * code fails with {@code user_script:<line>: Attempt to modify a readonly table}; from library
 * functions ({@code rawset}, {@code table.insert}, {@code setmetatable}) without the position,
 * exactly as the real server words it.
 *
 * <p>Filled by {@link #copyOf} during sandbox setup, immutable afterwards. A table shared by all
 * engines (the string library, which luaj's string metatable keeps in a static) has no monitor
 * of its own and uses the one of the run on the current thread.
 */
final class ReadOnlyTable extends LuaTable {
    static final String MESSAGE = "Attempt to modify a readonly table";

    private final ScriptMonitor monitor;
    private boolean sealed;

    private ReadOnlyTable(ScriptMonitor monitor) {
        this.monitor = monitor;
    }

    /**
     * A sealed copy of {@code source}'s entries (and of its metatable, if any).
     *
     * @param monitor the engine's monitor, for error positions; null for a table shared by engines
     */
    static ReadOnlyTable copyOf(LuaTable source, ScriptMonitor monitor) {
        ReadOnlyTable t = new ReadOnlyTable(monitor);
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs n = source.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            t.rawset(k, n.arg(2));
        }
        LuaValue mt = source.getmetatable();
        if (mt != null && mt.istable()) {
            t.setmetatable(mt instanceof ReadOnlyTable ? mt : copyOf((LuaTable) mt, monitor));
        }
        t.sealed = true;
        return t;
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

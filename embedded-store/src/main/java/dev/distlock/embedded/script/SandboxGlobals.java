package dev.distlock.embedded.script;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

/**
 * The global table of the sandbox, protected as in Redis 7.0: reading a global that does not exist
 * fails with {@code Script attempted to access nonexistent global variable 'x'}, and the table is
 * read-only ({@code Attempt to modify a readonly table}) except for {@code KEYS} and {@code ARGV},
 * which the engine replaces before each run through {@link #setInternal}.
 *
 * <p>It must be a {@link Globals}: luaj only calls the debug hook (our {@link ScriptMonitor}) for
 * closures whose environment is a {@code Globals}. Command thread only after setup.
 */
final class SandboxGlobals extends Globals {
    private final ScriptMonitor monitor;
    private boolean sealed;

    SandboxGlobals(ScriptMonitor monitor) {
        this.monitor = monitor;
        this.debuglib = monitor;
    }

    void seal() {
        sealed = true;
    }

    /** Sets a global bypassing the protection (KEYS, ARGV). */
    void setInternal(LuaValue key, LuaValue value) {
        boolean was = sealed;
        sealed = false;
        try {
            super.rawset(key, value);
        } finally {
            sealed = was;
        }
    }

    @Override
    public LuaValue get(LuaValue key) {
        LuaValue v = rawget(key);
        if (v.isnil() && sealed) {
            throw monitor.raisePositioned(
                    "Script attempted to access nonexistent global variable '" + key.tojstring() + "'", 1);
        }
        return v;
    }

    @Override
    public LuaValue get(int key) {
        return get(LuaValue.valueOf(key));
    }

    private ScriptError fromCode() {
        return monitor.raisePositioned(ReadOnlyTable.MESSAGE, 1);
    }

    private ScriptError fromLibrary() {
        return monitor.raise(LuaValue.valueOf(ReadOnlyTable.MESSAGE));
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

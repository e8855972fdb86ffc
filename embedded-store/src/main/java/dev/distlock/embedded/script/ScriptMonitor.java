package dev.distlock.embedded.script;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The hook luaj calls on every Lua call, instruction and return (installed as
 * {@code globals.debuglib}; no {@code debug} table is exposed to scripts). It does three cheap
 * things:
 *
 * <ol>
 *   <li>keeps a small call stack of (prototype, pc) so errors carry Redis's
 *       {@code user_script:<line>:} prefix and {@code on @user_script:<line>} suffix. luaj resolves
 *       tail calls after the caller's frame has returned; such a frame stays on the stack as a
 *       "ghost" until the next instruction of its caller, so {@code return redis.call(...)} still
 *       reports the line of the {@code return}, as Lua 5.1 does for C functions;</li>
 *   <li>every {@value #CHECK_INTERVAL} instructions checks the deadline and a kill request (from any
 *       thread). Once stopped, every instruction raises again, so {@code pcall} cannot swallow it;</li>
 *   <li>bounds the Lua call depth, so deep recursion is a catchable "stack overflow" Lua error
 *       rather than a {@link StackOverflowError} of the server's command thread.</li>
 * </ol>
 *
 * <p>Used by one script run at a time, on the command thread; only {@link #requestKill} may be
 * called from other threads.
 */
final class ScriptMonitor extends DebugLib {
    static final int CHECK_INTERVAL = 1000;
    static final String KILLED = "ERR Script killed by user with SCRIPT KILL...";
    /** Appended by luaj (through {@link #traceback}) to errors that passed through a Lua frame. */
    private static final String SENTINEL = "\n\u0000distlock-traceback";

    /** The monitor of the run on this thread, for tables shared by all engines (the string library). */
    static final ThreadLocal<ScriptMonitor> CURRENT = new ThreadLocal<>();

    private final int maxDepth;
    private Prototype[] protos = new Prototype[32];
    private int[] pcs = new int[32];
    private boolean[] ghosts = new boolean[32];
    private int depth;
    private int budget = CHECK_INTERVAL;

    private long runId;
    private long deadlineNanos;
    private long limitMillis;
    private volatile long killRequestedFor;
    private String stopMessage;

    /** Where the last plain luaj error passed its first Lua frame (see {@link #traceback}). */
    private String errPrefix;
    private String errSource;
    private int errLine;

    ScriptMonitor(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /** Prepares for a new run. Command thread only. */
    void reset(long runId, long startNanos, long limitNanos) {
        for (int i = 0; i < depth; i++) {
            protos[i] = null;
            ghosts[i] = false;
        }
        depth = 0;
        budget = CHECK_INTERVAL;
        stopMessage = null;
        errPrefix = null;
        errSource = null;
        this.runId = runId;
        this.deadlineNanos = startNanos + limitNanos;
        this.limitMillis = limitNanos / 1_000_000L;
    }

    /** Asks the run with this id to stop at its next check. Any thread. */
    void requestKill(long id) {
        killRequestedFor = id;
    }

    boolean isStopped() {
        return stopMessage != null;
    }

    // ---- luaj hook callbacks -------------------------------------------------------------

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        if (depth > 0 && ghosts[depth - 1]) {
            // a tail call replaces the frame that made it
            protos[depth - 1] = c.p;
            pcs[depth - 1] = 0;
            ghosts[depth - 1] = false;
            return;
        }
        push(c.p);
    }

    @Override
    public void onCall(LuaFunction f) {
        push(null);
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        int d = depth;
        if (ghosts[d - 1]) {
            d = dropGhosts();
        }
        pcs[d - 1] = pc;
        if (--budget <= 0) {
            checkpoint();
        }
    }

    @Override
    public void onReturn() {
        dropGhosts();
        if (depth == 0) {
            return;
        }
        int i = depth - 1;
        Prototype p = protos[i];
        if (p != null && (p.code[pcs[i]] & 0x3f) == Lua.OP_TAILCALL) {
            ghosts[i] = true;
        } else {
            protos[i] = null;
            depth = i;
        }
    }

    /**
     * Called by luaj when a plain error first leaves a Lua frame (the top of our stack): remember
     * the frame, and mark the message so {@link #describe} can strip luaj's "source:line " prefix.
     */
    @Override
    public String traceback(int level) {
        int i = depth - 1;
        if (i >= 0 && protos[i] != null) {
            Prototype p = protos[i];
            errSource = p.source.tojstring();
            errLine = line(p, pcs[i]);
            errPrefix = errSource + ":" + (errLine >= 0 ? String.valueOf(errLine) : "?") + " ";
        } else {
            errPrefix = null;
        }
        return SENTINEL.substring(1);
    }

    // ---- frames ----------------------------------------------------------------------------

    /** Java frames (pcall, xpcall) push a marker so that errors they raise carry no position. */
    void pushJavaFrame() {
        push(null);
    }

    void popJavaFrame() {
        onReturn();
    }

    private void push(Prototype p) {
        if (depth == maxDepth) {
            throw raisePositioned("stack overflow", 1);
        }
        if (depth == protos.length) {
            int n = depth * 2;
            protos = java.util.Arrays.copyOf(protos, n);
            pcs = java.util.Arrays.copyOf(pcs, n);
            ghosts = java.util.Arrays.copyOf(ghosts, n);
        }
        protos[depth] = p;
        pcs[depth] = 0;
        ghosts[depth] = false;
        depth++;
    }

    private int dropGhosts() {
        while (depth > 0 && ghosts[depth - 1]) {
            depth--;
            ghosts[depth] = false;
            protos[depth] = null;
        }
        return depth;
    }

    private static int line(Prototype p, int pc) {
        return p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? p.lineinfo[pc] : -1;
    }

    private int innermostLuaFrame() {
        for (int i = depth - 1; i >= 0; i--) {
            if (protos[i] != null) {
                return i;
            }
        }
        return -1;
    }

    /** "user_script:3: " for the frame {@code level} levels up (1 = the caller of the raising function), or "". */
    String where(int level) {
        int i = depth - level;
        if (level <= 0 || i < 0 || protos[i] == null) {
            return "";
        }
        Prototype p = protos[i];
        return Lua.chunkid(p.source.tojstring()) + ":" + line(p, pcs[i]) + ": ";
    }

    // ---- raising ---------------------------------------------------------------------------

    /** An error with this Lua value, located at the innermost Lua frame. */
    ScriptError raise(LuaValue value) {
        int i = innermostLuaFrame();
        if (i < 0) {
            return new ScriptError(value, null, -1);
        }
        return new ScriptError(value, protos[i].source.tojstring(), line(protos[i], pcs[i]));
    }

    /** A string error prefixed with the position of {@code level} (Lua's {@code error(msg, level)}). */
    ScriptError raisePositioned(String message, int level) {
        return raise(LuaValue.valueOf(where(level) + message));
    }

    private void checkpoint() {
        budget = CHECK_INTERVAL;
        if (stopMessage == null) {
            if (killRequestedFor == runId) {
                stopMessage = KILLED;
            } else if (System.nanoTime() - deadlineNanos >= 0) {
                stopMessage = "ERR Script exceeded the time limit of " + limitMillis
                        + " ms and was stopped";
            } else {
                return;
            }
        }
        budget = 1;
        throw raise(ScriptError.errTable(stopMessage));
    }

    // ---- describing luaj's own errors ------------------------------------------------------

    /** What a Lua script (and the top level) sees of an error: its value and location. */
    record Described(LuaValue value, String whereSource, int whereLine) {
    }

    Described describe(LuaError e) {
        if (e instanceof ScriptError se) {
            return new Described(se.value, se.whereSource, se.whereLine);
        }
        String m = e.getMessage();
        if (m == null) {
            m = "nil";
        }
        if (m.endsWith(SENTINEL)) {
            m = m.substring(0, m.length() - SENTINEL.length());
            if (errPrefix != null && m.startsWith(errPrefix)) {
                String text = Lua.chunkid(errSource) + ":" + errLine + ": " + m.substring(errPrefix.length());
                return new Described(LuaValue.valueOf(text), errSource, errLine);
            }
        }
        // never left a Lua frame: raised during a tail call (the ghost frame is the position) or
        // by a Java function called straight from pcall (no position, as in Lua)
        int i = innermostLuaFrame();
        boolean topIsLua = depth > 0 && protos[depth - 1] != null;
        if (i < 0) {
            return new Described(LuaValue.valueOf(m), null, -1);
        }
        String source = protos[i].source.tojstring();
        int line = line(protos[i], pcs[i]);
        String text = topIsLua ? Lua.chunkid(source) + ":" + line + ": " + m : m;
        return new Described(LuaValue.valueOf(text), source, line);
    }
}

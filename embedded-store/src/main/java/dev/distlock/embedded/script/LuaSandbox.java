package dev.distlock.embedded.script;

import dev.distlock.embedded.resp.Reply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.LibFunction;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One Lua environment shaped like Redis 7.0's: the globals and libraries Redis scripts can use
 * (Lua 5.1 names on top of luaj's 5.2 libraries), the {@code redis} API, {@code cjson},
 * {@code bit}, and the protections (read-only globals and library tables, no {@code os},
 * {@code io}, {@code require}, {@code dofile}, {@code loadfile}, {@code print}, {@code debug}).
 *
 * <p>Built once per engine; every table scripts can reach is read-only, so runs share it safely.
 * Per run only {@code KEYS}, {@code ARGV}, the invoker and the RESP version change (the last
 * run's KEYS and ARGV stay referenced until the next run). Not
 * thread-safe: one run at a time, on the command thread.
 */
final class LuaSandbox {
    static final String REDIS_VERSION = "7.0.15";
    static final int REDIS_VERSION_NUM = 0x07000f;
    /** Redis's proto-max-bulk-len default: the largest string string.rep may build. */
    static final long MAX_STRING = 512L * 1024 * 1024;

    private static final String UNKNOWN_COMMAND = "ERR unknown command";
    private static final String WRONG_ARITY = "ERR wrong number of arguments for";
    private static final LuaString KEYS = LuaString.valueOf("KEYS");
    private static final LuaString ARGV = LuaString.valueOf("ARGV");

    /** luaj keeps the string metatable in a static: one read-only copy shared by all engines. */
    private static final LuaTable SHARED_STRING_LIB;

    static {
        SealedTable scratch = SealedTable.globals(new ScriptMonitor(1));
        scratch.rawset("package", tableWithLoaded());
        new StringLib().call(LuaValue.valueOf("string"), scratch);
        LuaTable string = (LuaTable) scratch.rawget("string");
        string.rawset("dump", LuaValue.NIL);
        string.rawset("gfind", string.rawget("gmatch"));
        string.rawset("rep", new Rep());
        string.rawset("format", new StringFormat());
        SHARED_STRING_LIB = SealedTable.copyOf(string, null);
        LuaTable mt = new LuaTable();
        mt.rawset(LuaValue.INDEX, SHARED_STRING_LIB);
        LuaString.s_metatable = SealedTable.copyOf(mt, null);
    }

    final ScriptMonitor monitor;
    final SealedTable globals;
    private final LuaValue luajToString;

    // per run
    private CommandInvoker invoker;
    private int resp = 2;

    LuaSandbox(int maxDepth) {
        monitor = new ScriptMonitor(maxDepth);
        globals = SealedTable.globals(monitor);
        globals.rawset("package", tableWithLoaded());
        new BaseLib().call(LuaValue.valueOf(""), globals);
        new TableLib().call(LuaValue.valueOf("table"), globals);
        new JseMathLib().call(LuaValue.valueOf("math"), globals);
        luajToString = globals.rawget("tostring");

        for (String name : new String[] {"package", "dofile", "loadfile", "print", "rawlen", "load"}) {
            globals.rawset(name, LuaValue.NIL);
        }
        globals.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        globals.rawset("pcall", new PCall());
        globals.rawset("xpcall", new XPCall());
        globals.rawset("error", new ErrorFn());
        globals.rawset("tostring", new ToString());
        globals.rawset("loadstring", new LoadString());
        globals.rawset("load", new Load());
        globals.rawset("gcinfo", new GcInfo());
        globals.rawset("collectgarbage", new CollectGarbage());

        LuaTable table = (LuaTable) globals.rawget("table");
        globals.rawset("unpack", table.rawget("unpack"));
        table.rawset("pack", LuaValue.NIL);
        table.rawset("unpack", LuaValue.NIL);
        table.rawset("getn", new GetN());
        table.rawset("maxn", new MaxN());
        table.rawset("foreach", new ForEach(false));
        table.rawset("foreachi", new ForEach(true));
        table.rawset("setn", new SetN());

        LuaTable math = (LuaTable) globals.rawget("math");
        math.rawset("log10", new Log10());
        math.rawset("mod", math.rawget("fmod"));

        globals.rawset("table", SealedTable.copyOf(table, monitor));
        globals.rawset("math", SealedTable.copyOf(math, monitor));
        globals.rawset("string", SHARED_STRING_LIB);
        globals.rawset("bit", SealedTable.copyOf(BitLib.create(), monitor));
        globals.rawset("cjson", SealedTable.copyOf(CJsonLib.create(), monitor));
        globals.rawset("redis", SealedTable.copyOf(redisTable(), monitor));
        globals.rawset(KEYS, new LuaTable());
        globals.rawset(ARGV, new LuaTable());
        globals.seal();
    }

    private static LuaTable tableWithLoaded() {
        LuaTable pkg = new LuaTable();
        pkg.rawset("loaded", new LuaTable());
        return pkg;
    }

    /** Compiles a chunk; throws {@link LuaError} with Lua's "chunk:line: message" text. */
    static Prototype compile(byte[] source, int offset, int length, String chunkName) {
        try {
            return LuaC.instance.compile(new ByteArrayInputStream(source, offset, length), chunkName);
        } catch (IOException e) {
            throw new LuaError(e.getMessage());
        }
    }

    /**
     * Runs a compiled script with these KEYS and ARGV; returns its first result. Lua errors are
     * thrown as {@link LuaError}.
     */
    LuaValue run(Prototype script, LuaTable keys, LuaTable argv, CommandInvoker commandInvoker) {
        globals.setInternal(KEYS, keys);
        globals.setInternal(ARGV, argv);
        invoker = commandInvoker;
        resp = 2;
        ScriptMonitor.CURRENT.set(monitor);
        try {
            return new LuaClosure(script, globals).call();
        } finally {
            invoker = null;
            ScriptMonitor.CURRENT.set(null);
        }
    }

    int resp() {
        return resp;
    }

    /** The error value Lua code sees for a caught error (Redis's pcall unwraps {err=...}). */
    private LuaValue caught(LuaError e) {
        return monitor.describe(e).value();
    }

    // ---- the redis table --------------------------------------------------------------------

    private LuaTable redisTable() {
        LuaTable r = new LuaTable();
        r.rawset("call", new Call(true));
        r.rawset("pcall", new Call(false));
        r.rawset("error_reply", new ErrorReplyFn());
        r.rawset("status_reply", new StatusReplyFn());
        r.rawset("sha1hex", new Sha1Hex());
        r.rawset("log", new Log());
        r.rawset("setresp", new SetResp());
        r.rawset("set_repl", new SetRepl());
        r.rawset("replicate_commands", new Constant(LuaValue.TRUE));
        r.rawset("breakpoint", new Constant(LuaValue.FALSE));
        r.rawset("debug", new Constant(LuaValue.NONE));
        r.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        r.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        r.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        r.rawset("LOG_WARNING", LuaValue.valueOf(3));
        r.rawset("REPL_NONE", LuaValue.valueOf(0));
        r.rawset("REPL_AOF", LuaValue.valueOf(1));
        r.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        r.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        r.rawset("REPL_ALL", LuaValue.valueOf(3));
        r.rawset("REDIS_VERSION", LuaValue.valueOf(REDIS_VERSION));
        r.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(REDIS_VERSION_NUM));
        return r;
    }

    /** Raises {@code {err="ERR <text>"}} at the caller, as luaPushError + luaError do. */
    private ScriptError redisError(String text) {
        return monitor.raise(ScriptError.errTable(LuaReplies.plainError(text)));
    }

    /**
     * Redis checks command existence and arity itself before running a command from a script, with
     * its own words; a server that answers with the client-facing texts gets them translated.
     */
    private static Reply scriptWording(Reply reply) {
        if (reply instanceof Reply.ErrorReply e) {
            String m = e.message();
            if (m.regionMatches(true, 0, UNKNOWN_COMMAND, 0, UNKNOWN_COMMAND.length())) {
                return new Reply.ErrorReply("ERR Unknown Redis command called from script");
            }
            if (m.regionMatches(true, 0, WRONG_ARITY, 0, WRONG_ARITY.length())) {
                return new Reply.ErrorReply("ERR Wrong number of args calling Redis command from script");
            }
        }
        return reply;
    }

    /** Created on the first redis.log: logging's initialisation costs tens of milliseconds. */
    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger("dev.distlock.embedded.script");
    }

    /** redis.call (raise = true) and redis.pcall. */
    private final class Call extends VarArgFunction {
        private final boolean raise;

        Call(boolean raise) {
            this.raise = raise;
            this.name = raise ? "call" : "pcall";
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (invoker == null) {
                return fail("redis.call/pcall can only be called inside a script invocation");
            }
            if (args.narg() == 0) {
                return fail("Please specify at least one argument for this redis lib call");
            }
            byte[][] argv = LuaReplies.toArgv(args);
            if (argv == null) {
                return fail("Lua redis lib command arguments must be strings or integers");
            }
            Reply reply;
            try {
                reply = invoker.invoke(argv);
            } catch (RuntimeException e) {
                reply = new Reply.ErrorReply("ERR command failed inside the server: " + e);
            }
            if (reply == null) {
                reply = new Reply.ErrorReply("ERR command returned no reply");
            }
            reply = scriptWording(reply);
            if (raise && reply instanceof Reply.ErrorReply e) {
                throw monitor.raise(ScriptError.errTable(LuaReplies.replyError(e.message())));
            }
            return LuaReplies.toLua(reply, resp);
        }

        private LuaValue fail(String text) {
            if (raise) {
                throw redisError(text);
            }
            return ScriptError.errTable(LuaReplies.plainError(text));
        }
    }

    private static final class ErrorReplyFn extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                return ScriptError.errTable("ERR wrong number or type of arguments");
            }
            String text = args.arg1().tojstring();
            return ScriptError.errTable(LuaReplies.replyError(text.startsWith("-") ? text.substring(1) : text));
        }
    }

    private static final class StatusReplyFn extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                return ScriptError.errTable("ERR wrong number or type of arguments");
            }
            LuaTable t = new LuaTable(0, 1);
            t.rawset(LuaReplies.OK, args.arg1());
            return t;
        }
    }

    private final class Sha1Hex extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1) {
                throw redisError("wrong number of arguments");
            }
            LuaValue v = args.arg1();
            byte[] data;
            if (v.type() == LuaValue.TSTRING) {
                data = LuaReplies.bytes((LuaString) v);
            } else if (v.type() == LuaValue.TNUMBER) {
                data = LuaNumbers.lua(v.todouble()).getBytes(StandardCharsets.US_ASCII);
            } else {
                data = new byte[0];
            }
            return LuaValue.valueOf(Sha1.hex(data));
        }
    }

    private final class Log extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            int n = args.narg();
            if (n < 2) {
                throw redisError("redis.log() requires two arguments or more.");
            }
            if (!args.arg1().isnumber()) {
                throw redisError("First argument must be a number (log level).");
            }
            int level = (int) args.arg1().todouble();
            if (level < 0 || level > 3) {
                throw redisError("Invalid debug level.");
            }
            System.Logger.Level jul = switch (level) {
                case 0, 1 -> System.Logger.Level.DEBUG;
                case 2 -> System.Logger.Level.INFO;
                default -> System.Logger.Level.WARNING;
            };
            System.Logger log = LogHolder.LOG;
            if (!log.isLoggable(jul)) {
                return NONE;
            }
            StringBuilder sb = new StringBuilder();
            for (int j = 2; j <= n; j++) {
                LuaValue v = args.arg(j);
                if (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) {
                    if (j != 2) {
                        sb.append(' ');
                    }
                    sb.append(v.type() == LuaValue.TNUMBER ? LuaNumbers.lua(v.todouble()) : v.tojstring());
                }
            }
            log.log(jul, sb.toString());
            return NONE;
        }
    }

    private final class SetResp extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1) {
                throw redisError("redis.setresp() requires one argument.");
            }
            int v = (int) args.arg1().optdouble(0);
            if (v != 2 && v != 3) {
                throw redisError("RESP version must be 2 or 3.");
            }
            resp = v;
            return NONE;
        }
    }

    private final class SetRepl extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1) {
                throw redisError("redis.set_repl() requires two arguments.");
            }
            int flags = (int) args.arg1().optdouble(-1);
            if ((flags & ~3) != 0) {
                throw redisError("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
            }
            return NONE;
        }
    }

    private static final class Constant extends VarArgFunction {
        private final Varargs value;

        Constant(Varargs value) {
            this.value = value;
        }

        @Override
        public Varargs invoke(Varargs args) {
            return value;
        }
    }

    // ---- base functions with Redis / Lua 5.1 behaviour -------------------------------------

    /** Redis 7's pcall: like Lua's, but an error table with an {@code err} string yields the string. */
    private final class PCall extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            monitor.pushJavaFrame();
            try {
                return varargsOf(TRUE, f.invoke(args.subargs(2)));
            } catch (LuaError e) {
                if (monitor.isStopped()) {
                    throw e;
                }
                LuaValue v = caught(e);
                if (v.istable()) {
                    LuaValue err = v.rawget(LuaReplies.ERR);
                    if (err.isstring()) {
                        v = err;
                    }
                }
                return varargsOf(FALSE, v);
            } finally {
                monitor.popJavaFrame();
            }
        }
    }

    /** Lua 5.1's xpcall(f, handler): the handler gets the error object; returns false, its result. */
    private final class XPCall extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            LuaValue handler = args.checkvalue(2);
            monitor.pushJavaFrame();
            try {
                return varargsOf(TRUE, f.invoke());
            } catch (LuaError e) {
                if (monitor.isStopped()) {
                    throw e;
                }
                return varargsOf(FALSE, handler.call(caught(e)));
            } finally {
                monitor.popJavaFrame();
            }
        }
    }

    /** error(message [, level]): strings and numbers get the position of the given level. */
    private final class ErrorFn extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.arg1();
            int level = args.optint(2, 1);
            if ((v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) && level > 0) {
                String text = v.type() == LuaValue.TNUMBER ? LuaNumbers.lua(v.todouble()) : v.tojstring();
                String where = monitor.where(level);
                throw monitor.raise(where.isEmpty() ? v : LuaValue.valueOf(where + text));
            }
            throw monitor.raise(v);
        }
    }

    /** tostring with Lua 5.1's number format ({@code %.14g}); other values as luaj does. */
    private final class ToString extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue arg) {
            if (arg.type() == LuaValue.TNUMBER) {
                return LuaValue.valueOf(LuaNumbers.lua(arg.todouble()));
            }
            return luajToString.call(arg);
        }
    }

    /** The chunk as a function, or (nil, message) as Lua's loaders return. */
    private Varargs loadChunk(byte[] source, String chunkName) {
        if (source.length > 0 && source[0] == 27) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("attempt to load a binary chunk"));
        }
        try {
            return new LuaClosure(compile(source, 0, source.length, chunkName), globals);
        } catch (LuaError e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
        }
    }

    /** loadstring(s [, chunkname]) of Lua 5.1; binary chunks are refused. */
    private final class LoadString extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            String chunkName = args.isnoneornil(2) ? s.tojstring() : args.checkjstring(2);
            return loadChunk(LuaReplies.bytes(s), chunkName);
        }
    }

    /** load(func [, chunkname]) of Lua 5.1: the chunk is read by calling func until it returns nothing. */
    private final class Load extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkfunction(1);
            String chunkName = args.optjstring(2, "=(load)");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                LuaValue piece = f.call();
                if (piece.isnil() || (piece.isstring() && piece.length() == 0)) {
                    break;
                }
                if (!piece.isstring()) {
                    return varargsOf(NIL, valueOf("reader function must return a string"));
                }
                LuaString s = piece.checkstring();
                out.write(s.m_bytes, s.m_offset, s.m_length);
            }
            return loadChunk(out.toByteArray(), chunkName);
        }
    }

    private static final class GcInfo extends ZeroArgFunction {
        @Override
        public LuaValue call() {
            Runtime rt = Runtime.getRuntime();
            return valueOf((rt.totalMemory() - rt.freeMemory()) / 1024);
        }
    }

    /** collectgarbage: "count" reports the heap; nothing here may start a JVM-wide GC. */
    private static final class CollectGarbage extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            String opt = args.optjstring(1, "collect");
            return switch (opt) {
                case "count" -> {
                    Runtime rt = Runtime.getRuntime();
                    yield valueOf((rt.totalMemory() - rt.freeMemory()) / 1024.0);
                }
                case "collect", "stop", "restart", "setpause", "setstepmul" -> ZERO;
                case "step" -> FALSE;
                default -> argerror(1, "invalid option '" + opt + "'");
            };
        }
    }

    // ---- Lua 5.1 table and math compatibility ----------------------------------------------

    private static final class GetN extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue t) {
            return valueOf(t.checktable().rawlen());
        }
    }

    private static final class MaxN extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue arg) {
            LuaTable t = arg.checktable();
            double max = 0;
            LuaValue k = NIL;
            while (true) {
                Varargs n = t.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                if (k.type() == TNUMBER && k.todouble() > max) {
                    max = k.todouble();
                }
            }
            return valueOf(max);
        }
    }

    private static final class ForEach extends LibFunction {
        private final boolean indexed;

        ForEach(boolean indexed) {
            this.indexed = indexed;
        }

        @Override
        public LuaValue call(LuaValue table, LuaValue f) {
            LuaTable t = table.checktable();
            f.checkfunction();
            if (indexed) {
                int n = t.rawlen();
                for (int i = 1; i <= n; i++) {
                    LuaValue r = f.call(valueOf(i), t.rawget(i));
                    if (!r.isnil()) {
                        return r;
                    }
                }
                return NIL;
            }
            LuaValue k = NIL;
            while (true) {
                Varargs n = t.next(k);
                if ((k = n.arg1()).isnil()) {
                    return NIL;
                }
                LuaValue r = f.call(k, n.arg(2));
                if (!r.isnil()) {
                    return r;
                }
            }
        }
    }

    private static final class SetN extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            throw new LuaError("'setn' is obsolete");
        }
    }

    private static final class Log10 extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue x) {
            return valueOf(Math.log10(x.checkdouble()));
        }
    }

    /** string.rep(s, n) bounded by Redis's largest string, instead of luaj's unchecked int math. */
    private static final class Rep extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            int n = args.checkint(2);
            if (n <= 0 || s.m_length == 0) {
                return EMPTYSTRING;
            }
            long total = (long) s.m_length * n;
            if (total > MAX_STRING) {
                throw new LuaError("resulting string too large");
            }
            byte[] bytes = new byte[(int) total];
            for (int offset = 0; offset < bytes.length; offset += s.m_length) {
                s.copyInto(0, bytes, offset, s.m_length);
            }
            return LuaString.valueUsing(bytes);
        }
    }
}

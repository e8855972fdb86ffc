package dev.distlock.embedded.script;

import dev.distlock.embedded.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * The Lua scripting engine of the embedded Redis server: EVAL, EVALSHA and SCRIPT
 * LOAD/EXISTS/FLUSH/KILL with Redis 7.0's behaviour, on luaj.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>What it stores.</b> A map from SHA-1 (lowercase hex of the script body, shebang
 *       included, as Redis hashes it) to the compiled luaj {@link Prototype}. EVAL and SCRIPT LOAD
 *       both fill it; {@link #flush} empties it. Compiling happens once per body.</li>
 *   <li><b>One sandbox.</b> A single Lua environment ({@link LuaSandbox}) is built on first use
 *       (luaj's class loading costs tens of milliseconds; building it lazily keeps server start
 *       fast) and shared by all runs. It is safe to share because, as in Redis 7.0, the globals
 *       and every library table are read-only; scripts only get fresh {@code KEYS}/{@code ARGV}
 *       tables. A run costs one closure object, two small tables and the script itself.</li>
 *   <li><b>Running.</b> Runs happen one at a time (the server calls eval/evalsha from its single
 *       command thread); {@code redis.call} goes to the {@link CommandInvoker} of that run,
 *       synchronously, on the same thread. A run started from inside a script (the invoker calling
 *       back into the engine) is refused with an error reply instead of corrupting state.</li>
 *   <li><b>Failures.</b> A compile error is {@code -ERR Error compiling script (new function):
 *       user_script:<line>: ...}; an unknown SHA is {@code -NOSCRIPT}; a Lua error or a failed
 *       {@code redis.call} becomes {@code -<CODE> <message> script: <sha>, on @user_script:<line>.}
 *       keeping the error code of the command (WRONGTYPE stays WRONGTYPE). A script that runs
 *       longer than the time limit, or is killed with {@link #kill} from another thread, is stopped
 *       at its next check (every 1000 Lua instructions); the stop
 *       cannot be caught by {@code pcall}. A long single command inside the script (a big KEYS)
 *       cannot be interrupted. Deep recursion is a Lua "stack overflow" error; a
 *       {@link StackOverflowError} of the thread is still caught and answered as an error.
 *       Lua calls may nest 200 deep (luaj recurses on the Java stack; 200 frames need about
 *       half a megabyte).</li>
 *   <li><b>Not provided.</b> Lua 5.1 itself: luaj implements 5.2, so some error texts differ and
 *       luaj formats non-integral numbers differently when concatenating ({@code ..});
 *       {@code tostring}, {@code redis.call} arguments and cjson use Redis's formats. No
 *       {@code struct}, {@code cmsgpack} or {@code coroutine} libraries, no script debugger.</li>
 * </ul>
 *
 * <p>Thread-safety: {@link #eval}, {@link #evalsha} run one at a time (a second concurrent call
 * waits for the first); {@link #load}, {@link #exists}, {@link #flush}, {@link #kill},
 * {@link #isRunning} and {@link #runningMillis} may be called from any thread at any time.
 */
public final class ScriptEngine {
    /** Lua call depth at which a script gets "stack overflow" (luaj uses the Java stack). */
    static final int MAX_CALL_DEPTH = 200;
    private static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
    private static final String CHUNK_NAME = "@user_script";
    private static final Set<String> SHEBANG_FLAGS =
            Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys");
    private static final Pattern LUAJ_UNEXPECTED_SYMBOL = Pattern.compile("unexpected symbol (\\d+) \\(.\\)");
    /** luaj's reserved tokens, from 257, for turning "unexpected symbol 286" into Lua's wording. */
    private static final String[] LUAJ_TOKENS = {
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while", "..", "...",
        "==", ">=", "<=", "~=", "::", "<eof>", "<number>", "<name>", "<string>",
    };

    private final long limitNanos;
    private final Map<String, Prototype> scripts = new ConcurrentHashMap<>();
    private final AtomicLong runs = new AtomicLong();
    private final Object runLock = new Object();
    private volatile LuaSandbox sandbox;
    private volatile long runningId;
    private volatile long startNanos;

    /**
     * Creates an engine. Cheap: the Lua environment is built on the first EVAL or EVALSHA.
     *
     * @param timeLimit how long a script may run before it is stopped with an error reply
     * @throws IllegalArgumentException if {@code timeLimit} is null, zero or negative
     */
    public ScriptEngine(Duration timeLimit) {
        if (timeLimit == null || timeLimit.isZero() || timeLimit.isNegative()) {
            throw new IllegalArgumentException("timeLimit must be a positive duration, got " + timeLimit);
        }
        long nanos;
        try {
            nanos = timeLimit.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE / 2;
        }
        this.limitNanos = Math.min(nanos, Long.MAX_VALUE / 2);
    }

    /**
     * SCRIPT LOAD: compiles and caches a script without running it.
     *
     * @param script the script body
     * @return a bulk reply with the SHA-1 (lowercase hex), or an error reply if it does not compile
     * @throws IllegalArgumentException if {@code script} is null
     */
    public Reply load(byte[] script) {
        requireArg(script, "script");
        String sha = Sha1.hex(script);
        Object compiled = compiled(sha, script);
        if (compiled instanceof Reply error) {
            return error;
        }
        return new Reply.BulkReply(sha.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * EVAL: compiles (once, cached by SHA-1) and runs a script.
     *
     * @param script the script body
     * @param keys the KEYS table, in order; the arrays are not copied and must not change
     * @param args the ARGV table, in order; the arrays are not copied and must not change
     * @param invoker runs {@code redis.call}/{@code redis.pcall} commands on the calling thread
     * @return the script's result converted by Redis's rules, or an error reply
     * @throws IllegalArgumentException if an argument or an element of {@code keys}/{@code args} is null
     */
    public Reply eval(byte[] script, byte[][] keys, byte[][] args, CommandInvoker invoker) {
        requireArg(script, "script");
        checkRunArgs(keys, args, invoker);
        String sha = Sha1.hex(script);
        Object compiled = compiled(sha, script);
        if (compiled instanceof Reply error) {
            return error;
        }
        return run(sha, (Prototype) compiled, keys, args, invoker);
    }

    /**
     * EVALSHA: runs a cached script.
     *
     * @param sha1 the script's SHA-1 in hex, either case
     * @param keys the KEYS table, in order; the arrays are not copied and must not change
     * @param args the ARGV table, in order; the arrays are not copied and must not change
     * @param invoker runs {@code redis.call}/{@code redis.pcall} commands on the calling thread
     * @return the result, {@code -NOSCRIPT No matching script. Please use EVAL.} if unknown, or an error reply
     * @throws IllegalArgumentException if an argument or an element of {@code keys}/{@code args} is null
     */
    public Reply evalsha(String sha1, byte[][] keys, byte[][] args, CommandInvoker invoker) {
        requireArg(sha1, "sha1");
        checkRunArgs(keys, args, invoker);
        String sha = sha1.toLowerCase(Locale.ROOT);
        Prototype p = sha.length() == 40 ? scripts.get(sha) : null;
        if (p == null) {
            return new Reply.ErrorReply(NOSCRIPT);
        }
        return run(sha, p, keys, args, invoker);
    }

    /**
     * SCRIPT EXISTS for one SHA-1.
     *
     * @param sha1 the SHA-1 in hex, either case
     * @return whether the script is cached
     * @throws IllegalArgumentException if {@code sha1} is null
     */
    public boolean exists(String sha1) {
        requireArg(sha1, "sha1");
        return scripts.containsKey(sha1.toLowerCase(Locale.ROOT));
    }

    /** SCRIPT FLUSH: forgets every cached script. A running script finishes normally. */
    public void flush() {
        scripts.clear();
    }

    /**
     * SCRIPT KILL: asks the running script to stop; it ends at its next check with
     * {@code -ERR Script killed by user with SCRIPT KILL... script: <sha>, on @user_script:<line>.}.
     * Callable from any thread. (Redis refuses to kill a script that has written; that decision,
     * {@code -UNKILLABLE}, belongs to the server, which sees the commands.)
     *
     * @return true if a script was running, false if none was
     */
    public boolean kill() {
        long id = runningId;
        LuaSandbox sb = sandbox;
        if (id == 0 || sb == null) {
            return false;
        }
        sb.monitor.requestKill(id);
        return true;
    }

    /**
     * Whether a script is running now. Callable from any thread (for BUSY replies).
     *
     * @return true while eval/evalsha is executing Lua code or its commands
     */
    public boolean isRunning() {
        return runningId != 0;
    }

    /**
     * How long the current script has been running. Callable from any thread.
     *
     * @return milliseconds since the current script started, 0 if none is running
     */
    public long runningMillis() {
        long start = startNanos;
        if (runningId == 0) {
            return 0;
        }
        return Math.max(0, (System.nanoTime() - start) / 1_000_000L);
    }

    // ---- internals -------------------------------------------------------------------------

    private static void requireArg(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static void checkRunArgs(byte[][] keys, byte[][] args, CommandInvoker invoker) {
        requireArg(keys, "keys");
        requireArg(args, "args");
        requireArg(invoker, "invoker");
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == null) {
                throw new IllegalArgumentException("keys[" + i + "] must not be null");
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                throw new IllegalArgumentException("args[" + i + "] must not be null");
            }
        }
    }

    /** The cached or newly compiled prototype, or an error {@link Reply}. */
    private Object compiled(String sha, byte[] script) {
        Prototype p = scripts.get(sha);
        if (p != null) {
            return p;
        }
        int offset = 0;
        if (script.length >= 2 && script[0] == '#' && script[1] == '!') {
            int newline = indexOf(script, (byte) '\n');
            if (newline < 0) {
                return new Reply.ErrorReply("ERR Invalid script shebang");
            }
            String error = checkShebang(new String(script, 0, newline, StandardCharsets.UTF_8));
            if (error != null) {
                return new Reply.ErrorReply(error);
            }
            offset = newline; // keep the newline: line numbers stay those of the body
        }
        try {
            p = LuaSandbox.compile(script, offset, script.length - offset, CHUNK_NAME);
        } catch (LuaError e) {
            return new Reply.ErrorReply(LuaReplies.oneLine(
                    "ERR Error compiling script (new function): " + luaCompileMessage(e.getMessage())));
        }
        Prototype raced = scripts.putIfAbsent(sha, p);
        return raced != null ? raced : p;
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Redis 7's "#!lua flags=..." header: null if valid, else the error text. */
    private static String checkShebang(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            return "ERR Invalid engine in script shebang";
        }
        if (!parts[0].equals("#!lua")) {
            return "ERR Unexpected engine in script shebang: " + parts[0];
        }
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("flags=")) {
                return "ERR Unknown lua shebang option: " + parts[i];
            }
            String flags = parts[i].substring("flags=".length());
            if (flags.isEmpty()) {
                continue;
            }
            for (String flag : flags.split(",", -1)) {
                if (!SHEBANG_FLAGS.contains(flag)) {
                    return "ERR Unexpected flag in script shebang: " + flag;
                }
            }
        }
        return null;
    }

    /** luaj says "unexpected symbol 286 (Ğ)" and "<eos>" where Lua says "near '<eof>'". */
    private static String luaCompileMessage(String message) {
        if (message == null) {
            return "unknown error";
        }
        Matcher m = LUAJ_UNEXPECTED_SYMBOL.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int token = Integer.parseInt(m.group(1));
            String text = token >= 257 && token - 257 < LUAJ_TOKENS.length
                    ? LUAJ_TOKENS[token - 257]
                    : String.valueOf((char) token);
            m.appendReplacement(sb, Matcher.quoteReplacement("unexpected symbol near '" + text + "'"));
        }
        m.appendTail(sb);
        return sb.toString().replace("<eos>", "<eof>");
    }

    private LuaSandbox sandbox() {
        LuaSandbox sb = sandbox;
        if (sb == null) {
            sb = new LuaSandbox(MAX_CALL_DEPTH);
            sandbox = sb;
        }
        return sb;
    }

    private static LuaTable table(byte[][] values) {
        LuaValue[] items = new LuaValue[values.length];
        for (int i = 0; i < values.length; i++) {
            items[i] = LuaString.valueUsing(values[i]);
        }
        return LuaValue.listOf(items);
    }

    private Reply run(String sha, Prototype script, byte[][] keys, byte[][] args, CommandInvoker invoker) {
        synchronized (runLock) {
            if (runningId != 0) {
                return new Reply.ErrorReply("ERR This Redis command is not allowed from script");
            }
            LuaSandbox sb = sandbox();
            LuaTable keyTable = table(keys);
            LuaTable argTable = table(args);
            long id = runs.incrementAndGet();
            long start = System.nanoTime();
            sb.monitor.reset(id, start, limitNanos);
            startNanos = start;
            runningId = id;
            LuaValue result;
            try {
                result = sb.run(script, keyTable, argTable, invoker);
            } catch (LuaError e) {
                return errorReply(sb.monitor.describe(e), sha);
            } catch (StackOverflowError e) {
                return new Reply.ErrorReply("ERR Error running script " + sha + ", stack overflow");
            } finally {
                runningId = 0;
            }
            return LuaReplies.toReply(result, sb.resp());
        }
    }

    /** The reply Redis's error handler builds: the message, then where the innermost Lua frame was. */
    static Reply errorReply(ScriptMonitor.Described d, String sha) {
        LuaValue v = d.value();
        String message;
        if (v.istable()) {
            LuaValue err = v.rawget(LuaReplies.ERR);
            message = err.isstring() ? err.tojstring() : "ERR user script raised a table without an 'err' field";
        } else if (v.type() == LuaValue.TNUMBER) {
            message = "ERR " + LuaNumbers.lua(v.todouble());
        } else {
            message = "ERR " + v.tojstring();
        }
        if (d.whereSource() != null && d.whereLine() >= 0) {
            message = message + " script: " + sha + ", on " + d.whereSource() + ":" + d.whereLine() + ".";
        }
        return new Reply.ErrorReply(LuaReplies.oneLine(message));
    }

    /** For tests and diagnostics: the number of cached scripts. */
    int cachedScripts() {
        return scripts.size();
    }

    @Override
    public String toString() {
        return "ScriptEngine[scripts=" + scripts.size() + ", running=" + isRunning() + "]";
    }
}

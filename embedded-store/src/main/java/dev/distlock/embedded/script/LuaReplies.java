package dev.distlock.embedded.script;

import dev.distlock.embedded.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Redis's conversion rules between replies and Lua values (script_lua.c in Redis 7.0).
 *
 * <p>Redis → Lua, RESP2 (the default inside scripts): integer → number, bulk → string, null bulk
 * and null array → {@code false}, array → table, status → {@code {ok=...}}, error →
 * {@code {err=...}}; RESP3 types degrade as a RESP2 client sees them (map → flat array, set →
 * array, double → bulk string, boolean → 1/0). After {@code redis.setresp(3)}: map →
 * {@code {map=...}}, set → {@code {set=...}}, double → {@code {double=...}}, boolean → boolean,
 * null → nil.
 *
 * <p>Lua → Redis: string → bulk, number → integer (truncated toward zero), {@code true} → 1 and
 * {@code false} → null (RESP2) or booleans (RESP3), table with a string {@code err} → error, with a
 * string {@code ok} → status, {@code double}/{@code map}/{@code set}/{@code big_number}/
 * {@code verbatim_string} fields → their types, any other table → array of its elements 1..n up
 * to the first nil, anything else → null.
 *
 * <p>Stateless and thread-safe.
 */
final class LuaReplies {
    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString OK = LuaString.valueOf("ok");
    private static final LuaString DOUBLE = LuaString.valueOf("double");
    private static final LuaString MAP = LuaString.valueOf("map");
    private static final LuaString SET = LuaString.valueOf("set");
    private static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    private static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    private static final LuaString STRING = LuaString.valueOf("string");
    /** Redis answers "reached lua stack limit" for tables nested deeper than its Lua stack allows. */
    static final int MAX_NESTING = 1000;

    private LuaReplies() {
    }

    // ---- Redis -> Lua ----------------------------------------------------------------------

    static LuaValue toLua(Reply reply, int resp) {
        if (reply instanceof Reply.BulkReply b) {
            return LuaString.valueOf(b.data());
        } else if (reply instanceof Reply.IntReply i) {
            return LuaValue.valueOf((double) i.value());
        } else if (reply instanceof Reply.SimpleReply s) {
            LuaTable t = new LuaTable(0, 1);
            t.rawset(OK, LuaValue.valueOf(s.text()));
            return t;
        } else if (reply instanceof Reply.ErrorReply e) {
            return ScriptError.errTable(replyError(e.message()));
        } else if (reply instanceof Reply.NullReply || reply instanceof Reply.NullArrayReply) {
            return resp == 2 ? LuaValue.FALSE : LuaValue.NIL;
        } else if (reply instanceof Reply.ArrayReply a) {
            return array(a.items(), resp);
        } else if (reply instanceof Reply.PushReply p) {
            return array(p.items(), resp);
        } else if (reply instanceof Reply.SetReply s) {
            if (resp == 2) {
                return array(s.items(), resp);
            }
            LuaTable set = new LuaTable();
            for (Reply item : s.items()) {
                set.rawset(toLua(item, resp), LuaValue.TRUE);
            }
            return single(SET, set);
        } else if (reply instanceof Reply.MapReply m) {
            if (resp == 2) {
                return array(m.keysAndValues(), resp);
            }
            LuaTable map = new LuaTable();
            List<Reply> kv = m.keysAndValues();
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                LuaValue k = toLua(kv.get(i), resp);
                if (!k.isnil()) {
                    map.rawset(k, toLua(kv.get(i + 1), resp));
                }
            }
            return single(MAP, map);
        } else if (reply instanceof Reply.DoubleReply d) {
            return resp == 2
                    ? LuaValue.valueOf(LuaNumbers.exact(d.value()))
                    : single(DOUBLE, LuaValue.valueOf(d.value()));
        } else if (reply instanceof Reply.BoolReply b) {
            if (resp == 2) {
                return LuaValue.valueOf(b.value() ? 1 : 0);
            }
            return LuaValue.valueOf(b.value());
        }
        throw new IllegalArgumentException("unknown reply type: " + reply);
    }

    private static LuaTable array(List<Reply> items, int resp) {
        LuaValue[] values = new LuaValue[items.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = toLua(items.get(i), resp);
        }
        // nil elements (RESP3 nulls) must not go into the array part: LuaTable keeps the length
        LuaTable t = new LuaTable(values.length, 0);
        for (int i = 0; i < values.length; i++) {
            if (!values[i].isnil()) {
                t.rawset(i + 1, values[i]);
            }
        }
        return t;
    }

    private static LuaTable single(LuaString key, LuaValue value) {
        LuaTable t = new LuaTable(0, 1);
        t.rawset(key, value);
        return t;
    }

    /**
     * The {@code err} text for an error reply of a command, as luaPushErrorBuff builds it from
     * {@code "-" + message}: the first word is the code (a message without a space gets the code
     * {@code ERR}); CR/LF around the rest go.
     */
    static String replyError(String message) {
        int space = message.indexOf(' ');
        if (space < 0) {
            return "ERR " + trimCrLf(message);
        }
        return message.substring(0, space) + " " + trimCrLf(message.substring(space + 1));
    }

    /** The {@code err} text for an engine message without a code (luaPushError): {@code ERR <text>}. */
    static String plainError(String text) {
        return "ERR " + trimCrLf(text);
    }

    private static String trimCrLf(String text) {
        int start = 0;
        int end = text.length();
        while (end > start && (text.charAt(end - 1) == '\r' || text.charAt(end - 1) == '\n')) {
            end--;
        }
        while (start < end && (text.charAt(start) == '\r' || text.charAt(start) == '\n')) {
            start++;
        }
        return text.substring(start, end);
    }

    // ---- Lua -> redis.call arguments -------------------------------------------------------

    /**
     * The argument vector of redis.call: strings byte for byte, numbers as {@code %.17g}.
     *
     * @return the arguments, or null if one is neither a string nor a number
     */
    static byte[][] toArgv(Varargs args) {
        int n = args.narg();
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue a = args.arg(i + 1);
            switch (a.type()) {
                case LuaValue.TSTRING -> argv[i] = bytes((LuaString) a.checkstring());
                case LuaValue.TNUMBER -> argv[i] = a.isinttype()
                        ? Integer.toString(a.toint()).getBytes(StandardCharsets.US_ASCII)
                        : LuaNumbers.exact(a.todouble()).getBytes(StandardCharsets.US_ASCII);
                default -> {
                    return null;
                }
            }
        }
        return argv;
    }

    /** A private copy of a Lua string's bytes (the server may keep or even mutate what it gets). */
    static byte[] bytes(LuaString s) {
        return Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + s.m_length);
    }

    // ---- Lua -> Redis ----------------------------------------------------------------------

    static Reply toReply(LuaValue v, int resp) {
        return toReply(v, resp, 0);
    }

    private static Reply toReply(LuaValue v, int resp, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING:
                return new Reply.BulkReply(bytes((LuaString) v.checkstring()));
            case LuaValue.TNUMBER:
                return new Reply.IntReply(v.isinttype() ? v.toint() : LuaNumbers.toLongLikeC(v.todouble()));
            case LuaValue.TBOOLEAN:
                if (resp == 2) {
                    return v.toboolean() ? new Reply.IntReply(1) : Reply.NULL;
                }
                return new Reply.BoolReply(v.toboolean());
            case LuaValue.TTABLE:
                if (depth >= MAX_NESTING) {
                    return new Reply.ErrorReply("ERR reached lua stack limit");
                }
                return tableToReply((LuaTable) v, resp, depth);
            default:
                return Reply.NULL;
        }
    }

    private static Reply tableToReply(LuaTable t, int resp, int depth) {
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            return new Reply.ErrorReply(oneLine(err.tojstring()));
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            return new Reply.SimpleReply(oneLine(ok.tojstring()));
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            return new Reply.DoubleReply(dbl.todouble());
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            return Reply.BulkReply.of(oneLine(big.tojstring()));
        }
        LuaValue verbatim = t.rawget(VERBATIM);
        if (verbatim.type() == LuaValue.TTABLE) {
            LuaValue format = verbatim.rawget(LuaString.valueOf("format"));
            LuaValue str = verbatim.rawget(STRING);
            if (format.type() == LuaValue.TSTRING && str.type() == LuaValue.TSTRING) {
                return new Reply.BulkReply(bytes((LuaString) str));
            }
        }
        LuaValue map = t.rawget(MAP);
        if (map.type() == LuaValue.TTABLE) {
            List<Reply> kv = new ArrayList<>();
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = map.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                kv.add(toReply(k, resp, depth + 1));
                kv.add(toReply(n.arg(2), resp, depth + 1));
            }
            return new Reply.MapReply(List.copyOf(kv));
        }
        LuaValue set = t.rawget(SET);
        if (set.type() == LuaValue.TTABLE) {
            List<Reply> items = new ArrayList<>();
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = set.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                items.add(toReply(k, resp, depth + 1));
            }
            return new Reply.SetReply(List.copyOf(items));
        }
        List<Reply> items = new ArrayList<>();
        for (int j = 1; ; j++) {
            LuaValue item = t.rawget(j);
            if (item.isnil()) {
                break;
            }
            items.add(toReply(item, resp, depth + 1));
        }
        return new Reply.ArrayReply(List.copyOf(items));
    }

    /** Redis writes status and error replies with CR and LF turned into spaces. */
    static String oneLine(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
    }
}

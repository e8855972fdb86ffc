package dev.distlock.embedded.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code cjson} table Redis scripts use: {@code encode}, {@code decode} and {@code null},
 * following lua-cjson 2.1's default configuration (numbers with 14 significant digits, "/" escaped,
 * empty tables encoded as {@code {}}, excessively sparse arrays rejected, nesting limited to 1000,
 * errors worded as lua-cjson words them). The configuration functions are not provided.
 *
 * <p>Stateless; the functions are thread-safe.
 */
final class CJsonLib {
    /** {@code cjson.null}: a light userdata in lua-cjson; converts to a null reply. */
    static final LuaValue NULL = new LuaUserdata(new Object() {
        @Override
        public String toString() {
            return "cjson.null";
        }
    });
    private static final int MAX_DEPTH = 1000;
    private static final int SPARSE_RATIO = 2;
    private static final int SPARSE_SAFE = 10;

    private CJsonLib() {
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("encode", new Encode());
        t.rawset("decode", new Decode());
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    static final class Encode extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1) {
                throw new LuaError("bad argument #1 to 'encode' (expected 1 argument)");
            }
            StringBuilder out = new StringBuilder();
            encode(args.arg1(), out, 0);
            return LuaString.valueOf(out.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** Appends JSON; strings are kept as bytes, one char per byte (ISO-8859-1), like lua-cjson. */
    private static void encode(LuaValue v, StringBuilder out, int depth) {
        switch (v.type()) {
            case LuaValue.TNIL -> out.append("null");
            case LuaValue.TBOOLEAN -> out.append(v.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> out.append(number(v.todouble()));
            case LuaValue.TSTRING -> string((LuaString) v.checkstring(), out);
            case LuaValue.TTABLE -> table((LuaTable) v, out, depth + 1);
            case LuaValue.TUSERDATA, LuaValue.TLIGHTUSERDATA -> {
                if (v != NULL) {
                    throw unsupported(v);
                }
                out.append("null");
            }
            default -> throw unsupported(v);
        }
    }

    private static LuaError unsupported(LuaValue v) {
        return new LuaError("Cannot serialise " + v.typename() + ": type not supported");
    }

    private static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new LuaError("Cannot serialise number: must not be NaN or Inf");
        }
        return LuaNumbers.lua(d);
    }

    private static void table(LuaTable t, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        int length = arrayLength(t);
        if (length > 0) {
            out.append('[');
            for (int i = 1; i <= length; i++) {
                if (i > 1) {
                    out.append(',');
                }
                encode(t.rawget(i), out, depth);
            }
            out.append(']');
            return;
        }
        out.append('{');
        boolean first = true;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            if (k.type() == LuaValue.TSTRING) {
                string((LuaString) k, out);
            } else if (k.type() == LuaValue.TNUMBER) {
                out.append('"').append(number(k.todouble())).append('"');
            } else {
                throw new LuaError("Cannot serialise " + k.typename() + ": table key must be a number or string");
            }
            out.append(':');
            encode(n.arg(2), out, depth);
        }
        out.append('}');
    }

    /** lua-cjson's lua_array_length: the array size, 0 for empty, -1 when it must be an object. */
    private static int arrayLength(LuaTable t) {
        double max = 0;
        int items = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (k.type() != LuaValue.TNUMBER) {
                return -1;
            }
            double d = k.todouble();
            if (d != Math.floor(d) || d < 1) {
                return -1;
            }
            max = Math.max(max, d);
            items++;
        }
        if (max > (double) items * SPARSE_RATIO && max > SPARSE_SAFE) {
            throw new LuaError("Cannot serialise table: excessively sparse array");
        }
        return (int) max;
    }

    private static void string(LuaString s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append("\\/");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        out.append((char) c);
                    }
                }
            }
        }
        out.append('"');
    }

    // ---- decode -----------------------------------------------------------------------------

    static final class Decode extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1) {
                throw new LuaError("bad argument #1 to 'decode' (expected 1 argument)");
            }
            LuaString s = args.checkstring(1);
            Parser p = new Parser(s.m_bytes, s.m_offset, s.m_length);
            LuaValue v = p.value(p.next(), 0);
            Token end = p.next();
            if (end.type != T_END) {
                throw p.error("the end", end);
            }
            return v;
        }
    }

    private static final int T_OBJ_BEGIN = 0;
    private static final int T_OBJ_END = 1;
    private static final int T_ARR_BEGIN = 2;
    private static final int T_ARR_END = 3;
    private static final int T_STRING = 4;
    private static final int T_NUMBER = 5;
    private static final int T_BOOLEAN = 6;
    private static final int T_NULL = 7;
    private static final int T_COLON = 8;
    private static final int T_COMMA = 9;
    private static final int T_END = 10;
    private static final int T_ERROR = 11;
    private static final String[] TOKEN_NAMES = {
        "T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER",
        "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_ERROR",
    };

    private record Token(int type, int index, LuaValue value, String error) {
    }

    private static final class Parser {
        private final byte[] b;
        private final int start;
        private final int end;
        private int pos;

        Parser(byte[] b, int offset, int length) {
            this.b = b;
            this.start = offset;
            this.end = offset + length;
            this.pos = offset;
        }

        LuaError error(String expected, Token t) {
            String found = t.type == T_ERROR ? t.error : TOKEN_NAMES[t.type];
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (t.index + 1));
        }

        LuaValue value(Token t, int depth) {
            switch (t.type) {
                case T_STRING, T_NUMBER, T_BOOLEAN:
                    return t.value;
                case T_NULL:
                    return NULL;
                case T_OBJ_BEGIN:
                    return object(t, depth + 1);
                case T_ARR_BEGIN:
                    return array(t, depth + 1);
                default:
                    throw error("value", t);
            }
        }

        private void checkDepth(Token t, int depth) {
            if (depth > MAX_DEPTH) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character " + (t.index + 1));
            }
        }

        private LuaTable object(Token open, int depth) {
            checkDepth(open, depth);
            LuaTable t = new LuaTable();
            Token tok = next();
            if (tok.type == T_OBJ_END) {
                return t;
            }
            while (true) {
                if (tok.type != T_STRING) {
                    throw error("object key string", tok);
                }
                LuaValue key = tok.value;
                tok = next();
                if (tok.type != T_COLON) {
                    throw error("colon", tok);
                }
                t.rawset(key, value(next(), depth));
                tok = next();
                if (tok.type == T_OBJ_END) {
                    return t;
                }
                if (tok.type != T_COMMA) {
                    throw error("comma or object end", tok);
                }
                tok = next();
            }
        }

        private LuaTable array(Token open, int depth) {
            checkDepth(open, depth);
            LuaTable t = new LuaTable();
            Token tok = next();
            if (tok.type == T_ARR_END) {
                return t;
            }
            for (int i = 1; ; i++) {
                t.rawset(i, value(tok, depth));
                tok = next();
                if (tok.type == T_ARR_END) {
                    return t;
                }
                if (tok.type != T_COMMA) {
                    throw error("comma or array end", tok);
                }
                tok = next();
            }
        }

        Token next() {
            while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
                pos++;
            }
            int index = pos - start;
            if (pos >= end) {
                return new Token(T_END, index, null, null);
            }
            int c = b[pos];
            switch (c) {
                case '{':
                    pos++;
                    return new Token(T_OBJ_BEGIN, index, null, null);
                case '}':
                    pos++;
                    return new Token(T_OBJ_END, index, null, null);
                case '[':
                    pos++;
                    return new Token(T_ARR_BEGIN, index, null, null);
                case ']':
                    pos++;
                    return new Token(T_ARR_END, index, null, null);
                case ':':
                    pos++;
                    return new Token(T_COLON, index, null, null);
                case ',':
                    pos++;
                    return new Token(T_COMMA, index, null, null);
                case '"':
                    return string(index);
                default:
                    break;
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return number(index);
            }
            if (matches("true")) {
                return new Token(T_BOOLEAN, index, LuaValue.TRUE, null);
            }
            if (matches("false")) {
                return new Token(T_BOOLEAN, index, LuaValue.FALSE, null);
            }
            if (matches("null")) {
                return new Token(T_NULL, index, null, null);
            }
            return new Token(T_ERROR, index, null, "invalid token");
        }

        private boolean matches(String word) {
            if (end - pos < word.length()) {
                return false;
            }
            for (int i = 0; i < word.length(); i++) {
                if (b[pos + i] != word.charAt(i)) {
                    return false;
                }
            }
            pos += word.length();
            return true;
        }

        private Token number(int index) {
            int s = pos;
            while (pos < end && "+-0123456789.eE".indexOf(b[pos]) >= 0) {
                pos++;
            }
            String text = new String(b, s, pos - s, StandardCharsets.US_ASCII);
            try {
                if (text.endsWith(".") || text.contains(".e") || text.contains(".E") || text.startsWith("-.")) {
                    throw new NumberFormatException(text);
                }
                return new Token(T_NUMBER, index, LuaValue.valueOf(Double.parseDouble(text)), null);
            } catch (NumberFormatException e) {
                return new Token(T_ERROR, index, null, "invalid number");
            }
        }

        private Token string(int index) {
            pos++; // opening quote
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                if (pos >= end) {
                    return new Token(T_ERROR, index, null, "unexpected end of string");
                }
                int c = b[pos++] & 0xff;
                if (c == '"') {
                    return new Token(T_STRING, index, LuaString.valueOf(out.toByteArray()), null);
                }
                if (c != '\\') {
                    out.write(c);
                    continue;
                }
                if (pos >= end) {
                    return new Token(T_ERROR, index, null, "unexpected end of string");
                }
                int e = b[pos++];
                switch (e) {
                    case '"', '\\', '/' -> out.write(e);
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'u' -> {
                        int cp = hex4();
                        if (cp < 0) {
                            return new Token(T_ERROR, index, null, "invalid unicode escape code");
                        }
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                            if (pos + 1 < end && b[pos] == '\\' && b[pos + 1] == 'u') {
                                pos += 2;
                                int low = hex4();
                                if (low < 0xDC00 || low > 0xDFFF) {
                                    return new Token(T_ERROR, index, null, "invalid unicode escape code");
                                }
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                            } else {
                                return new Token(T_ERROR, index, null, "invalid unicode escape code");
                            }
                        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                            return new Token(T_ERROR, index, null, "invalid unicode escape code");
                        }
                        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    }
                    default -> {
                        return new Token(T_ERROR, index, null, "invalid escape code");
                    }
                }
            }
        }

        private int hex4() {
            if (end - pos < 4) {
                return -1;
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(b[pos + i], 16);
                if (d < 0) {
                    return -1;
                }
                v = (v << 4) | d;
            }
            pos += 4;
            return v;
        }
    }
}

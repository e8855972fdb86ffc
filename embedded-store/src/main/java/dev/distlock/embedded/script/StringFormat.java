package dev.distlock.embedded.script;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code string.format} of Lua 5.1, with C's printf semantics for every conversion
 * ({@code %d %i %o %u %x %X %c %e %E %f %g %G %q %s %%}, flags {@code -+ #0}, width and precision up
 * to two digits). luaj's own version ignores widths and precisions and prints doubles through
 * {@code float}.
 *
 * <p>Stateless and thread-safe.
 */
final class StringFormat extends VarArgFunction {
    private static final int TEXT = 0;
    private static final int INTEGER = 1;
    private static final int FLOAT = 2;

    StringFormat() {
        this.name = "format";
    }

    @Override
    public Varargs invoke(Varargs args) {
        LuaString fmt = args.checkstring(1);
        byte[] f = fmt.m_bytes;
        int end = fmt.m_offset + fmt.m_length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(fmt.m_length + 16);
        int arg = 1;
        for (int i = fmt.m_offset; i < end; ) {
            byte c = f[i++];
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i < end && f[i] == '%') {
                out.write('%');
                i++;
                continue;
            }
            // flags, width, precision
            int flagsStart = i;
            while (i < end && "-+ #0".indexOf(f[i]) >= 0) {
                i++;
            }
            if (i - flagsStart > 5) {
                throw new LuaError("invalid format (repeated flags)");
            }
            String flags = new String(f, flagsStart, i - flagsStart, StandardCharsets.ISO_8859_1);
            int width = -1;
            int digits = 0;
            while (i < end && Character.isDigit(f[i])) {
                width = (width < 0 ? 0 : width * 10) + (f[i++] - '0');
                digits++;
            }
            int precision = -1;
            if (i < end && f[i] == '.') {
                i++;
                precision = 0;
                int pd = 0;
                while (i < end && Character.isDigit(f[i])) {
                    precision = precision * 10 + (f[i++] - '0');
                    pd++;
                }
                if (pd > 2) {
                    digits = 3;
                }
            }
            if (digits > 2) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= end) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            char conv = (char) f[i++];
            arg++;
            if (arg > args.narg()) {
                throw new LuaError("bad argument #" + arg + " to 'format' (no value)");
            }
            Spec spec = new Spec(flags, width, precision);
            switch (conv) {
                case 'c' -> spec.pad(out, new byte[] {(byte) (long) number(args, arg)}, TEXT);
                case 'd', 'i' -> spec.pad(out, ascii(spec.signed((long) number(args, arg))), INTEGER);
                case 'o', 'u', 'x', 'X' -> spec.pad(out, ascii(spec.unsigned((long) number(args, arg), conv)), INTEGER);
                case 'e', 'E', 'f', 'F', 'g', 'G' -> spec.pad(out, ascii(spec.floating(number(args, arg), conv)), FLOAT);
                case 'q' -> quoted(out, string(args, arg));
                case 's' -> {
                    LuaString s = string(args, arg);
                    if (precision < 0 && s.m_length >= 100) {
                        out.write(s.m_bytes, s.m_offset, s.m_length);
                    } else {
                        int n = precision >= 0 ? Math.min(precision, s.m_length) : s.m_length;
                        byte[] b = new byte[n];
                        System.arraycopy(s.m_bytes, s.m_offset, b, 0, n);
                        spec.pad(out, b, TEXT);
                    }
                }
                default -> throw new LuaError("invalid option '%" + conv + "' to 'format'");
            }
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static double number(Varargs args, int i) {
        LuaValue v = args.arg(i);
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (v.type() == LuaValue.TSTRING) {
            LuaValue n = v.tonumber();
            if (!n.isnil()) {
                return n.todouble();
            }
        }
        throw badArgument(i, v, "number");
    }

    private static LuaString string(Varargs args, int i) {
        LuaValue v = args.arg(i);
        if (v.type() == LuaValue.TSTRING) {
            return (LuaString) v;
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaString.valueOf(LuaNumbers.lua(v.todouble()));
        }
        throw badArgument(i, v, "string");
    }

    private static LuaError badArgument(int i, LuaValue v, String expected) {
        return new LuaError("bad argument #" + i + " to 'format' (" + expected + " expected, got " + v.typename() + ")");
    }

    private static void quoted(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '"', '\\', '\n' -> {
                    out.write('\\');
                    out.write(c);
                }
                case '\r' -> out.writeBytes(ascii("\\r"));
                case 0 -> out.writeBytes(ascii("\\000"));
                default -> out.write(c);
            }
        }
        out.write('"');
    }

    /** One conversion's flags, width and precision. */
    private record Spec(String flags, int width, int precision) {
        boolean has(char flag) {
            return flags.indexOf(flag) >= 0;
        }

        String sign(boolean negative) {
            return negative ? "-" : has('+') ? "+" : has(' ') ? " " : "";
        }

        String signed(long v) {
            String digits = v < 0 ? Long.toUnsignedString(-v) : Long.toString(v);
            return sign(v < 0) + "\u0000" + minDigits(digits, v == 0);
        }

        String unsigned(long v, char conv) {
            String digits = switch (conv) {
                case 'o' -> Long.toOctalString(v);
                case 'x' -> Long.toHexString(v);
                case 'X' -> Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
                default -> Long.toUnsignedString(v);
            };
            digits = minDigits(digits, v == 0);
            String prefix = "";
            if (has('#')) {
                if (conv == 'o' && !digits.startsWith("0")) {
                    prefix = "0";
                } else if ((conv == 'x' || conv == 'X') && v != 0) {
                    prefix = conv == 'x' ? "0x" : "0X";
                }
            }
            return prefix + "\u0000" + digits;
        }

        private String minDigits(String digits, boolean zero) {
            if (precision < 0) {
                return digits;
            }
            if (precision == 0 && zero) {
                return "";
            }
            return digits.length() >= precision ? digits : "0".repeat(precision - digits.length()) + digits;
        }

        String floating(double d, char conv) {
            boolean upper = Character.isUpperCase(conv);
            boolean negative = Double.doubleToRawLongBits(d) < 0;
            String body;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                body = Double.isNaN(d) ? "nan" : "inf";
                body = upper ? body.toUpperCase(java.util.Locale.ROOT) : body;
                return sign(negative) + "\u0001" + body; // \u0001: no zero padding
            }
            double abs = Math.abs(d);
            int p = precision < 0 ? 6 : precision;
            switch (Character.toLowerCase(conv)) {
                case 'f' -> body = fixed(abs, p);
                case 'e' -> body = exponential(abs, p);
                default -> body = general(abs, p);
            }
            return sign(negative) + "\u0000" + (upper ? body.toUpperCase(java.util.Locale.ROOT) : body);
        }

        private String fixed(double abs, int p) {
            String s = new BigDecimal(abs).setScale(p, RoundingMode.HALF_EVEN).toPlainString();
            return p == 0 && has('#') ? s + "." : s;
        }

        private String exponential(double abs, int p) {
            int exponent;
            String digits;
            if (abs == 0) {
                exponent = 0;
                digits = "0".repeat(p + 1);
            } else {
                BigDecimal r = new BigDecimal(abs).round(new MathContext(p + 1, RoundingMode.HALF_EVEN));
                exponent = r.precision() - r.scale() - 1;
                digits = r.unscaledValue().toString();
                if (digits.length() < p + 1) {
                    digits = digits + "0".repeat(p + 1 - digits.length());
                } else if (digits.length() > p + 1) {
                    digits = digits.substring(0, p + 1);
                }
            }
            StringBuilder sb = new StringBuilder().append(digits.charAt(0));
            if (p > 0 || has('#')) {
                sb.append('.');
            }
            sb.append(digits, 1, digits.length()).append('e').append(exponent < 0 ? '-' : '+');
            int ae = Math.abs(exponent);
            return sb.append(ae < 10 ? "0" : "").append(ae).toString();
        }

        private String general(double abs, int p) {
            if (p == 0) {
                p = 1;
            }
            int exponent = 0;
            if (abs != 0) {
                BigDecimal r = new BigDecimal(abs).round(new MathContext(p, RoundingMode.HALF_EVEN));
                exponent = r.precision() - r.scale() - 1;
            }
            String s = exponent < -4 || exponent >= p ? exponential(abs, p - 1) : fixed(abs, p - 1 - exponent);
            if (has('#')) {
                return s;
            }
            int e = s.indexOf('e');
            String mantissa = e < 0 ? s : s.substring(0, e);
            String rest = e < 0 ? "" : s.substring(e);
            if (mantissa.indexOf('.') >= 0) {
                int n = mantissa.length();
                while (mantissa.charAt(n - 1) == '0') {
                    n--;
                }
                if (mantissa.charAt(n - 1) == '.') {
                    n--;
                }
                mantissa = mantissa.substring(0, n);
            }
            return mantissa + rest;
        }

        /**
         * Pads to the width. For numbers the text is "prefix\0digits" (zero padding goes between)
         * or "prefix\1digits" (never zero padded).
         */
        void pad(ByteArrayOutputStream out, byte[] text, int kind) {
            boolean number = kind != TEXT;
            String prefix = "";
            byte[] body = text;
            boolean zeroAllowed = false;
            if (number) {
                String s = new String(text, StandardCharsets.ISO_8859_1);
                int cut = s.indexOf('\u0000');
                if (cut < 0) {
                    cut = s.indexOf('\u0001');
                } else {
                    zeroAllowed = true;
                }
                prefix = s.substring(0, cut);
                body = ascii(s.substring(cut + 1));
            }
            int len = prefix.length() + body.length;
            int fill = Math.max(0, width - len);
            boolean left = has('-');
            // C ignores the 0 flag of an integer conversion that has a precision
            boolean zeros = zeroAllowed && has('0') && !left && (kind == FLOAT || precision < 0);
            if (!left && !zeros) {
                out.writeBytes(ascii(" ".repeat(fill)));
            }
            out.writeBytes(ascii(prefix));
            if (zeros) {
                out.writeBytes(ascii("0".repeat(fill)));
            }
            out.writeBytes(body);
            if (left) {
                out.writeBytes(ascii(" ".repeat(fill)));
            }
        }
    }
}

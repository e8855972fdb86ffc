package dev.distlock.embedded.script;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Number conversions that Redis performs with C's {@code printf} and casts, reproduced in Java.
 * luaj formats non-integral numbers through {@code float} ("0.33333334", "1.0E20"), so every place
 * where Redis's text matters (tostring, redis.call arguments, cjson, RESP2 doubles) goes through here.
 *
 * <p>Stateless and thread-safe.
 */
final class LuaNumbers {
    private LuaNumbers() {
    }

    /** {@code %.14g}, Lua 5.1's {@code LUAI_NUMFMT}: tostring, concatenation in real Lua, cjson. */
    static String lua(double d) {
        return formatG(d, 14);
    }

    /** {@code %.17g}: how Redis turns a number argument of redis.call into a string. */
    static String exact(double d) {
        return formatG(d, 17);
    }

    /**
     * C's {@code %.<precision>g} as glibc prints it (round half to even on the exact binary value,
     * trailing zeros removed, at least two exponent digits, {@code inf}, {@code -nan}).
     */
    static String formatG(double d, int precision) {
        if (Double.isNaN(d)) {
            return Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return Double.doubleToRawLongBits(d) < 0 ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            long l = (long) d;
            String s = Long.toString(l);
            if (s.length() - (l < 0 ? 1 : 0) <= precision) {
                return s;
            }
        }
        BigDecimal rounded = new BigDecimal(d).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String digits = rounded.unscaledValue().abs().toString();
            int end = digits.length();
            while (end > 1 && digits.charAt(end - 1) == '0') {
                end--;
            }
            StringBuilder sb = new StringBuilder(24);
            if (rounded.signum() < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (end > 1) {
                sb.append('.').append(digits, 1, end);
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                sb.append('0');
            }
            return sb.append(abs).toString();
        }
        return rounded.stripTrailingZeros().toPlainString();
    }

    /**
     * {@code (long long) d} as compiled for x86-64, which is what real Redis returns for a Lua
     * number: truncation toward zero, and {@code Long.MIN_VALUE} for NaN and out-of-range values
     * (Java's cast would saturate instead).
     */
    static long toLongLikeC(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }
}

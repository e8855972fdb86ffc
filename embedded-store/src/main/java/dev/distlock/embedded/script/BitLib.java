package dev.distlock.embedded.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code bit} table of LuaBitOp 1.0 as bundled with Redis: 32-bit operations on numbers,
 * results as signed 32-bit numbers. Arguments are normalised as LuaBitOp does (adding
 * 2^52+2^51 and keeping the low 32 bits: round to nearest even, then modulo 2^32).
 *
 * <p>Stateless and thread-safe.
 */
final class BitLib {
    private BitLib() {
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        for (Op op : Op.values()) {
            t.rawset(op.luaName, new Fn(op));
        }
        return t;
    }

    static int toBit(LuaValue v) {
        double d = v.checkdouble() + 6755399441055744.0;
        return (int) Double.doubleToRawLongBits(d);
    }

    private enum Op {
        TOBIT("tobit"), BNOT("bnot"), BAND("band"), BOR("bor"), BXOR("bxor"), LSHIFT("lshift"),
        RSHIFT("rshift"), ARSHIFT("arshift"), ROL("rol"), ROR("ror"), BSWAP("bswap"), TOHEX("tohex");

        final String luaName;

        Op(String luaName) {
            this.luaName = luaName;
        }
    }

    private static final class Fn extends VarArgFunction {
        private final Op op;

        Fn(Op op) {
            this.op = op;
            this.name = op.luaName;
        }

        @Override
        public Varargs invoke(Varargs args) {
            int a = toBit(args.arg1());
            int r;
            switch (op) {
                case TOBIT -> r = a;
                case BNOT -> r = ~a;
                case BAND -> {
                    r = a;
                    for (int i = 2; i <= args.narg(); i++) {
                        r &= toBit(args.arg(i));
                    }
                }
                case BOR -> {
                    r = a;
                    for (int i = 2; i <= args.narg(); i++) {
                        r |= toBit(args.arg(i));
                    }
                }
                case BXOR -> {
                    r = a;
                    for (int i = 2; i <= args.narg(); i++) {
                        r ^= toBit(args.arg(i));
                    }
                }
                case LSHIFT -> r = a << (toBit(args.arg(2)) & 31);
                case RSHIFT -> r = a >>> (toBit(args.arg(2)) & 31);
                case ARSHIFT -> r = a >> (toBit(args.arg(2)) & 31);
                case ROL -> r = Integer.rotateLeft(a, toBit(args.arg(2)) & 31);
                case ROR -> r = Integer.rotateRight(a, toBit(args.arg(2)) & 31);
                case BSWAP -> r = Integer.reverseBytes(a);
                case TOHEX -> {
                    return LuaValue.valueOf(tohex(a, args.narg() >= 2 ? toBit(args.arg(2)) : 8));
                }
                default -> throw new IllegalStateException(op.toString());
            }
            return LuaValue.valueOf(r);
        }

        private static String tohex(int value, int n) {
            boolean upper = n < 0;
            if (upper) {
                n = -n;
            }
            if (n > 8) {
                n = 8;
            }
            String hex = String.format("%08x", value);
            hex = hex.substring(8 - n);
            return upper ? hex.toUpperCase(java.util.Locale.ROOT) : hex;
        }
    }
}

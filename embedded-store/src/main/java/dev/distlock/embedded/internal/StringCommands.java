package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.DENYOOM;
import static dev.distlock.embedded.internal.Command.FAST;
import static dev.distlock.embedded.internal.Command.READONLY;
import static dev.distlock.embedded.internal.Command.WRITE;

/** GET, SET and the other string commands. */
final class StringCommands extends Cmds {
    StringCommands(RedisServerCore core) {
        super(core);
    }

    void register(CommandTable t) {
        t.add("get", 2, READONLY | FAST, 1, 1, 1, op(0));
        t.add("set", -3, WRITE | DENYOOM, 1, 1, 1, op(1));
        t.add("setnx", 3, WRITE | DENYOOM | FAST, 1, 1, 1, op(2));
        t.add("setex", 4, WRITE | DENYOOM, 1, 1, 1, op(3));
        t.add("psetex", 4, WRITE | DENYOOM, 1, 1, 1, op(4));
        t.add("getset", 3, WRITE | DENYOOM | FAST, 1, 1, 1, op(5));
        t.add("getdel", 2, WRITE | FAST, 1, 1, 1, op(6));
        t.add("mget", -2, READONLY | FAST, 1, -1, 1, op(7));
        t.add("mset", -3, WRITE | DENYOOM, 1, -1, 2, op(8));
        t.add("incr", 2, WRITE | DENYOOM | FAST, 1, 1, 1, op(9));
        t.add("decr", 2, WRITE | DENYOOM | FAST, 1, 1, 1, op(10));
        t.add("incrby", 3, WRITE | DENYOOM | FAST, 1, 1, 1, op(11));
        t.add("decrby", 3, WRITE | DENYOOM | FAST, 1, 1, 1, op(12));
        t.add("strlen", 2, READONLY | FAST, 1, 1, 1, op(13));
        t.add("append", 3, WRITE | DENYOOM | FAST, 1, 1, 1, op(14));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> get(c, a, o);
            case 1 -> set(c, a, o);
            case 2 -> setnx(c, a, o);
            case 3 -> setex(c, a, o, 1000);
            case 4 -> setex(c, a, o, 1);
            case 5 -> getset(c, a, o);
            case 6 -> getdel(c, a, o);
            case 7 -> mget(c, a, o);
            case 8 -> mset(c, a, o);
            case 9 -> incr(c, a[1], 1, o);
            case 10 -> incr(c, a[1], -1, o);
            case 11 -> incr(c, a[1], Args.toLong(a[2]), o);
            case 12 -> decrby(c, a, o);
            case 13 -> strlen(c, a, o);
            case 14 -> append(c, a, o);
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    private void get(Client c, byte[][] a, Out out) {
        Entry e = c.db().lookup(a[1]);
        if (e == null) {
            out.nullBulk();
        } else if (e.type != Entry.STRING) {
            throw Errors.WRONGTYPE;
        } else {
            out.bulk((byte[]) e.value);
        }
    }

    /** Stores a string value, replacing any value of any type. */
    static Entry setValue(Db db, Entry e, byte[] key, byte[] value, boolean keepTtl) {
        if (e == null) {
            e = db.add(key, Entry.STRING, value);
        } else {
            e.type = Entry.STRING;
            e.value = value;
            if (!keepTtl && e.expIndex >= 0) {
                db.persist(e);
            }
        }
        db.modified(key);
        return e;
    }

    private void set(Client c, byte[][] a, Out out) {
        Db db = c.db();
        if (a.length == 3) {
            setValue(db, db.lookup(a[1]), a[1], a[2], false);
            out.ok();
            return;
        }
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        int unit = 0; // 1 EX, 2 PX, 3 EXAT, 4 PXAT
        byte[] timeArg = null;
        for (int i = 3; i < a.length; i++) {
            byte[] o = a[i];
            boolean hasNext = i + 1 < a.length;
            if (Args.is(o, "nx") && !xx) {
                nx = true;
            } else if (Args.is(o, "xx") && !nx) {
                xx = true;
            } else if (Args.is(o, "get")) {
                get = true;
            } else if (Args.is(o, "keepttl") && unit == 0) {
                keepTtl = true;
            } else if (Args.is(o, "ex") && !keepTtl && unit == 0 && hasNext) {
                unit = 1;
                timeArg = a[++i];
            } else if (Args.is(o, "px") && !keepTtl && unit == 0 && hasNext) {
                unit = 2;
                timeArg = a[++i];
            } else if (Args.is(o, "exat") && !keepTtl && unit == 0 && hasNext) {
                unit = 3;
                timeArg = a[++i];
            } else if (Args.is(o, "pxat") && !keepTtl && unit == 0 && hasNext) {
                unit = 4;
                timeArg = a[++i];
            } else {
                throw Errors.SYNTAX;
            }
        }
        long expireAt = -1;
        if (unit != 0) {
            long v = Args.toLong(timeArg);
            if (v <= 0) {
                throw Errors.invalidExpire("set");
            }
            expireAt = absoluteMillis(v, unit, "set");
        }
        Entry e = db.lookup(a[1]);
        if (get && e != null && e.type != Entry.STRING) {
            throw Errors.WRONGTYPE;
        }
        byte[] old = e == null ? null : (byte[]) e.value;
        boolean doSet = !(nx && e != null) && !(xx && e == null);
        if (doSet) {
            e = setValue(db, e, a[1], a[2], keepTtl);
            if (expireAt >= 0) {
                db.setExpire(e, expireAt);
            }
        }
        if (get) {
            if (old == null) {
                out.nullBulk();
            } else {
                out.bulk(old);
            }
        } else if (doSet) {
            out.ok();
        } else {
            out.nullBulk();
        }
    }

    /** Turns a relative or absolute time argument into absolute ms, with Redis's overflow checks. */
    long absoluteMillis(long v, int unit, String cmd) {
        long ms;
        switch (unit) {
            case 1, 3 -> {
                if (v > Long.MAX_VALUE / 1000) {
                    throw Errors.invalidExpire(cmd);
                }
                ms = v * 1000;
            }
            default -> ms = v;
        }
        if (unit == 1 || unit == 2) {
            long now = core.now();
            if (ms > Long.MAX_VALUE - now) {
                throw Errors.invalidExpire(cmd);
            }
            ms += now;
        }
        return ms;
    }

    private void setnx(Client c, byte[][] a, Out out) {
        Db db = c.db();
        Entry e = db.lookup(a[1]);
        if (e != null) {
            out.integer(0);
            return;
        }
        setValue(db, null, a[1], a[2], false);
        out.integer(1);
    }

    private void setex(Client c, byte[][] a, Out out, long unitMs) {
        long v = Args.toLong(a[2]);
        String name = unitMs == 1 ? "psetex" : "setex";
        if (v <= 0) {
            throw Errors.invalidExpire(name);
        }
        long at = absoluteMillis(v, unitMs == 1 ? 2 : 1, name);
        Db db = c.db();
        Entry e = setValue(db, db.lookup(a[1]), a[1], a[3], false);
        db.setExpire(e, at);
        out.ok();
    }

    private void getset(Client c, byte[][] a, Out out) {
        Db db = c.db();
        Entry e = typed(c, a[1], Entry.STRING);
        byte[] old = e == null ? null : (byte[]) e.value;
        setValue(db, e, a[1], a[2], false);
        if (old == null) {
            out.nullBulk();
        } else {
            out.bulk(old);
        }
    }

    private void getdel(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.STRING);
        if (e == null) {
            out.nullBulk();
            return;
        }
        Db db = c.db();
        db.delete(e);
        db.modified(a[1]);
        out.bulk((byte[]) e.value);
    }

    private void mget(Client c, byte[][] a, Out out) {
        Db db = c.db();
        out.array(a.length - 1);
        for (int i = 1; i < a.length; i++) {
            Entry e = db.lookup(a[i]);
            if (e == null || e.type != Entry.STRING) {
                out.nullBulk();
            } else {
                out.bulk((byte[]) e.value);
            }
        }
    }

    private void mset(Client c, byte[][] a, Out out) {
        if ((a.length - 1) % 2 != 0) {
            throw Errors.wrongArity("mset");
        }
        Db db = c.db();
        for (int i = 1; i < a.length; i += 2) {
            setValue(db, db.lookup(a[i]), a[i], a[i + 1], false);
        }
        out.ok();
    }

    private void decrby(Client c, byte[][] a, Out out) {
        long v = Args.toLong(a[2]);
        if (v == Long.MIN_VALUE) {
            throw err("ERR decrement would overflow");
        }
        incr(c, a[1], -v, out);
    }

    private void incr(Client c, byte[] key, long by, Out out) {
        Db db = c.db();
        Entry e = db.lookup(key);
        long old = 0;
        if (e != null) {
            if (e.type != Entry.STRING) {
                throw Errors.WRONGTYPE;
            }
            byte[] v = (byte[]) e.value;
            old = Args.parseLongOrMin(v, 0, v.length);
            if (old == Long.MIN_VALUE && !Args.isMinLong(v, 0, v.length)) {
                throw Errors.NOT_INTEGER;
            }
        }
        if ((by < 0 && old < 0 && by < Long.MIN_VALUE - old) || (by > 0 && old > 0 && by > Long.MAX_VALUE - old)) {
            throw Errors.OVERFLOW;
        }
        long n = old + by;
        byte[] bytes = longBytes(n);
        if (e == null) {
            db.add(key, Entry.STRING, bytes);
        } else {
            e.value = bytes;
        }
        db.modified(key);
        out.integer(n);
    }

    /** Formats a long as ASCII digits without going through a String. */
    static byte[] longBytes(long n) {
        if (n == Long.MIN_VALUE) {
            return Args.bytes(Long.toString(n));
        }
        boolean neg = n < 0;
        long v = neg ? -n : n;
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        byte[] b = new byte[digits + (neg ? 1 : 0)];
        for (int i = b.length - 1; i >= (neg ? 1 : 0); i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        if (neg) {
            b[0] = '-';
        }
        return b;
    }

    private void strlen(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.STRING);
        out.integer(e == null ? 0 : ((byte[]) e.value).length);
    }

    private void append(Client c, byte[][] a, Out out) {
        Db db = c.db();
        Entry e = typed(c, a[1], Entry.STRING);
        if (e == null) {
            db.add(a[1], Entry.STRING, a[2]);
            db.modified(a[1]);
            out.integer(a[2].length);
            return;
        }
        byte[] old = (byte[]) e.value;
        byte[] n = java.util.Arrays.copyOf(old, old.length + a[2].length);
        System.arraycopy(a[2], 0, n, old.length, a[2].length);
        e.value = n;
        db.modified(a[1]);
        out.integer(n.length);
    }
}

package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.FAST;
import static dev.distlock.embedded.internal.Command.READONLY;
import static dev.distlock.embedded.internal.Command.WRITE;

import java.util.ArrayList;
import java.util.List;

/** DEL, EXISTS, EXPIRE family, TTL family, PERSIST, TYPE, KEYS, SCAN and friends. */
final class KeyCommands extends Cmds {
    KeyCommands(RedisServerCore core) {
        super(core);
    }

    void register(CommandTable t) {
        t.add("del", -2, WRITE, 1, -1, 1, op(0));
        t.add("unlink", -2, WRITE | FAST, 1, -1, 1, op(1));
        t.add("exists", -2, READONLY | FAST, 1, -1, 1, op(2));
        t.add("expire", -3, WRITE | FAST, 1, 1, 1, op(3));
        t.add("pexpire", -3, WRITE | FAST, 1, 1, 1, op(4));
        t.add("expireat", -3, WRITE | FAST, 1, 1, 1, op(5));
        t.add("pexpireat", -3, WRITE | FAST, 1, 1, 1, op(6));
        t.add("ttl", 2, READONLY | FAST, 1, 1, 1, op(7));
        t.add("pttl", 2, READONLY | FAST, 1, 1, 1, op(8));
        t.add("expiretime", 2, READONLY | FAST, 1, 1, 1, op(9));
        t.add("pexpiretime", 2, READONLY | FAST, 1, 1, 1, op(10));
        t.add("persist", 2, WRITE | FAST, 1, 1, 1, op(11));
        t.add("type", 2, READONLY | FAST, 1, 1, 1, op(12));
        t.add("keys", 2, READONLY, 0, 0, 0, op(13));
        t.add("scan", -2, READONLY, 0, 0, 0, op(14));
        t.add("randomkey", 1, READONLY, 0, 0, 0, op(15));
        t.add("touch", -2, READONLY | FAST, 1, -1, 1, op(16));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> del(c, a, o);
            case 1 -> del(c, a, o);
            case 2 -> exists(c, a, o);
            case 3 -> expire(c, a, o, 1, "expire");
            case 4 -> expire(c, a, o, 2, "pexpire");
            case 5 -> expire(c, a, o, 3, "expireat");
            case 6 -> expire(c, a, o, 4, "pexpireat");
            case 7 -> ttl(c, a, o, false, false);
            case 8 -> ttl(c, a, o, true, false);
            case 9 -> ttl(c, a, o, false, true);
            case 10 -> ttl(c, a, o, true, true);
            case 11 -> persist(c, a, o);
            case 12 -> type(c, a, o);
            case 13 -> keys(c, a, o);
            case 14 -> scan(c, a, o);
            case 15 -> randomkey(c, a, o);
            case 16 -> exists(c, a, o);
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    private void del(Client c, byte[][] a, Out out) {
        Db db = c.db();
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            Entry e = db.lookup(a[i]);
            if (e != null) {
                db.delete(e);
                db.modified(a[i]);
                n++;
            }
        }
        out.integer(n);
    }

    private void exists(Client c, byte[][] a, Out out) {
        Db db = c.db();
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            if (db.lookup(a[i]) != null) {
                n++;
            }
        }
        out.integer(n);
    }

    private void expire(Client c, byte[][] a, Out out, int unit, String name) {
        long v = Args.toLong(a[2]);
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < a.length; i++) {
            if (Args.is(a[i], "nx")) {
                nx = true;
            } else if (Args.is(a[i], "xx")) {
                xx = true;
            } else if (Args.is(a[i], "gt")) {
                gt = true;
            } else if (Args.is(a[i], "lt")) {
                lt = true;
            } else {
                throw err("ERR Unsupported option " + Args.str(a[i]));
            }
        }
        if (nx && (xx || gt || lt)) {
            throw err("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            throw err("ERR GT and LT options at the same time are not compatible");
        }
        long when;
        if (unit == 1 || unit == 3) {
            if (v > Long.MAX_VALUE / 1000 || v < Long.MIN_VALUE / 1000) {
                throw Errors.invalidExpire(name);
            }
            when = v * 1000;
        } else {
            when = v;
        }
        if (unit == 1 || unit == 2) {
            long now = core.now();
            if ((when > 0 && when > Long.MAX_VALUE - now) || (when < 0 && when < Long.MIN_VALUE + now)) {
                throw Errors.invalidExpire(name);
            }
            when += now;
        }
        Db db = c.db();
        Entry e = db.lookup(a[1]);
        if (e == null) {
            out.integer(0);
            return;
        }
        long current = e.expireAt;
        if (nx && current >= 0 || xx && current < 0) {
            out.integer(0);
            return;
        }
        if (gt && (current < 0 || when <= current)) {
            out.integer(0);
            return;
        }
        if (lt && current >= 0 && when >= current) {
            out.integer(0);
            return;
        }
        if (when <= core.now()) {
            db.delete(e);
        } else {
            db.setExpire(e, when);
        }
        db.modified(a[1]);
        out.integer(1);
    }

    private void ttl(Client c, byte[][] a, Out out, boolean ms, boolean absolute) {
        Entry e = c.db().lookup(a[1]);
        if (e == null) {
            out.integer(-2);
            return;
        }
        if (e.expireAt < 0) {
            out.integer(-1);
            return;
        }
        if (absolute) {
            out.integer(ms ? e.expireAt : (e.expireAt + 500) / 1000);
            return;
        }
        long left = Math.max(0, e.expireAt - core.now());
        out.integer(ms ? left : (left + 500) / 1000);
    }

    private void persist(Client c, byte[][] a, Out out) {
        Db db = c.db();
        Entry e = db.lookup(a[1]);
        if (e != null && db.persist(e)) {
            db.modified(a[1]);
            out.integer(1);
        } else {
            out.integer(0);
        }
    }

    private void type(Client c, byte[][] a, Out out) {
        Entry e = c.db().lookup(a[1]);
        out.simple(e == null ? "none" : Entry.typeName(e.type));
    }

    private void keys(Client c, byte[][] a, Out out) {
        Db db = c.db();
        long now = core.now();
        boolean all = a[1].length == 1 && a[1][0] == '*';
        List<byte[]> found = new ArrayList<>();
        db.forEach(e -> {
            if ((e.expireAt < 0 || e.expireAt > now) && (all || Glob.matches(a[1], e.key))) {
                found.add(e.key);
            }
        });
        out.bulks(found);
    }

    private void scan(Client c, byte[][] a, Out out) {
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(Args.str(a[1]));
        } catch (NumberFormatException e) {
            throw Errors.INVALID_CURSOR;
        }
        byte[] match = null;
        long count = 10;
        String type = null;
        for (int i = 2; i < a.length; i++) {
            boolean hasNext = i + 1 < a.length;
            if (Args.is(a[i], "match") && hasNext) {
                match = a[++i];
                if (match.length == 1 && match[0] == '*') {
                    match = null;
                }
            } else if (Args.is(a[i], "count") && hasNext) {
                count = Args.toLong(a[++i]);
                if (count < 1) {
                    throw Errors.SYNTAX;
                }
            } else if (Args.is(a[i], "type") && hasNext) {
                type = Args.lower(a[++i]);
            } else {
                throw Errors.SYNTAX;
            }
        }
        Db db = c.db();
        List<Entry> seen = new ArrayList<>();
        long next = db.scan(cursor, count, seen::add);
        long now = core.now();
        List<byte[]> keys = new ArrayList<>();
        List<Entry> expired = new ArrayList<>();
        for (Entry e : seen) {
            if (e.expireAt >= 0 && e.expireAt <= now) {
                expired.add(e);
                continue;
            }
            if (match != null && !Glob.matches(match, e.key)) {
                continue;
            }
            if (type != null && !type.equals(Entry.typeName(e.type))) {
                continue;
            }
            keys.add(e.key);
        }
        for (Entry e : expired) {
            db.expireNow(e);
        }
        out.array(2);
        out.bulk(Long.toUnsignedString(next));
        out.bulks(keys);
    }

    private void randomkey(Client c, byte[][] a, Out out) {
        Db db = c.db();
        for (int tries = 0; tries < 100; tries++) {
            byte[] k = db.randomKey();
            if (k == null) {
                break;
            }
            if (db.lookup(k) != null) {
                out.bulk(k);
                return;
            }
        }
        out.nullBulk();
    }
}

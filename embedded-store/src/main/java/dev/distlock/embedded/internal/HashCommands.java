package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.DENYOOM;
import static dev.distlock.embedded.internal.Command.FAST;
import static dev.distlock.embedded.internal.Command.READONLY;
import static dev.distlock.embedded.internal.Command.WRITE;

import java.util.LinkedHashMap;
import java.util.Map;

/** Hash commands. A hash keeps insertion order, as Redis's small (listpack) hashes do. */
final class HashCommands extends Cmds {
    HashCommands(RedisServerCore core) {
        super(core);
    }

    void register(CommandTable t) {
        t.add("hset", -4, WRITE | DENYOOM | FAST, 1, 1, 1, op(0));
        t.add("hmset", -4, WRITE | DENYOOM | FAST, 1, 1, 1, op(1));
        t.add("hsetnx", 4, WRITE | DENYOOM | FAST, 1, 1, 1, op(2));
        t.add("hget", 3, READONLY | FAST, 1, 1, 1, op(3));
        t.add("hmget", -3, READONLY | FAST, 1, 1, 1, op(4));
        t.add("hdel", -3, WRITE | FAST, 1, 1, 1, op(5));
        t.add("hexists", 3, READONLY | FAST, 1, 1, 1, op(6));
        t.add("hincrby", 4, WRITE | DENYOOM | FAST, 1, 1, 1, op(7));
        t.add("hgetall", 2, READONLY, 1, 1, 1, op(8));
        t.add("hkeys", 2, READONLY, 1, 1, 1, op(9));
        t.add("hvals", 2, READONLY, 1, 1, 1, op(10));
        t.add("hlen", 2, READONLY | FAST, 1, 1, 1, op(11));
        t.add("hstrlen", 3, READONLY | FAST, 1, 1, 1, op(12));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> hset(c, a, o, false);
            case 1 -> hset(c, a, o, true);
            case 2 -> hsetnx(c, a, o);
            case 3 -> hget(c, a, o);
            case 4 -> hmget(c, a, o);
            case 5 -> hdel(c, a, o);
            case 6 -> hexists(c, a, o);
            case 7 -> hincrby(c, a, o);
            case 8 -> hgetall(c, a, o, true, true);
            case 9 -> hgetall(c, a, o, true, false);
            case 10 -> hgetall(c, a, o, false, true);
            case 11 -> hlen(c, a, o);
            case 12 -> hstrlen(c, a, o);
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    @SuppressWarnings("unchecked")
    static LinkedHashMap<Bytes, byte[]> map(Entry e) {
        return (LinkedHashMap<Bytes, byte[]>) e.value;
    }

    private Entry getOrCreate(Client c, byte[] key) {
        Entry e = typed(c, key, Entry.HASH);
        if (e == null) {
            e = c.db().add(key, Entry.HASH, new LinkedHashMap<Bytes, byte[]>());
        }
        return e;
    }

    private void hset(Client c, byte[][] a, Out out, boolean legacy) {
        if (a.length % 2 != 0) {
            throw Errors.wrongArity(legacy ? "hmset" : "hset");
        }
        Entry e = getOrCreate(c, a[1]);
        LinkedHashMap<Bytes, byte[]> m = map(e);
        long added = 0;
        for (int i = 2; i < a.length; i += 2) {
            if (m.put(new Bytes(a[i]), a[i + 1]) == null) {
                added++;
            }
        }
        c.db().modified(a[1]);
        if (legacy) {
            out.ok();
        } else {
            out.integer(added);
        }
    }

    private void hsetnx(Client c, byte[][] a, Out out) {
        Entry e = getOrCreate(c, a[1]);
        LinkedHashMap<Bytes, byte[]> m = map(e);
        if (m.putIfAbsent(new Bytes(a[2]), a[3]) == null) {
            c.db().modified(a[1]);
            out.integer(1);
        } else {
            out.integer(0);
        }
    }

    private void hget(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.HASH);
        byte[] v = e == null ? null : map(e).get(new Bytes(a[2]));
        if (v == null) {
            out.nullBulk();
        } else {
            out.bulk(v);
        }
    }

    private void hmget(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.HASH);
        out.array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            byte[] v = e == null ? null : map(e).get(new Bytes(a[i]));
            if (v == null) {
                out.nullBulk();
            } else {
                out.bulk(v);
            }
        }
    }

    private void hdel(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.HASH);
        if (e == null) {
            out.integer(0);
            return;
        }
        LinkedHashMap<Bytes, byte[]> m = map(e);
        long n = 0;
        for (int i = 2; i < a.length; i++) {
            if (m.remove(new Bytes(a[i])) != null) {
                n++;
            }
        }
        Db db = c.db();
        if (m.isEmpty()) {
            db.delete(e);
        }
        if (n > 0) {
            db.modified(a[1]);
        }
        out.integer(n);
    }

    private void hexists(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.HASH);
        out.integer(e != null && map(e).containsKey(new Bytes(a[2])) ? 1 : 0);
    }

    private void hincrby(Client c, byte[][] a, Out out) {
        long by = Args.toLong(a[3]);
        Entry e = typed(c, a[1], Entry.HASH);
        long old = 0;
        Bytes field = new Bytes(a[2]);
        if (e != null) {
            byte[] v = map(e).get(field);
            if (v != null) {
                old = Args.parseLongOrMin(v, 0, v.length);
                if (old == Long.MIN_VALUE && !Args.isMinLong(v, 0, v.length)) {
                    throw err("ERR hash value is not an integer");
                }
            }
        }
        if ((by < 0 && old < 0 && by < Long.MIN_VALUE - old) || (by > 0 && old > 0 && by > Long.MAX_VALUE - old)) {
            throw Errors.OVERFLOW;
        }
        long n = old + by;
        if (e == null) {
            e = getOrCreate(c, a[1]);
        }
        map(e).put(field, StringCommands.longBytes(n));
        c.db().modified(a[1]);
        out.integer(n);
    }

    private void hgetall(Client c, byte[][] a, Out out, boolean keys, boolean values) {
        Entry e = typed(c, a[1], Entry.HASH);
        if (e == null) {
            if (keys && values) {
                out.map(0);
            } else {
                out.array(0);
            }
            return;
        }
        LinkedHashMap<Bytes, byte[]> m = map(e);
        if (keys && values) {
            out.map(m.size());
        } else {
            out.array(m.size());
        }
        for (Map.Entry<Bytes, byte[]> x : m.entrySet()) {
            if (keys) {
                out.bulk(x.getKey().b);
            }
            if (values) {
                out.bulk(x.getValue());
            }
        }
    }

    private void hlen(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.HASH);
        out.integer(e == null ? 0 : map(e).size());
    }

    private void hstrlen(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.HASH);
        byte[] v = e == null ? null : map(e).get(new Bytes(a[2]));
        out.integer(v == null ? 0 : v.length);
    }
}

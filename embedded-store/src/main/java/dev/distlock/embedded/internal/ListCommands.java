package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.BLOCKING;
import static dev.distlock.embedded.internal.Command.DENYOOM;
import static dev.distlock.embedded.internal.Command.FAST;
import static dev.distlock.embedded.internal.Command.READONLY;
import static dev.distlock.embedded.internal.Command.WRITE;

/** List commands, including the blocking BLPOP and BRPOP. */
final class ListCommands extends Cmds {
    ListCommands(RedisServerCore core) {
        super(core);
    }

    void register(CommandTable t) {
        t.add("lpush", -3, WRITE | DENYOOM | FAST, 1, 1, 1, op(0));
        t.add("rpush", -3, WRITE | DENYOOM | FAST, 1, 1, 1, op(1));
        t.add("lpushx", -3, WRITE | DENYOOM | FAST, 1, 1, 1, op(2));
        t.add("rpushx", -3, WRITE | DENYOOM | FAST, 1, 1, 1, op(3));
        t.add("lpop", -2, WRITE | FAST, 1, 1, 1, op(4));
        t.add("rpop", -2, WRITE | FAST, 1, 1, 1, op(5));
        t.add("llen", 2, READONLY | FAST, 1, 1, 1, op(6));
        t.add("lrange", 4, READONLY, 1, 1, 1, op(7));
        t.add("lindex", 3, READONLY, 1, 1, 1, op(8));
        t.add("blpop", -3, WRITE | BLOCKING, 1, -2, 1, op(9));
        t.add("brpop", -3, WRITE | BLOCKING, 1, -2, 1, op(10));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> push(c, a, o, true, false);
            case 1 -> push(c, a, o, false, false);
            case 2 -> push(c, a, o, true, true);
            case 3 -> push(c, a, o, false, true);
            case 4 -> pop(c, a, o, true);
            case 5 -> pop(c, a, o, false);
            case 6 -> llen(c, a, o);
            case 7 -> lrange(c, a, o);
            case 8 -> lindex(c, a, o);
            case 9 -> bpop(c, a, o, true);
            case 10 -> bpop(c, a, o, false);
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    private void push(Client c, byte[][] a, Out out, boolean left, boolean onlyIfExists) {
        Db db = c.db();
        Entry e = typed(c, a[1], Entry.LIST);
        if (e == null) {
            if (onlyIfExists) {
                out.integer(0);
                return;
            }
            e = db.add(a[1], Entry.LIST, new ByteList());
        }
        ByteList l = (ByteList) e.value;
        for (int i = 2; i < a.length; i++) {
            if (left) {
                l.addFirst(a[i]);
            } else {
                l.addLast(a[i]);
            }
        }
        db.modified(a[1]);
        db.listPushed(a[1]);
        out.integer(l.size());
    }

    private void pop(Client c, byte[][] a, Out out, boolean left) {
        if (a.length > 3) {
            throw Errors.SYNTAX;
        }
        long count = -1;
        if (a.length == 3) {
            count = Args.parseLongOrMin(a[2], 0, a[2].length);
            if (count < 0) {
                throw err("ERR value is out of range, must be positive");
            }
        }
        Db db = c.db();
        Entry e = typed(c, a[1], Entry.LIST);
        if (e == null) {
            if (count >= 0) {
                out.nullArray();
            } else {
                out.nullBulk();
            }
            return;
        }
        ByteList l = (ByteList) e.value;
        if (count < 0) {
            out.bulk(left ? l.pollFirst() : l.pollLast());
        } else {
            int n = (int) Math.min(count, l.size());
            out.array(n);
            for (int i = 0; i < n; i++) {
                out.bulk(left ? l.pollFirst() : l.pollLast());
            }
        }
        if (l.size() == 0) {
            db.delete(e);
        }
        db.modified(a[1]);
    }

    private void llen(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.LIST);
        out.integer(e == null ? 0 : ((ByteList) e.value).size());
    }

    private void lrange(Client c, byte[][] a, Out out) {
        long start = Args.toLong(a[2]);
        long stop = Args.toLong(a[3]);
        Entry e = typed(c, a[1], Entry.LIST);
        if (e == null) {
            out.array(0);
            return;
        }
        ByteList l = (ByteList) e.value;
        int size = l.size();
        if (start < 0) {
            start = Math.max(0, size + start);
        }
        if (stop < 0) {
            stop = size + stop;
        }
        if (stop >= size) {
            stop = size - 1;
        }
        if (start > stop || start >= size) {
            out.array(0);
            return;
        }
        out.array((int) (stop - start + 1));
        for (long i = start; i <= stop; i++) {
            out.bulk(l.get((int) i));
        }
    }

    private void lindex(Client c, byte[][] a, Out out) {
        long idx = Args.toLong(a[2]);
        Entry e = typed(c, a[1], Entry.LIST);
        if (e == null) {
            out.nullBulk();
            return;
        }
        ByteList l = (ByteList) e.value;
        if (idx < 0) {
            idx += l.size();
        }
        if (idx < 0 || idx >= l.size()) {
            out.nullBulk();
        } else {
            out.bulk(l.get((int) idx));
        }
    }

    private void bpop(Client c, byte[][] a, Out out, boolean left) {
        byte[] t = a[a.length - 1];
        double secs = Args.parseDouble(t);
        if (Double.isNaN(secs) || Double.isInfinite(secs)) {
            throw Errors.TIMEOUT_NOT_FLOAT;
        }
        if (secs < 0) {
            throw Errors.TIMEOUT_NEGATIVE;
        }
        long timeoutMs = (long) Math.ceil(secs * 1000);
        Db db = c.db();
        for (int i = 1; i < a.length - 1; i++) {
            Entry e = typed(c, a[i], Entry.LIST);
            if (e != null) {
                ByteList l = (ByteList) e.value;
                byte[] v = left ? l.pollFirst() : l.pollLast();
                if (l.size() == 0) {
                    db.delete(e);
                }
                db.modified(a[i]);
                out.array(2);
                out.bulk(a[i]);
                out.bulk(v);
                return;
            }
        }
        Conn conn = c.conn();
        if (!c.mayBlock() || conn == null) {
            out.nullArray();
            return;
        }
        byte[][] keys = java.util.Arrays.copyOfRange(a, 1, a.length - 1);
        long deadline = timeoutMs == 0 ? 0 : core.now() + timeoutMs;
        core.block(conn, db, keys, left, deadline);
    }
}

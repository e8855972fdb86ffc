package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.DENYOOM;
import static dev.distlock.embedded.internal.Command.FAST;
import static dev.distlock.embedded.internal.Command.READONLY;
import static dev.distlock.embedded.internal.Command.WRITE;

import java.util.List;

/** Sorted-set commands. */
final class ZSetCommands extends Cmds {
    ZSetCommands(RedisServerCore core) {
        super(core);
    }

    void register(CommandTable t) {
        t.add("zadd", -4, WRITE | DENYOOM | FAST, 1, 1, 1, op(0));
        t.add("zincrby", 4, WRITE | DENYOOM | FAST, 1, 1, 1, op(1));
        t.add("zrem", -3, WRITE | FAST, 1, 1, 1, op(2));
        t.add("zscore", 3, READONLY | FAST, 1, 1, 1, op(3));
        t.add("zcard", 2, READONLY | FAST, 1, 1, 1, op(4));
        t.add("zrank", 3, READONLY | FAST, 1, 1, 1, op(5));
        t.add("zrevrank", 3, READONLY | FAST, 1, 1, 1, op(6));
        t.add("zrange", -4, READONLY, 1, 1, 1, op(7));
        t.add("zrevrange", -4, READONLY, 1, 1, 1, op(8));
        t.add("zrangebyscore", -4, READONLY, 1, 1, 1, op(9));
        t.add("zrevrangebyscore", -4, READONLY, 1, 1, 1, op(10));
        t.add("zcount", 4, READONLY | FAST, 1, 1, 1, op(11));
        t.add("zremrangebyscore", 4, WRITE, 1, 1, 1, op(12));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> zadd(c, a, o);
            case 1 -> zincrby(c, a, o);
            case 2 -> zrem(c, a, o);
            case 3 -> zscore(c, a, o);
            case 4 -> zcard(c, a, o);
            case 5 -> zrank(c, a, o, false);
            case 6 -> zrank(c, a, o, true);
            case 7 -> zrange(c, a, o);
            case 8 -> zrevrange(c, a, o);
            case 9 -> zrangebyscore(c, a, o, false);
            case 10 -> zrangebyscore(c, a, o, true);
            case 11 -> zcount(c, a, o);
            case 12 -> zremrangebyscore(c, a, o);
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    private Entry getOrCreate(Client c, byte[] key) {
        Entry e = typed(c, key, Entry.ZSET);
        if (e == null) {
            e = c.db().add(key, Entry.ZSET, new ZSet());
        }
        return e;
    }

    private void zadd(Client c, byte[][] a, Out out) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = false;
        int i = 2;
        for (; i < a.length; i++) {
            byte[] o = a[i];
            if (Args.is(o, "nx")) {
                nx = true;
            } else if (Args.is(o, "xx")) {
                xx = true;
            } else if (Args.is(o, "gt")) {
                gt = true;
            } else if (Args.is(o, "lt")) {
                lt = true;
            } else if (Args.is(o, "ch")) {
                ch = true;
            } else if (Args.is(o, "incr")) {
                incr = true;
            } else {
                break;
            }
        }
        int pairs = a.length - i;
        if (pairs % 2 != 0 || pairs == 0) {
            throw Errors.SYNTAX;
        }
        pairs /= 2;
        if (nx && xx) {
            throw err("ERR XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw err("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && pairs > 1) {
            throw err("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            scores[p] = Args.toDouble(a[i + 2 * p], Errors.NOT_FLOAT);
        }
        Entry e = typed(c, a[1], Entry.ZSET);
        if (e == null && xx) {
            if (incr) {
                out.nullBulk();
            } else {
                out.integer(0);
            }
            return;
        }
        if (e == null) {
            e = getOrCreate(c, a[1]);
        }
        ZSet z = (ZSet) e.value;
        long added = 0;
        long changed = 0;
        Double incrResult = null;
        for (int p = 0; p < pairs; p++) {
            byte[] member = a[i + 2 * p + 1];
            double score = scores[p];
            Double cur = z.score(member);
            if (cur != null) {
                if (nx) {
                    continue;
                }
                if (incr) {
                    score = cur + score;
                    if (Double.isNaN(score)) {
                        throw err("ERR resulting score is not a number (NaN)");
                    }
                }
                if ((gt && score <= cur) || (lt && score >= cur)) {
                    continue;
                }
                incrResult = score;
                if (score != cur) {
                    z.put(member, score);
                    changed++;
                }
            } else {
                if (xx) {
                    continue;
                }
                z.put(member, score);
                added++;
                incrResult = score;
            }
        }
        if (z.size() == 0) {
            c.db().delete(e);
        }
        if (added + changed > 0) {
            c.db().modified(a[1]);
        }
        if (incr) {
            if (incrResult == null) {
                out.nullBulk();
            } else {
                out.dbl(incrResult);
            }
        } else {
            out.integer(ch ? added + changed : added);
        }
    }

    private void zincrby(Client c, byte[][] a, Out out) {
        double by = Args.toDouble(a[2], Errors.NOT_FLOAT);
        Entry e = getOrCreate(c, a[1]);
        ZSet z = (ZSet) e.value;
        Double cur = z.score(a[3]);
        double n = (cur == null ? 0 : cur) + by;
        if (Double.isNaN(n)) {
            if (z.size() == 0) {
                c.db().delete(e);
            }
            throw err("ERR resulting score is not a number (NaN)");
        }
        z.put(a[3], n);
        c.db().modified(a[1]);
        out.dbl(n);
    }

    private void zrem(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.ZSET);
        if (e == null) {
            out.integer(0);
            return;
        }
        ZSet z = (ZSet) e.value;
        long n = 0;
        for (int i = 2; i < a.length; i++) {
            if (z.remove(a[i])) {
                n++;
            }
        }
        if (z.size() == 0) {
            c.db().delete(e);
        }
        if (n > 0) {
            c.db().modified(a[1]);
        }
        out.integer(n);
    }

    private void zscore(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.ZSET);
        Double s = e == null ? null : ((ZSet) e.value).score(a[2]);
        if (s == null) {
            out.nullBulk();
        } else {
            out.dbl(s);
        }
    }

    private void zcard(Client c, byte[][] a, Out out) {
        Entry e = typed(c, a[1], Entry.ZSET);
        out.integer(e == null ? 0 : ((ZSet) e.value).size());
    }

    private void zrank(Client c, byte[][] a, Out out, boolean rev) {
        Entry e = typed(c, a[1], Entry.ZSET);
        if (e == null) {
            out.nullBulk();
            return;
        }
        ZSet z = (ZSet) e.value;
        long r = z.rank(a[2]);
        if (r < 0) {
            out.nullBulk();
        } else {
            out.integer(rev ? z.size() - 1 - r : r);
        }
    }

    private void writeItems(List<ZSet.Item> items, boolean withScores, Out out) {
        if (withScores && out.resp3()) {
            out.array(items.size());
            for (ZSet.Item x : items) {
                out.array(2);
                out.bulk(x.member());
                out.dbl(x.score());
            }
            return;
        }
        out.array(withScores ? items.size() * 2 : items.size());
        for (ZSet.Item x : items) {
            out.bulk(x.member());
            if (withScores) {
                out.dbl(x.score());
            }
        }
    }

    private void zrange(Client c, byte[][] a, Out out) {
        boolean byScore = false;
        boolean rev = false;
        boolean withScores = false;
        long offset = 0;
        long count = -1;
        boolean limit = false;
        for (int i = 4; i < a.length; i++) {
            if (Args.is(a[i], "byscore")) {
                byScore = true;
            } else if (Args.is(a[i], "bylex")) {
                throw err("ERR BYLEX is not supported by the embedded server");
            } else if (Args.is(a[i], "rev")) {
                rev = true;
            } else if (Args.is(a[i], "withscores")) {
                withScores = true;
            } else if (Args.is(a[i], "limit") && i + 2 < a.length) {
                offset = Args.toLong(a[i + 1]);
                count = Args.toLong(a[i + 2]);
                limit = true;
                i += 2;
            } else {
                throw Errors.SYNTAX;
            }
        }
        if (limit && !byScore) {
            throw err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (byScore) {
            byte[] min = rev ? a[3] : a[2];
            byte[] max = rev ? a[2] : a[3];
            scoreRange(c, a[1], min, max, rev, withScores, offset, count, out);
        } else {
            indexRange(c, a[1], Args.toLong(a[2]), Args.toLong(a[3]), rev, withScores, out);
        }
    }

    private void zrevrange(Client c, byte[][] a, Out out) {
        boolean withScores = false;
        if (a.length == 5 && Args.is(a[4], "withscores")) {
            withScores = true;
        } else if (a.length != 4) {
            throw Errors.SYNTAX;
        }
        indexRange(c, a[1], Args.toLong(a[2]), Args.toLong(a[3]), true, withScores, out);
    }

    private void indexRange(Client c, byte[] key, long start, long stop, boolean rev, boolean withScores, Out out) {
        Entry e = typed(c, key, Entry.ZSET);
        if (e == null) {
            out.array(0);
            return;
        }
        ZSet z = (ZSet) e.value;
        int size = z.size();
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
        writeItems(z.range((int) start, (int) stop, rev), withScores, out);
    }

    private void zrangebyscore(Client c, byte[][] a, Out out, boolean rev) {
        boolean withScores = false;
        long offset = 0;
        long count = -1;
        for (int i = 4; i < a.length; i++) {
            if (Args.is(a[i], "withscores")) {
                withScores = true;
            } else if (Args.is(a[i], "limit") && i + 2 < a.length) {
                offset = Args.toLong(a[i + 1]);
                count = Args.toLong(a[i + 2]);
                i += 2;
            } else {
                throw Errors.SYNTAX;
            }
        }
        byte[] min = rev ? a[3] : a[2];
        byte[] max = rev ? a[2] : a[3];
        scoreRange(c, a[1], min, max, rev, withScores, offset, count, out);
    }

    /** A score bound: value and whether it is exclusive. */
    record Bound(double value, boolean exclusive) {
        static Bound parse(byte[] b) {
            boolean ex = b.length > 0 && b[0] == '(';
            byte[] num = ex ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
            double v = Args.parseDouble(num);
            if (Double.isNaN(v)) {
                throw Errors.MINMAX_NOT_FLOAT;
            }
            return new Bound(v, ex);
        }
    }

    private void scoreRange(Client c, byte[] key, byte[] minArg, byte[] maxArg, boolean rev, boolean withScores,
                            long offset, long count, Out out) {
        Bound min = Bound.parse(minArg);
        Bound max = Bound.parse(maxArg);
        Entry e = typed(c, key, Entry.ZSET);
        if (e == null || offset < 0) {
            out.array(0);
            return;
        }
        ZSet z = (ZSet) e.value;
        writeItems(z.byScore(min.value, min.exclusive, max.value, max.exclusive, rev, offset, count), withScores, out);
    }

    private void zcount(Client c, byte[][] a, Out out) {
        Bound min = Bound.parse(a[2]);
        Bound max = Bound.parse(a[3]);
        Entry e = typed(c, a[1], Entry.ZSET);
        out.integer(e == null ? 0
                : ((ZSet) e.value).byScore(min.value, min.exclusive, max.value, max.exclusive, false, 0, -1).size());
    }

    private void zremrangebyscore(Client c, byte[][] a, Out out) {
        Bound min = Bound.parse(a[2]);
        Bound max = Bound.parse(a[3]);
        Entry e = typed(c, a[1], Entry.ZSET);
        if (e == null) {
            out.integer(0);
            return;
        }
        ZSet z = (ZSet) e.value;
        List<ZSet.Item> items = z.byScore(min.value, min.exclusive, max.value, max.exclusive, false, 0, -1);
        for (ZSet.Item x : items) {
            z.remove(x.member());
        }
        if (z.size() == 0) {
            c.db().delete(e);
        }
        if (!items.isEmpty()) {
            c.db().modified(a[1]);
        }
        out.integer(items.size());
    }
}

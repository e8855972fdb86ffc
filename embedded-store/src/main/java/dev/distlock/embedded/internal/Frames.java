package dev.distlock.embedded.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one record format of the replication stream, the append-only file and snapshots: each
 * record is a RESP array of bulk strings, and each record sets the final state of what it names,
 * so applying a record twice is harmless.
 *
 * <ul>
 *   <li>{@code PUT db key type expireAt elements…}: the key's whole value (string: the value;
 *       hash: field, value, …; list: elements; sorted set: member, score, …) and its absolute
 *       deadline in server-clock ms, -1 for none;</li>
 *   <li>{@code DEL db key}; {@code FLUSH db};</li>
 *   <li>{@code MULTI} … {@code EXEC}: records that apply together (one command, script or
 *       transaction that changed more than one key);</li>
 *   <li>{@code REPLCONF GETACK *} (replication only): the replica acknowledges its offset;</li>
 *   <li>{@code SNAPSHOT version replid offset savedAtMillis} … {@code EOF count}: a snapshot
 *       (full sync payload, snapshot file, or the base of a rewritten append-only file).</li>
 * </ul>
 */
final class Frames {
    static final String PUT = "PUT";
    static final String DEL = "DEL";
    static final String FLUSH = "FLUSH";
    static final String MULTI = "MULTI";
    static final String EXEC = "EXEC";
    static final String SNAPSHOT = "SNAPSHOT";
    static final String EOF = "EOF";
    static final String REPLCONF = "REPLCONF";

    private Frames() {
    }

    /** A growable byte array. Single-threaded. */
    static final class Sink {
        private byte[] buf = new byte[256];
        private int len;

        int size() {
            return len;
        }

        void reset() {
            len = 0;
            if (buf.length > (1 << 20)) {
                buf = new byte[256];
            }
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        void write(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        void write(byte[] b) {
            write(b, 0, b.length);
        }

        void ascii(String s) {
            write(s.getBytes(StandardCharsets.US_ASCII));
        }

        void header(char type, long n) {
            ascii(type + Long.toString(n) + "\r\n");
        }

        void bulk(byte[] b) {
            header('$', b.length);
            write(b);
            ensure(2);
            buf[len++] = '\r';
            buf[len++] = '\n';
        }

        void bulk(String s) {
            bulk(s.getBytes(StandardCharsets.UTF_8));
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, len);
        }

        byte[] array() {
            return buf;
        }
    }

    /** Writes one record of text words. */
    static void op(Sink s, String... words) {
        s.header('*', words.length);
        for (String w : words) {
            s.bulk(w);
        }
    }

    /** Writes the PUT record of an entry of database {@code db}. */
    static void put(Sink s, int db, Entry e) {
        int n;
        switch (e.type) {
            case Entry.STRING -> n = 1;
            case Entry.HASH -> n = ((Map<?, ?>) e.value).size() * 2;
            case Entry.LIST -> n = ((ByteList) e.value).size();
            case Entry.ZSET -> n = ((ZSet) e.value).size() * 2;
            default -> throw new IllegalStateException("unknown type " + e.type);
        }
        s.header('*', 5 + n);
        s.bulk(PUT);
        s.bulk(Integer.toString(db));
        s.bulk(e.key);
        s.bulk(Integer.toString(e.type));
        s.bulk(Long.toString(e.expireAt));
        switch (e.type) {
            case Entry.STRING -> s.bulk((byte[]) e.value);
            case Entry.HASH -> {
                @SuppressWarnings("unchecked")
                Map<Bytes, byte[]> m = (Map<Bytes, byte[]>) e.value;
                for (Map.Entry<Bytes, byte[]> f : m.entrySet()) {
                    s.bulk(f.getKey().b);
                    s.bulk(f.getValue());
                }
            }
            case Entry.LIST -> {
                ByteList l = (ByteList) e.value;
                for (int i = 0; i < l.size(); i++) {
                    s.bulk(l.get(i));
                }
            }
            default -> {
                for (ZSet.Item it : ((ZSet) e.value).items()) {
                    s.bulk(it.member());
                    s.bulk(Double.toString(it.score()));
                }
            }
        }
    }

    static void del(Sink s, int db, byte[] key) {
        s.header('*', 3);
        s.bulk(DEL);
        s.bulk(Integer.toString(db));
        s.bulk(key);
    }

    /** Writes a snapshot of every live key (at {@code now}) of {@code core}. */
    static void snapshot(Sink s, RedisServerCore core, String replid, long offset, long now) {
        op(s, SNAPSHOT, "1", replid, Long.toString(offset), Long.toString(now));
        long[] count = new long[1];
        for (int i = 0; i < core.dbCount(); i++) {
            int db = i;
            core.db(i).forEach(e -> {
                if (e.expireAt < 0 || e.expireAt > now) {
                    put(s, db, e);
                    count[0]++;
                }
            });
        }
        op(s, EOF, Long.toString(count[0]));
    }

    /** @return the value of a PUT record's elements, as the entry type stores it */
    static Object value(byte type, byte[][] r) {
        switch (type) {
            case Entry.STRING -> {
                return r[5];
            }
            case Entry.HASH -> {
                LinkedHashMap<Bytes, byte[]> m = new LinkedHashMap<>();
                for (int i = 5; i + 1 < r.length; i += 2) {
                    m.put(new Bytes(r[i]), r[i + 1]);
                }
                return m;
            }
            case Entry.LIST -> {
                ByteList l = new ByteList();
                for (int i = 5; i < r.length; i++) {
                    l.addLast(r[i]);
                }
                return l;
            }
            case Entry.ZSET -> {
                ZSet z = new ZSet();
                for (int i = 5; i + 1 < r.length; i += 2) {
                    z.put(r[i], Double.parseDouble(Args.str(r[i + 1])));
                }
                return z;
            }
            default -> throw new IllegalStateException("unknown type " + type);
        }
    }

    /** @return whether the record's first word is {@code name} (an upper-case ASCII word), ignoring case */
    static boolean is(byte[][] r, String name) {
        if (r.length == 0 || r[0].length != name.length()) {
            return false;
        }
        byte[] w = r[0];
        for (int i = 0; i < w.length; i++) {
            int c = w[i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Thrown for bytes that are not records. */
    static final class BadFrame extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadFrame(String message) {
            super(message);
        }
    }

    /**
     * Parses one record starting at {@code from}.
     *
     * @return the index after it, or -1 if the bytes end first
     * @throws BadFrame if the bytes are not a record
     */
    static int parse(ByteBuf b, int from, List<byte[][]> out) {
        int w = b.writerIndex();
        int i = from;
        if (i >= w) {
            return -1;
        }
        if (b.getByte(i) != '*') {
            throw new BadFrame("expected '*' at " + i + ", got " + (char) (b.getByte(i) & 0xff));
        }
        int eol = line(b, i + 1, w);
        if (eol < 0) {
            return -1;
        }
        long n = number(b, i + 1, eol);
        i = eol + 2;
        byte[][] r = new byte[(int) n][];
        for (int k = 0; k < n; k++) {
            if (i >= w) {
                return -1;
            }
            if (b.getByte(i) != '$') {
                throw new BadFrame("expected '$' at " + i);
            }
            eol = line(b, i + 1, w);
            if (eol < 0) {
                return -1;
            }
            long len = number(b, i + 1, eol);
            i = eol + 2;
            if ((long) w - i < len + 2) {
                return -1;
            }
            byte[] a = new byte[(int) len];
            b.getBytes(i, a);
            r[k] = a;
            i += (int) len + 2;
        }
        out.add(r);
        return i;
    }

    /**
     * Parses one unit: a record, or a whole {@code MULTI} … {@code EXEC} group (its records
     * without the markers).
     *
     * @return the index after it, or -1 if the bytes end first
     */
    static int parseUnit(ByteBuf b, int from, List<byte[][]> out) {
        int size = out.size();
        int end = parse(b, from, out);
        if (end < 0 || !is(out.get(size), MULTI)) {
            return end;
        }
        out.remove(size);
        while (true) {
            int next = parse(b, end, out);
            if (next < 0) {
                while (out.size() > size) {
                    out.remove(out.size() - 1);
                }
                return -1;
            }
            end = next;
            if (is(out.get(out.size() - 1), EXEC)) {
                out.remove(out.size() - 1);
                return end;
            }
        }
    }

    /** @return the index of the CR of the line starting at {@code from}, or -1 */
    static int line(ByteBuf b, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (b.getByte(i) == '\r') {
                return i;
            }
        }
        return -1;
    }

    static long number(ByteBuf b, int from, int to) {
        long v = 0;
        if (from >= to || to - from > 18) {
            throw new BadFrame("bad length");
        }
        for (int i = from; i < to; i++) {
            int c = b.getByte(i);
            if (c < '0' || c > '9') {
                throw new BadFrame("bad length");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}

package dev.distlock.embedded.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes RESP2 or RESP3 into a connection's output buffer. Event-loop thread only. */
final class BufOut extends Out {
    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] NULL_BULK = ascii("$-1\r\n");
    private static final byte[] NULL_ARRAY = ascii("*-1\r\n");
    private static final byte[] NULL3 = ascii("_\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] TRUE3 = ascii("#t\r\n");
    private static final byte[] FALSE3 = ascii("#f\r\n");
    private static final byte[] TXT = ascii("txt:");
    private static final byte[][] INTS = new byte[1024][];
    private static final byte[][] BULK_HEADERS = new byte[1024][];
    private static final byte[] MIN_LONG = ascii(Long.toString(Long.MIN_VALUE));

    static {
        for (int i = 0; i < INTS.length; i++) {
            INTS[i] = ascii(":" + i + "\r\n");
            BULK_HEADERS[i] = ascii("$" + i + "\r\n");
        }
    }

    private final Conn conn;

    BufOut(Conn conn) {
        this.conn = conn;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private ByteBuf buf() {
        return conn.outBuf();
    }

    @Override
    public boolean resp3() {
        return conn.resp == 3;
    }

    @Override
    public void simple(String text) {
        ByteBuf b = buf();
        b.writeByte('+');
        writeText(b, text);
        b.writeBytes(CRLF);
    }

    @Override
    public void ok() {
        buf().writeBytes(OK);
    }

    @Override
    public void error(String message) {
        ByteBuf b = buf();
        b.writeByte('-');
        writeText(b, message);
        b.writeBytes(CRLF);
    }

    private static void writeText(ByteBuf b, String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // rare: non-ASCII status or error text
                byte[] utf8 = text.substring(i).replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8);
                b.writeBytes(utf8);
                return;
            }
            b.writeByte(c == '\r' || c == '\n' ? ' ' : c);
        }
    }

    @Override
    public void integer(long v) {
        ByteBuf b = buf();
        if (v >= 0 && v < INTS.length) {
            b.writeBytes(INTS[(int) v]);
            return;
        }
        b.writeByte(':');
        writeLong(b, v);
        b.writeBytes(CRLF);
    }

    static void writeLong(ByteBuf b, long v) {
        if (v == Long.MIN_VALUE) {
            b.writeBytes(MIN_LONG);
            return;
        }
        if (v < 0) {
            b.writeByte('-');
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        b.ensureWritable(digits);
        int idx = b.writerIndex();
        for (int i = idx + digits - 1; i >= idx; i--) {
            b.setByte(i, (int) ('0' + v % 10));
            v /= 10;
        }
        b.writerIndex(idx + digits);
    }

    @Override
    public void bulk(byte[] data) {
        ByteBuf b = buf();
        int n = data.length;
        if (n < BULK_HEADERS.length) {
            b.ensureWritable(n + 8);
            b.writeBytes(BULK_HEADERS[n]);
        } else {
            b.ensureWritable(n + 16);
            b.writeByte('$');
            writeLong(b, n);
            b.writeBytes(CRLF);
        }
        b.writeBytes(data);
        b.writeBytes(CRLF);
    }

    @Override
    public void nullBulk() {
        buf().writeBytes(conn.resp == 3 ? NULL3 : NULL_BULK);
    }

    @Override
    public void nullArray() {
        buf().writeBytes(conn.resp == 3 ? NULL3 : NULL_ARRAY);
    }

    private void header(char type, long n) {
        ByteBuf b = buf();
        b.writeByte(type);
        writeLong(b, n);
        b.writeBytes(CRLF);
    }

    @Override
    public void array(int n) {
        header('*', n);
    }

    @Override
    public void map(int n) {
        if (conn.resp == 3) {
            header('%', n);
        } else {
            header('*', 2L * n);
        }
    }

    @Override
    public void set(int n) {
        header(conn.resp == 3 ? '~' : '*', n);
    }

    @Override
    public void push(int n) {
        header(conn.resp == 3 ? '>' : '*', n);
    }

    @Override
    public void dbl(double d) {
        if (conn.resp == 3) {
            ByteBuf b = buf();
            b.writeByte(',');
            b.writeCharSequence(Args.formatDouble(d), StandardCharsets.ISO_8859_1);
            b.writeBytes(CRLF);
        } else {
            bulk(ascii(Args.formatDouble(d)));
        }
    }

    @Override
    public void bool(boolean v) {
        if (conn.resp == 3) {
            buf().writeBytes(v ? TRUE3 : FALSE3);
        } else {
            integer(v ? 1 : 0);
        }
    }

    @Override
    public void verbatim(String text) {
        if (conn.resp == 3) {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            header('=', data.length + 4L);
            ByteBuf b = buf();
            b.writeBytes(TXT);
            b.writeBytes(data);
            b.writeBytes(CRLF);
        } else {
            bulk(text);
        }
    }

    @Override
    public long mark() {
        return buf().writerIndex();
    }

    @Override
    public void reset(long mark) {
        buf().writerIndex((int) mark);
    }
}

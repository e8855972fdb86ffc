package dev.distlock.embedded.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: decodes RESP (multibulk and inline) straight from the received
 * {@link ByteBuf}, hands each complete command to the core as soon as it is decoded (or holds
 * it while the server or this client must wait), and collects replies in one output buffer
 * that the core flushes once per read batch. Event-loop thread only.
 */
final class Conn extends Client {
    static final long MAX_BULK = 512L * 1024 * 1024;
    static final int MAX_MULTIBULK = 1024 * 1024;
    static final int MAX_INLINE = 64 * 1024;
    private static final byte[][] EMPTY = new byte[0][];
    private static final int PENDING_READ_LIMIT = 10_000;

    /** A client blocked in BLPOP/BRPOP. */
    static final class Block {
        final Db db;
        final byte[][] keys;
        final boolean left;
        final long deadline;
        ScheduledFuture<?> timer;

        Block(Db db, byte[][] keys, boolean left, long deadline) {
            this.db = db;
            this.keys = keys;
            this.left = left;
            this.deadline = deadline;
        }
    }

    final Channel ch;
    final BufOut out = new BufOut(this);
    final Handler handler = new Handler();
    private ByteBuf outBuf;
    boolean dirty;
    private ByteBuf cum;
    // decoder state: remaining bulks of the current multibulk (0 = at a command start)
    private int mbLeft;
    private byte[][] args;
    private int argc;
    private long bulkLen = -1;
    ArrayDeque<byte[][]> pending;
    boolean closeAfterFlush;
    boolean closed;
    Block block;
    /** Set while this client waits for a script (its own EVAL, or WATCH during a busy script). */
    boolean waitingForLoan;
    /**
     * Replies held back by the latency fault, oldest first, with non-decreasing deadlines (event
     * loop only). One timer drains them in order: separate timers per reply could swap two replies
     * whose deadlines are equal, because Netty recomputes each timer's deadline from its own clock read.
     */
    private ArrayDeque<Delayed> delayed;

    private record Delayed(long deadline, ByteBuf data, boolean close) {
    }
    final String addr;
    final String laddr;
    /** Set once this connection is a replica's link (after PSYNC). */
    Replication.ReplicaState replica;
    /** The port a would-be replica announced with REPLCONF listening-port. */
    int replListeningPort;
    /** Set while this client is blocked in WAIT. */
    Replication.ReplWait replWait;

    Conn(RedisServerCore core, long id, Channel ch) {
        super(core, id);
        this.ch = ch;
        this.addr = hostPort(ch.remoteAddress());
        this.laddr = hostPort(ch.localAddress());
    }

    private static String hostPort(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    @Override
    boolean isScript() {
        return false;
    }

    @Override
    Conn conn() {
        return this;
    }

    /** @return the output buffer of the current batch, registering this connection for the next flush */
    ByteBuf outBuf() {
        ByteBuf b = outBuf;
        if (b == null) {
            b = ch.alloc().ioBuffer(512);
            outBuf = b;
            if (!dirty) {
                dirty = true;
                core.markDirty(this);
            }
        }
        return b;
    }

    /** Sends what the batch wrote (once per batch), honouring the latency fault. */
    void flush() {
        dirty = false;
        ByteBuf b = outBuf;
        outBuf = null;
        if (closed) {
            if (b != null) {
                b.release();
            }
            return;
        }
        if (b != null && !b.isReadable()) {
            b.release();
            b = null;
        }
        long delay = core.latencyNanos();
        // Replies still held back by an earlier latency keep their order: a reply sent after the
        // latency was lowered (or removed) must not overtake them.
        boolean behind = delayed != null && !delayed.isEmpty();
        if ((delay > 0 || behind) && b != null) {
            long when = System.nanoTime() + delay;
            if (behind && delayed.peekLast().deadline() - when > 0) {
                when = delayed.peekLast().deadline();
            }
            if (delayed == null) {
                delayed = new ArrayDeque<>();
            }
            delayed.addLast(new Delayed(when, b, closeAfterFlush));
            if (!behind) {
                scheduleDrain(when);
            }
            return;
        }
        if (b != null) {
            if (closeAfterFlush) {
                ch.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
            } else {
                ch.writeAndFlush(b, ch.voidPromise());
            }
        } else if (closeAfterFlush) {
            ch.close();
        }
    }

    private void scheduleDrain(long deadline) {
        ch.eventLoop().schedule(this::drainDelayed, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** Writes every held reply whose deadline has passed, in order, then waits for the next one. */
    private void drainDelayed() {
        long now = System.nanoTime();
        Delayed d;
        while ((d = delayed.peekFirst()) != null && d.deadline() - now <= 0) {
            delayed.pollFirst();
            if (closed) {
                d.data().release();
            } else if (d.close()) {
                ch.writeAndFlush(d.data()).addListener(ChannelFutureListener.CLOSE);
            } else {
                ch.writeAndFlush(d.data(), ch.voidPromise());
            }
        }
        if (d != null) {
            scheduleDrain(d.deadline());
        }
    }

    /** Adds input and runs (or holds) every complete command in it. */
    void onRead(ByteBuf in) {
        if (closeAfterFlush || closed) {
            in.release();
            return;
        }
        cum = cum == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ch.alloc(), cum, in);
        try {
            while (cum != null && cum.isReadable() && !closeAfterFlush && !closed) {
                byte[][] argv = decode(cum);
                if (argv == null) {
                    break;
                }
                if (argv.length == 0) {
                    continue;
                }
                if (pending == null || pending.isEmpty()) {
                    if (core.canRun(this)) {
                        core.runCommand(this, argv);
                        continue;
                    }
                }
                hold(argv);
            }
        } catch (ProtocolException e) {
            protocolError(e.getMessage());
        } finally {
            if (cum != null) {
                if (!cum.isReadable() || closeAfterFlush || closed) {
                    cum.release();
                    cum = null;
                } else {
                    cum.discardSomeReadBytes();
                }
            }
        }
    }

    private void hold(byte[][] argv) {
        if (pending == null) {
            pending = new ArrayDeque<>();
        }
        pending.add(argv);
        core.held(this);
        if (pending.size() >= PENDING_READ_LIMIT && ch.config().isAutoRead()) {
            ch.config().setAutoRead(false);
        }
    }

    /** Runs held commands while this client may run; stops when it must wait again. */
    void runPending() {
        while (pending != null && !pending.isEmpty() && !closed && !closeAfterFlush && core.canRun(this)) {
            core.runCommand(this, pending.poll());
        }
        if ((pending == null || pending.isEmpty()) && !ch.config().isAutoRead() && !closed) {
            ch.config().setAutoRead(true);
        }
    }

    boolean hasPending() {
        return pending != null && !pending.isEmpty();
    }

    void protocolError(String message) {
        out.error("ERR Protocol error: " + message);
        closeAfterFlush = true;
        if (pending != null) {
            pending.clear();
        }
        if (delayed != null) {
            Delayed d;
            while ((d = delayed.pollFirst()) != null) {
                d.data().release();
            }
        }
    }

    /** Replies then closes (QUIT, CLIENT KILL of itself). */
    void closeAfterReply() {
        closeAfterFlush = true;
        outBuf();
    }

    static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Decodes one command.
     *
     * @return the arguments, an empty array for an empty request, or null if more bytes are needed
     */
    private byte[][] decode(ByteBuf b) throws ProtocolException {
        if (mbLeft == 0) {
            int r = b.readerIndex();
            int w = b.writerIndex();
            if (b.getByte(r) != '*') {
                return decodeInline(b);
            }
            int eol = findCr(b, r + 1, w);
            if (eol < 0 || eol + 1 >= w) {
                if (w - r > MAX_INLINE) {
                    throw new ProtocolException("too big mbulk count string");
                }
                return null;
            }
            long n = parseNumber(b, r + 1, eol);
            if (n == Long.MIN_VALUE || n > MAX_MULTIBULK) {
                throw new ProtocolException("invalid multibulk length");
            }
            if (n > 10 && !authenticated && core.authRequired()) {
                throw new ProtocolException("unauthenticated multibulk length");
            }
            b.readerIndex(eol + 2);
            if (n <= 0) {
                return EMPTY;
            }
            mbLeft = (int) n;
            args = new byte[(int) Math.min(n, 1024)][];
            argc = 0;
            bulkLen = -1;
        }
        while (mbLeft > 0) {
            int r = b.readerIndex();
            int w = b.writerIndex();
            if (bulkLen < 0) {
                if (r >= w) {
                    return null;
                }
                byte first = b.getByte(r);
                if (first != '$') {
                    throw new ProtocolException("expected '$', got '" + (char) (first & 0xff) + "'");
                }
                int eol = findCr(b, r + 1, w);
                if (eol < 0 || eol + 1 >= w) {
                    if (w - r > MAX_INLINE) {
                        throw new ProtocolException("too big bulk count string");
                    }
                    return null;
                }
                long len = parseNumber(b, r + 1, eol);
                if (len < 0 || len > MAX_BULK) {
                    throw new ProtocolException("invalid bulk length");
                }
                if (len > 16384 && !authenticated && core.authRequired()) {
                    throw new ProtocolException("unauthenticated bulk length");
                }
                bulkLen = len;
                r = eol + 2;
                b.readerIndex(r);
            }
            if ((long) w - r < bulkLen + 2) {
                return null;
            }
            byte[] a = new byte[(int) bulkLen];
            b.getBytes(r, a);
            b.readerIndex(r + (int) bulkLen + 2);
            if (argc == args.length) {
                args = Arrays.copyOf(args, (int) Math.min((long) args.length * 2, argc + (long) mbLeft));
            }
            args[argc++] = a;
            mbLeft--;
            bulkLen = -1;
        }
        byte[][] result = argc == args.length ? args : Arrays.copyOf(args, argc);
        args = null;
        return result;
    }

    private static int findCr(ByteBuf b, int from, int to) {
        int limit = Math.min(to, from + MAX_INLINE + 1);
        for (int i = from; i < limit; i++) {
            if (b.getByte(i) == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** Parses an integer header in place (string2ll rules); Long.MIN_VALUE if invalid. */
    private static long parseNumber(ByteBuf b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        int c = b.getByte(from);
        if (len == 1 && c == '0') {
            return 0;
        }
        boolean neg = false;
        int i = from;
        if (c == '-') {
            neg = true;
            i++;
            if (i == to) {
                return Long.MIN_VALUE;
            }
            c = b.getByte(i);
        }
        if (c < '1' || c > '9') {
            return Long.MIN_VALUE;
        }
        long acc = c - '0';
        for (i++; i < to; i++) {
            c = b.getByte(i);
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
            int d = c - '0';
            if (acc > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE;
            }
            acc = acc * 10 + d;
        }
        return neg ? -acc : acc;
    }

    private byte[][] decodeInline(ByteBuf b) throws ProtocolException {
        int r = b.readerIndex();
        int w = b.writerIndex();
        int nl = -1;
        int limit = Math.min(w, r + MAX_INLINE + 1);
        for (int i = r; i < limit; i++) {
            if (b.getByte(i) == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            if (w - r > MAX_INLINE) {
                throw new ProtocolException("too big inline request");
            }
            return null;
        }
        int end = nl;
        if (end > r && b.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - r];
        b.getBytes(r, line);
        b.readerIndex(nl + 1);
        List<byte[]> parts = splitArgs(line);
        if (parts == null) {
            throw new ProtocolException("unbalanced quotes in request");
        }
        return parts.toArray(new byte[0][]);
    }

    /** Redis's sdssplitargs: spaces separate, "..." with escapes, '...' with \' only. */
    static List<byte[]> splitArgs(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        int n = line.length;
        java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
        while (true) {
            while (i < n && isSpace(line[i])) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            boolean inq = false;
            boolean insq = false;
            boolean done = false;
            cur.reset();
            while (!done) {
                if (inq) {
                    if (i >= n) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                        cur.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        byte e = line[i];
                        cur.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (insq) {
                    if (i >= n) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (i >= n) {
                        done = true;
                        break;
                    }
                    byte c = line[i];
                    if (isSpace(c)) {
                        done = true;
                    } else if (c == '"') {
                        inq = true;
                    } else if (c == '\'') {
                        insq = true;
                    } else {
                        cur.write(c);
                    }
                }
                if (i < n) {
                    i++;
                }
            }
            out.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0 || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Releases buffers; called once when the channel goes inactive. */
    void release() {
        closed = true;
        if (cum != null) {
            cum.release();
            cum = null;
        }
        if (outBuf != null) {
            outBuf.release();
            outBuf = null;
        }
        if (pending != null) {
            pending.clear();
        }
    }

    /** The Netty side of the connection. */
    final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            core.connected(Conn.this);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            onRead((ByteBuf) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            core.flushDirty();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            core.disconnected(Conn.this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException)) {
                core.log(System.Logger.Level.WARNING, "connection " + addr + " failed", cause);
            }
            ctx.close();
        }
    }
}

package dev.distlock.embedded.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Replication of one server, as a primary and as a replica. Event loop only (or the script thread
 * holding the keyspace, for {@link #touch}).
 *
 * <h2>Design note</h2>
 * <p><b>What is propagated.</b> Effects, not commands: while tracking is on, every key a command
 * changes is noted ({@link Db} calls {@link #touch}); when the command (or the whole script, or
 * the whole MULTI/EXEC) has finished, {@link #propagate()} writes one {@link Frames} record per
 * noted key with the key's final state ({@code PUT} with value and absolute deadline, or
 * {@code DEL}), wrapped in {@code MULTI}/{@code EXEC} when there is more than one. A replica
 * applies a group only once all of it has arrived, so scripts and transactions stay atomic there,
 * and nothing depends on the replica's clock or on replaying a script. An expiry on the primary
 * (lazy or active) is a {@code DEL}. The same records go to the append-only file.
 *
 * <p><b>Offsets and backlog.</b> The primary's offset counts the bytes of the stream; the last
 * {@code backlogSize} bytes stay in a ring. A replica asks {@code PSYNC replid offset+1}: if the
 * id is ours (or our previous one, up to the offset where we were promoted) and the bytes are
 * still in the ring, it gets {@code +CONTINUE} and the missing bytes (a partial resync); otherwise
 * {@code +FULLRESYNC replid offset} and a snapshot. A replica feeds the bytes it applies into its
 * own ring with the primary's offsets, so once promoted it can continue other replicas.
 *
 * <p><b>Acks.</b> Replicas send {@code REPLCONF ACK offset} every second and when the stream
 * carries {@code REPLCONF GETACK *}. {@code WAIT} blocks only its caller; the acks wake it.
 * Replica lag for {@code min-replicas-max-lag} is measured with the server clock.
 */
final class Replication {
    static final String ZERO_ID = "0000000000000000000000000000000000000000";
    static final String READONLY = "READONLY You can't write against a read only replica.";
    static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";
    private static final long RECONNECT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What a primary knows of one of its replicas (kept on the replica's connection). */
    static final class ReplicaState {
        final int listeningPort;
        long ackOffset;
        long ackTime;
        long sentOffset;

        ReplicaState(int listeningPort) {
            this.listeningPort = listeningPort;
        }
    }

    /** A client blocked in WAIT. */
    static final class ReplWait {
        final long target;
        final long needed;
        io.netty.util.concurrent.ScheduledFuture<?> timer;

        ReplWait(long target, long needed) {
            this.target = target;
            this.needed = needed;
        }
    }

    private record KeyRef(int db, Bytes key) {
    }

    private record FlushRef(int db) {
    }

    private final RedisServerCore core;
    Persistence aof;

    // role
    boolean replica;
    String masterHost;
    int masterPort;
    private MasterLink link;
    private long nextConnectNanos = System.nanoTime();

    // ids and offsets
    String replid = newId();
    String replid2 = ZERO_ID;
    long secondOffset = -1;
    long offset;

    // backlog
    private byte[] backlog;
    int backlogSize;
    private long backlogBase = 1;
    long histlen;

    /** Whether writes are noted and propagated (a replica ever attached, we are a replica, or an AOF). */
    volatile boolean tracking;
    private final LinkedHashSet<Object> touched = new LinkedHashSet<>();
    private final Frames.Sink sink = new Frames.Sink();

    final ArrayList<Conn> replicas = new ArrayList<>();
    private final ArrayList<Conn> waiters = new ArrayList<>();

    // faults and settings
    boolean paused;
    boolean partitioned;
    volatile int minReplicas;
    volatile long maxLagMillis;

    // stats
    long syncFull;
    long syncPartialOk;
    long syncPartialErr;

    Replication(RedisServerCore core, ServerConfig config) {
        this.core = core;
        this.backlogSize = config.backlogSize();
        this.minReplicas = config.minReplicasToWrite();
        this.maxLagMillis = config.minReplicasMaxLag().toMillis();
        if (config.replicaOfHost() != null) {
            replica = true;
            masterHost = config.replicaOfHost();
            masterPort = config.replicaOfPort();
            activate();
        }
    }

    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ noting and propagating writes

    /** Notes that a key of db {@code db} changed. */
    void touch(int db, byte[] key) {
        touched.add(new KeyRef(db, new Bytes(key)));
    }

    /** Notes that db {@code db} was emptied (earlier key notes of that db are then moot). */
    void flushed(int db) {
        touched.removeIf(o -> o instanceof KeyRef k && k.db() == db);
        FlushRef f = new FlushRef(db);
        touched.remove(f);
        touched.add(f);
    }

    /** Forgets noted changes (after loading data that is already on disk). */
    void forgetTouched() {
        touched.clear();
    }

    /**
     * Writes the records of every change noted since the last call to the append-only file and
     * (on a primary) to the replication stream. Does nothing while a script holds the keyspace.
     *
     * @return whether anything was written
     */
    boolean propagate() {
        if (touched.isEmpty() || (core.loanOwner() != null && !core.onLoanThread())) {
            return false;
        }
        if (replica && aof == null) { // a replica's backlog gets its primary's bytes, not ours
            touched.clear();
            return false;
        }
        Frames.Sink s = sink;
        s.reset();
        int n = touched.size();
        if (n > 1) {
            Frames.op(s, Frames.MULTI);
        }
        for (Object o : touched) {
            if (o instanceof KeyRef k) {
                Db d = core.db(k.db());
                Entry e = d.find(k.key().b, Db.hash(k.key().b));
                if (e == null) {
                    Frames.del(s, k.db(), k.key().b);
                } else {
                    Frames.put(s, k.db(), e);
                }
            } else {
                Frames.op(s, Frames.FLUSH, Integer.toString(((FlushRef) o).db()));
            }
        }
        if (n > 1) {
            Frames.op(s, Frames.EXEC);
        }
        touched.clear();
        if (aof != null) {
            aof.append(s.array(), 0, s.size());
        }
        if (!replica) {
            feed(s.array(), 0, s.size());
        }
        return true;
    }

    /** Turns on noting writes and the backlog (the first replica, or becoming one). */
    void activate() {
        tracking = true;
        if (backlog == null) {
            backlog = new byte[backlogSize];
            backlogBase = offset + 1;
            histlen = 0;
        }
    }

    /** @return whether the backlog exists */
    boolean backlogActive() {
        return backlog != null;
    }

    /** Empties the backlog; the next byte fed has offset {@code offset + 1}. */
    private void resetBacklog() {
        backlogBase = offset + 1;
        histlen = 0;
    }

    /** Resizes the backlog (its content is dropped). */
    void resizeBacklog(int size) {
        backlogSize = size;
        if (backlog != null) {
            backlog = new byte[size];
            resetBacklog();
        }
    }

    long firstByteOffset() {
        return offset - histlen + 1;
    }

    /** Appends stream bytes: offset, backlog, and every replica that is not held back. */
    void feed(byte[] b, int off, int len) {
        if (backlog == null || len == 0) {
            return;
        }
        int size = backlog.length;
        if (len >= size) {
            int skip = len - size;
            offset += skip;
            resetBacklog();
            off += skip;
            len = size;
        }
        int idx = (int) Math.floorMod(offset + 1 - backlogBase, (long) size);
        int first = Math.min(len, size - idx);
        System.arraycopy(b, off, backlog, idx, first);
        System.arraycopy(b, off + first, backlog, 0, len - first);
        offset += len;
        histlen = Math.min(size, histlen + len);
        if (!paused) {
            for (int i = 0; i < replicas.size(); i++) {
                sendPending(replicas.get(i));
            }
        }
    }

    /** Sends a replica the bytes it has not had yet, or drops it if they left the backlog. */
    private void sendPending(Conn c) {
        ReplicaState rs = c.replica;
        if (rs == null || rs.sentOffset >= offset || c.closed) {
            return;
        }
        long from = rs.sentOffset + 1;
        if (from < firstByteOffset()) {
            c.ch.close(); // it reconnects and resyncs in full
            return;
        }
        ByteBuf out = c.outBuf();
        int size = backlog.length;
        long n = offset - rs.sentOffset;
        int idx = (int) Math.floorMod(from - backlogBase, (long) size);
        int first = (int) Math.min(n, size - idx);
        out.writeBytes(backlog, idx, first);
        out.writeBytes(backlog, 0, (int) (n - first));
        rs.sentOffset = offset;
    }

    // ------------------------------------------------------------------ primary side

    /** PSYNC from a would-be replica. */
    void psync(Conn c, byte[][] a) {
        if (partitioned) {
            c.out.error("ERR replication link refused (partitioned)");
            c.closeAfterReply();
            return;
        }
        if (replica && (link == null || !link.streaming())) {
            c.out.error("NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        propagate();
        activate();
        String rid = Args.str(a[1]);
        long req;
        try {
            req = Args.toLong(a[2]);
        } catch (RedisError e) {
            req = -1;
        }
        ReplicaState rs = new ReplicaState(c.replListeningPort);
        boolean same = rid.equals(replid) || (rid.equals(replid2) && req <= secondOffset);
        if (same && req >= firstByteOffset() && req <= offset + 1) {
            c.out.simple("CONTINUE " + replid);
            rs.sentOffset = req - 1;
            rs.ackOffset = req - 1;
            c.replica = rs;
            sendPending(c);
            syncPartialOk++;
        } else {
            if (!rid.equals("?")) {
                syncPartialErr++;
            }
            syncFull++;
            Frames.Sink s = new Frames.Sink();
            Frames.snapshot(s, core, replid, offset, core.now());
            c.out.simple("FULLRESYNC " + replid + " " + offset);
            ByteBuf out = c.outBuf();
            out.writeBytes(("$" + s.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(s.array(), 0, s.size());
            rs.sentOffset = offset;
            c.replica = rs;
        }
        rs.ackTime = core.now();
        replicas.add(c);
    }

    /** A command on a replica's link (after PSYNC): only acks matter, nothing is answered. */
    void fromReplica(Conn c, byte[][] a) {
        if (a.length >= 3 && Args.is(a[0], "replconf") && Args.is(a[1], "ack")) {
            try {
                long off = Args.toLong(a[2]);
                ReplicaState rs = c.replica;
                rs.ackOffset = Math.max(rs.ackOffset, off);
                core.resetNow();
                rs.ackTime = core.now();
            } catch (RedisError e) {
                return;
            }
            checkWaiters();
        }
    }

    /** A connection closed. */
    void connGone(Conn c) {
        if (c.replica != null) {
            replicas.remove(c);
        }
        if (c.replWait != null) {
            if (c.replWait.timer != null) {
                c.replWait.timer.cancel(false);
            }
            c.replWait = null;
            waiters.remove(c);
        }
    }

    /** @return how many replicas acknowledged at least {@code target} */
    int countAcked(long target) {
        int n = 0;
        for (Conn c : replicas) {
            if (c.replica.ackOffset >= target) {
                n++;
            }
        }
        return n;
    }

    /** @return the replicas whose last ack is at most max-lag old */
    int goodReplicas() {
        long now = core.now();
        int n = 0;
        for (Conn c : replicas) {
            if (now - c.replica.ackTime <= maxLagMillis) {
                n++;
            }
        }
        return n;
    }

    /** @return the error that refuses a write now, or null if writes are allowed */
    String writeDenied() {
        if (replica) {
            return READONLY;
        }
        if (minReplicas > 0 && goodReplicas() < minReplicas) {
            return NOREPLICAS;
        }
        return null;
    }

    /** WAIT: answers at once or blocks the caller until enough acks or the timeout. */
    void waitCmd(Client c, long needed, long timeoutMillis, Out out) {
        if (!c.inExec) {
            if (propagate()) {
                c.woff = offset;
            }
        }
        long target = c.woff;
        int acked = countAcked(target);
        Conn conn = c.conn();
        if (acked >= needed || c.inExec || conn == null) {
            out.integer(acked);
            return;
        }
        ReplWait w = new ReplWait(target, needed);
        conn.replWait = w;
        waiters.add(conn);
        if (timeoutMillis > 0) {
            w.timer = core.loop().schedule(() -> {
                if (conn.replWait == w) {
                    finishWait(conn);
                    core.flushDirty();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
        getAck();
    }

    private void getAck() {
        Frames.Sink s = new Frames.Sink();
        Frames.op(s, Frames.REPLCONF, "GETACK", "*");
        feed(s.array(), 0, s.size());
    }

    private void finishWait(Conn c) {
        ReplWait w = c.replWait;
        if (w == null) {
            return;
        }
        if (w.timer != null) {
            w.timer.cancel(false);
        }
        c.replWait = null;
        waiters.remove(c);
        if (!c.closed) {
            c.out.integer(countAcked(w.target));
            core.resumeClient(c);
        }
    }

    /** Wakes WAIT callers that have their acks. */
    void checkWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        for (Conn c : new ArrayList<>(waiters)) {
            ReplWait w = c.replWait;
            if (w != null && countAcked(w.target) >= w.needed) {
                finishWait(c);
            }
        }
    }

    private void finishAllWaits() {
        for (Conn c : new ArrayList<>(waiters)) {
            finishWait(c);
        }
    }

    /** Closes every replica's link. */
    void dropReplicas() {
        for (Conn c : new ArrayList<>(replicas)) {
            c.ch.close();
        }
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        for (Conn c : new ArrayList<>(replicas)) {
            sendPending(c);
        }
    }

    void partition() {
        partitioned = true;
        dropReplicas();
        closeLink();
    }

    void heal() {
        partitioned = false;
    }

    // ------------------------------------------------------------------ role changes

    /**
     * Makes this server a replica of host:port (REPLICAOF host port).
     *
     * @return false if it already was
     */
    boolean replicaOf(String host, int port) {
        if (replica && host.equals(masterHost) && port == masterPort) {
            return false;
        }
        if (!replica) {
            finishAllWaits();
            core.unblockAll("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)");
        }
        dropReplicas();
        closeLink();
        replica = true;
        masterHost = host;
        masterPort = port;
        activate();
        nextConnectNanos = System.nanoTime();
        connectIfDue();
        return true;
    }

    /** REPLICAOF NO ONE: becomes a primary, keeping its data; the old id stays valid for PSYNC up to here. */
    void promote() {
        if (!replica) {
            return;
        }
        closeLink();
        replica = false;
        masterHost = null;
        masterPort = 0;
        shiftId();
        dropReplicas();
    }

    private void shiftId() {
        replid2 = replid;
        secondOffset = offset + 1;
        replid = newId();
    }

    /** The data was replaced (empty restart, crash, load from disk): a new history starts. */
    void newHistory() {
        replid = newId();
        replid2 = ZERO_ID;
        secondOffset = -1;
        offset = 0;
        resetBacklog();
        touched.clear();
    }

    void closeLink() {
        MasterLink l = link;
        link = null;
        if (l != null) {
            l.close();
        }
    }

    /** Cron: (re)connects a replica to its primary when the link is down and connecting is allowed. */
    void cron(boolean mayConnect) {
        if (replica && link == null && mayConnect && !partitioned && System.nanoTime() - nextConnectNanos >= 0) {
            connectIfDue();
        }
        if (link != null) {
            link.process();
        }
    }

    private void connectIfDue() {
        if (!core.mayConnectToMaster() || partitioned || core.loop() == null) {
            return;
        }
        nextConnectNanos = System.nanoTime() + RECONNECT_NANOS;
        MasterLink l = new MasterLink(masterHost, masterPort);
        link = l;
        l.connect();
    }

    /** Every second on a replica: acknowledge the offset. */
    void cronAck() {
        if (replica && link != null && link.streaming() && !core.isPaused()) {
            link.ack();
        }
    }

    /** Applies what the link has buffered (after a pause or a script). */
    void kick() {
        if (link != null) {
            link.process();
        }
    }

    String masterLinkStatus() {
        return link != null && link.streaming() ? "up" : "down";
    }

    // ------------------------------------------------------------------ applying records

    /** Applies one record; {@code loading} skips keys already expired (load from disk). */
    void apply(byte[][] r, boolean loading) {
        if (Frames.is(r, Frames.PUT) && r.length >= 5) {
            int dbi = Integer.parseInt(Args.str(r[1]));
            if (dbi < 0 || dbi >= core.dbCount()) {
                return;
            }
            Db d = core.db(dbi);
            byte[] key = r[2];
            byte type = Byte.parseByte(Args.str(r[3]));
            long expireAt = Long.parseLong(Args.str(r[4]));
            Entry old = d.find(key, Db.hash(key));
            if (old != null) {
                d.delete(old);
            }
            if (!(loading && expireAt >= 0 && expireAt <= core.now())) {
                Entry e = d.add(key, type, Frames.value(type, r));
                if (expireAt >= 0) {
                    d.setExpire(e, expireAt);
                }
            }
            d.modified(key);
        } else if (Frames.is(r, Frames.DEL) && r.length == 3) {
            int dbi = Integer.parseInt(Args.str(r[1]));
            if (dbi < 0 || dbi >= core.dbCount()) {
                return;
            }
            Db d = core.db(dbi);
            Entry old = d.find(r[2], Db.hash(r[2]));
            if (old != null) {
                d.delete(old);
                d.modified(r[2]);
            }
        } else if (Frames.is(r, Frames.FLUSH) && r.length == 2) {
            int dbi = Integer.parseInt(Args.str(r[1]));
            if (dbi >= 0 && dbi < core.dbCount()) {
                core.db(dbi).modifiedAll();
                core.db(dbi).clear();
            }
        } else if (Frames.is(r, Frames.SNAPSHOT)) {
            for (int i = 0; i < core.dbCount(); i++) { // a snapshot is the whole state
                core.db(i).modifiedAll();
                core.db(i).clear();
            }
        }
        // EOF, REPLCONF: nothing to apply
    }

    /**
     * Applies every record of {@code b}.
     *
     * @return the SNAPSHOT header record, or null if there is none
     * @throws Frames.BadFrame if the bytes are not records (a truncated last unit is ignored)
     */
    byte[][] applyAll(ByteBuf b, boolean loading) {
        byte[][] header = null;
        List<byte[][]> recs = new ArrayList<>();
        int i = b.readerIndex();
        while (i < b.writerIndex()) {
            recs.clear();
            int end = Frames.parseUnit(b, i, recs);
            if (end < 0) {
                break; // a torn tail: what was never completely written is not applied
            }
            for (byte[][] r : recs) {
                if (Frames.is(r, Frames.SNAPSHOT)) {
                    header = r;
                }
                apply(r, loading);
            }
            i = end;
        }
        return header;
    }

    private void fullSyncLoaded(String id, long off, ByteBuf payload) {
        for (int i = 0; i < core.dbCount(); i++) {
            core.db(i).modifiedAll();
            core.db(i).clear();
        }
        applyAll(payload, false);
        touched.clear();
        replid = id;
        replid2 = ZERO_ID;
        secondOffset = -1;
        offset = off;
        resetBacklog();
        dropReplicas();
        if (aof != null) {
            aof.rewrite(core);
        }
    }

    private void continued(String id) {
        if (id != null && !id.isEmpty() && !id.equals(replid)) {
            shiftId();
            replid = id;
            dropReplicas();
        }
    }

    // ------------------------------------------------------------------ the link to the primary

    /** One connection of a replica to its primary: handshake, sync, then the stream. */
    final class MasterLink extends ChannelInboundHandlerAdapter {
        private static final int CONNECTING = 0;
        private static final int HANDSHAKE = 1;
        private static final int BULK = 2;
        private static final int STREAM = 3;

        private final String host;
        private final int port;
        private Channel ch;
        private int state = CONNECTING;
        private ByteBuf cum;
        private int repliesBeforePsync;
        private String fullId;
        private long fullOffset;
        private long bulkLen = -1;
        private boolean closed;

        MasterLink(String host, int port) {
            this.host = host;
            this.port = port;
        }

        boolean streaming() {
            return state == STREAM && !closed;
        }

        void connect() {
            Bootstrap b = new Bootstrap().group(core.loop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                    .handler(this);
            b.connect(host, port).addListener(f -> {
                if (!f.isSuccess()) {
                    lost();
                }
            });
        }

        void close() {
            closed = true;
            if (ch != null) {
                ch.close();
            }
            release();
        }

        private void release() {
            if (cum != null) {
                cum.release();
                cum = null;
            }
        }

        private void lost() {
            closed = true;
            release();
            if (link == this) {
                link = null;
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ch = ctx.channel();
            if (closed || link != this) {
                ch.close();
                return;
            }
            state = HANDSHAKE;
            Frames.Sink s = new Frames.Sink();
            repliesBeforePsync = 0;
            if (core.config.requirePass() != null) {
                Frames.op(s, "AUTH", core.config.requirePass());
                repliesBeforePsync++;
            }
            Frames.op(s, "REPLCONF", "listening-port", Integer.toString(core.port()));
            repliesBeforePsync++;
            Frames.op(s, "PSYNC", replid, Long.toString(offset + 1));
            ch.writeAndFlush(Unpooled.wrappedBuffer(s.toBytes()));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (closed) {
                in.release();
                return;
            }
            cum = cum == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cum, in);
            process();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        void ack() {
            if (ch != null && !closed) {
                Frames.Sink s = new Frames.Sink();
                Frames.op(s, "REPLCONF", "ACK", Long.toString(offset));
                ch.writeAndFlush(Unpooled.wrappedBuffer(s.toBytes()), ch.voidPromise());
            }
        }

        /** Handles everything buffered that may be handled now. */
        void process() {
            try {
                while (!closed && cum != null && cum.isReadable()) {
                    if (!step()) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                core.log(System.Logger.Level.WARNING, "replication link to " + host + ":" + port + " failed", e);
                close();
                lost();
            } finally {
                if (cum != null) {
                    if (!cum.isReadable()) {
                        cum.release();
                        cum = null;
                    } else {
                        cum.discardSomeReadBytes();
                    }
                }
            }
        }

        private String readLine() {
            int r = cum.readerIndex();
            int eol = Frames.line(cum, r, cum.writerIndex());
            if (eol < 0) {
                return null;
            }
            String line = cum.toString(r, eol - r, StandardCharsets.US_ASCII);
            cum.readerIndex(eol + 2);
            return line;
        }

        /** @return whether progress was made */
        private boolean step() {
            switch (state) {
                case HANDSHAKE -> {
                    String line = readLine();
                    if (line == null) {
                        return false;
                    }
                    if (line.startsWith("-")) {
                        close();
                        lost();
                        return false;
                    }
                    if (repliesBeforePsync > 0) {
                        repliesBeforePsync--;
                        return true;
                    }
                    String[] parts = line.substring(1).split(" ");
                    if (parts[0].equals("FULLRESYNC") && parts.length == 3) {
                        fullId = parts[1];
                        fullOffset = Long.parseLong(parts[2]);
                        state = BULK;
                    } else if (parts[0].equals("CONTINUE")) {
                        continued(parts.length > 1 ? parts[1] : null);
                        state = STREAM;
                        ack();
                    } else {
                        throw new IllegalStateException("unexpected PSYNC reply " + line);
                    }
                    return true;
                }
                case BULK -> {
                    if (bulkLen < 0) {
                        String line = readLine();
                        if (line == null) {
                            return false;
                        }
                        if (!line.startsWith("$")) {
                            throw new IllegalStateException("expected a bulk, got " + line);
                        }
                        bulkLen = Long.parseLong(line.substring(1));
                    }
                    if (cum.readableBytes() < bulkLen || !core.mayApplyReplication()) {
                        return false;
                    }
                    ByteBuf payload = cum.readSlice((int) bulkLen);
                    bulkLen = -1;
                    fullSyncLoaded(fullId, fullOffset, payload);
                    state = STREAM;
                    ack();
                    return true;
                }
                case STREAM -> {
                    if (!core.mayApplyReplication()) {
                        return false;
                    }
                    int r = cum.readerIndex();
                    List<byte[][]> recs = new ArrayList<>();
                    int end = Frames.parseUnit(cum, r, recs);
                    if (end < 0) {
                        return false;
                    }
                    boolean getAck = false;
                    for (byte[][] rec : recs) {
                        if (Frames.is(rec, Frames.REPLCONF)) {
                            getAck |= rec.length >= 2 && Args.is(rec[1], "getack");
                        } else {
                            apply(rec, false);
                        }
                    }
                    byte[] raw = new byte[end - r];
                    cum.getBytes(r, raw);
                    cum.readerIndex(end);
                    feed(raw, 0, raw.length);
                    propagate();
                    if (getAck) {
                        ack();
                    }
                    return true;
                }
                default -> {
                    return false;
                }
            }
        }
    }

    // ------------------------------------------------------------------ INFO

    String info() {
        StringBuilder b = new StringBuilder("# Replication\r\n");
        if (replica) {
            b.append("role:slave\r\n");
            b.append("master_host:").append(masterHost).append("\r\n");
            b.append("master_port:").append(masterPort).append("\r\n");
            b.append("master_link_status:").append(masterLinkStatus()).append("\r\n");
            b.append("master_last_io_seconds_ago:").append(link != null && link.streaming() ? 0 : -1).append("\r\n");
            b.append("master_sync_in_progress:").append(link != null && !link.streaming() ? 1 : 0).append("\r\n");
            b.append("slave_read_repl_offset:").append(offset).append("\r\n");
            b.append("slave_repl_offset:").append(offset).append("\r\n");
            b.append("slave_priority:100\r\nslave_read_only:1\r\nreplica_announced:1\r\n");
        } else {
            b.append("role:master\r\n");
        }
        b.append("connected_slaves:").append(replicas.size()).append("\r\n");
        long now = core.now();
        for (int i = 0; i < replicas.size(); i++) {
            Conn c = replicas.get(i);
            String ip = c.addr.substring(0, c.addr.lastIndexOf(':'));
            b.append("slave").append(i).append(":ip=").append(ip).append(",port=").append(c.replica.listeningPort)
                    .append(",state=online,offset=").append(c.replica.ackOffset)
                    .append(",lag=").append(Math.max(0, now - c.replica.ackTime) / 1000).append("\r\n");
        }
        if (!replica && minReplicas > 0) {
            b.append("min_slaves_good_slaves:").append(goodReplicas()).append("\r\n");
        }
        b.append("master_failover_state:no-failover\r\n");
        b.append("master_replid:").append(replid).append("\r\n");
        b.append("master_replid2:").append(replid2).append("\r\n");
        b.append("master_repl_offset:").append(offset).append("\r\n");
        b.append("second_repl_offset:").append(secondOffset).append("\r\n");
        b.append("repl_backlog_active:").append(backlog != null ? 1 : 0).append("\r\n");
        b.append("repl_backlog_size:").append(backlogSize).append("\r\n");
        b.append("repl_backlog_first_byte_offset:").append(backlog != null ? firstByteOffset() : 0).append("\r\n");
        b.append("repl_backlog_histlen:").append(histlen).append("\r\n");
        return b.toString();
    }

    /** ROLE. */
    void role(Out out) {
        if (replica) {
            out.array(5);
            out.bulk("slave");
            out.bulk(masterHost);
            out.integer(masterPort);
            out.bulk(link == null ? "connect" : link.streaming() ? "connected" : "sync");
            out.integer(offset);
            return;
        }
        out.array(3);
        out.bulk("master");
        out.integer(offset);
        out.array(replicas.size());
        for (Conn c : replicas) {
            out.array(3);
            out.bulk(c.addr.substring(0, c.addr.lastIndexOf(':')));
            out.bulk(Integer.toString(c.replica.listeningPort));
            out.bulk(Long.toString(c.replica.ackOffset));
        }
    }
}

package dev.distlock.embedded.internal;

import dev.distlock.embedded.StoreClock;
import dev.distlock.embedded.resp.Reply;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The server engine behind {@code EmbeddedRedisServer}: the event loop, the keyspace, the
 * command dispatcher, blocking, pub/sub, the script loan and the faults. See the design note
 * of {@code EmbeddedRedisServer}. Its public methods may be called from any thread; everything
 * else runs on the event loop (or, during a script, on the script thread that holds the loan).
 */
public final class RedisServerCore implements FaultControl {
    static final String VERSION = "7.0.15";

    final ServerConfig config;
    private final StoreClock clock;
    private volatile long skewMillis;
    private Db[] dbs;
    final CommandTable commands = new CommandTable();
    private final Thread tableBuilder;
    private volatile Throwable tableFailure;
    private volatile boolean tableReady;
    final Scripting scripting;
    final PubSub pubsub;
    final Replication repl;
    /** The append-only file and snapshots, or null when no directory is configured. */
    final Persistence persistence;
    private boolean loadedFromDisk;

    private EventLoopGroup group;
    private EventLoop loop;
    private volatile Channel serverChannel;
    private volatile int port;
    private volatile boolean closed;
    private final long startMillis = System.currentTimeMillis();

    final Map<Long, Conn> conns = new LinkedHashMap<>();
    private long nextClientId = 1;
    private final ArrayList<Conn> dirty = new ArrayList<>();
    private long cmdNow;

    // blocking
    private final LinkedHashSet<Conn> blockedConns = new LinkedHashSet<>();
    private final LinkedHashMap<Object, Object[]> readyKeys = new LinkedHashMap<>();
    private final ArrayDeque<Conn> resume = new ArrayDeque<>();
    private boolean inAfterCommand;

    // commands held by a pause or a script
    private final LinkedHashSet<Conn> heldConns = new LinkedHashSet<>();

    // the script loan
    private volatile Conn loanOwner;
    private volatile Thread loanThread;
    private volatile boolean busy;
    private long loanStartNanos;
    private ScheduledFuture<?> busyTimer;
    private final ArrayList<Runnable> afterLoan = new ArrayList<>();
    private ExecutorService scriptExecutor;

    // faults
    private long pausedUntilNanos;
    private ScheduledFuture<?> pauseTimer;
    private volatile long latencyNanos;
    private int failRemaining;
    private String failCommand;
    private String failError;
    private boolean refusing;
    private boolean stopped;

    // stats
    long totalCommands;
    long totalConnections;

    /** @param config the settings */
    public RedisServerCore(ServerConfig config) {
        this.config = config;
        this.clock = config.clock();
        this.repl = new Replication(this, config);
        this.persistence = config.aofDir() != null || config.dataDir() != null ? new Persistence(this, config) : null;
        if (persistence != null && persistence.aofEnabled()) {
            repl.aof = persistence;
            repl.tracking = true;
        }
        this.dbs = new Db[config.databases()];
        for (int i = 0; i < dbs.length; i++) {
            dbs[i] = new Db(i, this);
        }
        this.pubsub = new PubSub(this);
        this.scripting = Scripting.create(this);
        // The command table is filled on a helper thread while start() sets up Netty: in a fresh
        // JVM both are mostly class loading, and with two cores they overlap. Only this module's
        // classes are initialised there (no Netty static state, so no class-initialisation
        // deadlock with the caller's thread). start() waits for it before the first accept.
        this.tableBuilder = new Thread(this::buildTable, "embedded-redis-init");
        tableBuilder.setDaemon(true);
        tableBuilder.start();
    }

    private void buildTable() {
        try {
            CommandSet.registerAll(this);
        } catch (RuntimeException | Error e) {
            tableFailure = e;
        }
    }

    /** Waits until the command table is complete (its writes then happen-before the caller's reads). */
    private void awaitTable() {
        if (tableReady) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                tableBuilder.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (tableFailure != null) {
            throw new IllegalStateException("building the command table failed", tableFailure);
        }
        tableReady = true;
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts listening (idempotent). */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("server was closed");
        }
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("embedded-redis", true),
                    NioIoHandler.newFactory());
            loop = group.next();
            loop.scheduleAtFixedRate(this::cron, 100, 100, TimeUnit.MILLISECONDS);
            loop.scheduleAtFixedRate(repl::cronAck, 1000, 1000, TimeUnit.MILLISECONDS);
        }
        if (persistence != null && !loadedFromDisk) {
            loadedFromDisk = true;
            callOnLoop(() -> {
                loadFromDisk();
                return null;
            });
        }
        if (serverChannel == null) {
            bind();
        }
        awaitTable();
    }

    /** Replaces the data by what the snapshot and append-only files hold, and opens the file. Event loop. */
    private void loadFromDisk() {
        cmdNow = 0;
        for (Db d : dbs) {
            d.clear();
        }
        repl.newHistory();
        if (persistence != null) {
            persistence.load(this);
            persistence.open();
        }
        repl.forgetTouched();
    }

    private void bind() {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 511)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        awaitTable(); // a connection accepted before start() has returned
                        Conn c = new Conn(RedisServerCore.this, nextClientId++, ch);
                        c.authenticated = !authRequired();
                        ch.pipeline().addLast(c.handler);
                    }
                });
        int p = port != 0 ? port : config.port();
        // Re-binding the port of a restart can briefly collide with a socket of this machine that
        // the kernel gave that (ephemeral) port meanwhile: retry for a bounded time before failing.
        long deadline = System.nanoTime() + (port != 0 ? TimeUnit.SECONDS.toNanos(5) : 0);
        while (true) {
            try {
                Channel ch = b.bind(new InetSocketAddress(config.bindAddress(), p)).sync().channel();
                port = ((InetSocketAddress) ch.localAddress()).getPort();
                serverChannel = ch;
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while binding", e);
            } catch (Exception e) {
                if (System.nanoTime() - deadline < 0) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while binding", ie);
                    }
                    continue;
                }
                IOException io = e instanceof IOException x ? x : new BindException(String.valueOf(e.getMessage()));
                throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + p + ": " + e.getMessage(), io);
            }
        }
    }

    /** @return the port, or 0 if never started */
    public int port() {
        return port;
    }

    /** @return whether the listener is open */
    public boolean isServing() {
        return serverChannel != null && !closed;
    }

    /** Closes everything (idempotent). */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Channel sc = serverChannel;
        serverChannel = null;
        if (sc != null) {
            sc.close().syncUninterruptibly();
        }
        if (group != null) {
            try {
                callOnLoop(() -> {
                    if (loanOwner == null) {
                        repl.propagate();
                    }
                    if (persistence != null) {
                        persistence.close();
                    }
                    repl.closeLink();
                    dropAll();
                    return null;
                });
            } catch (RuntimeException ignored) {
                // closing anyway
            }
            scripting.kill(true);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (scriptExecutor != null) {
            scriptExecutor.shutdownNow();
        }
    }

    void log(System.Logger.Level level, String message, Throwable t) {
        // looked up on first use: initialising the logging backend costs start-up time
        System.getLogger("dev.distlock.embedded.EmbeddedRedisServer").log(level, message, t);
    }

    boolean authRequired() {
        return config.requirePass() != null;
    }

    long uptimeStartSeconds() {
        return startMillis / 1000;
    }

    long uptimeSeconds() {
        return (System.currentTimeMillis() - startMillis) / 1000;
    }

    EventLoop loop() {
        return loop;
    }

    /** Runs a task on the event loop and waits for it (at once if already there). */
    <T> T callOnLoop(Callable<T> task) {
        if (loop == null) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (loop.inEventLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> f = loop.submit(task);
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("server did not answer within 30 s", e);
        }
    }

    // ------------------------------------------------------------------ time and keyspace

    /** @return the server time in ms (frozen for the duration of a command or script) */
    long now() {
        long t = cmdNow;
        if (t == 0) {
            t = clock.currentTimeMillis() + skewMillis;
            cmdNow = t;
        }
        return t;
    }

    long nowMicros() {
        return clock.currentTimeMicros() + skewMillis * 1000;
    }

    Db db(int index) {
        return dbs[index];
    }

    int dbCount() {
        return dbs.length;
    }

    void flushAll() {
        for (Db d : dbs) {
            d.modifiedAll();
            d.clear();
        }
    }

    private void cron() {
        if (loanOwner != null || paused()) {
            return;
        }
        cmdNow = 0;
        long deadline = System.nanoTime() + 25_000_000L;
        if (!repl.replica) { // a replica's keys expire by its primary's DEL
            for (Db d : dbs) {
                if (d.expiresCount() > 0) {
                    d.activeExpire(deadline);
                }
            }
        }
        checkBlockedTimeouts();
        afterCommand();
        repl.propagate();
        if (persistence != null) {
            persistence.cron(now());
        }
        repl.cron(mayConnectToMaster());
        flushDirty();
    }

    /** @return whether a replica may (re)connect to its primary: serving, not stopped, not refusing */
    boolean mayConnectToMaster() {
        return !closed && !stopped && !refusing && group != null;
    }

    /** @return whether a replica may apply its primary's stream now (no pause, no script) */
    boolean mayApplyReplication() {
        return loanOwner == null && !paused();
    }

    boolean isPaused() {
        return paused();
    }

    /** Forgets the frozen command time, so {@link #now()} reads the clock again. */
    void resetNow() {
        cmdNow = 0;
    }

    /** Lets a client that waited (WAIT) run what it has queued. */
    void resumeClient(Conn c) {
        resume.add(c);
        afterCommand();
    }

    /** Answers every client blocked in BLPOP/BRPOP with an error (the server became a replica). */
    void unblockAll(String error) {
        for (Conn c : new ArrayList<>(blockedConns)) {
            unblock(c);
            c.out.error(error);
            resume.add(c);
        }
        afterCommand();
    }

    // ------------------------------------------------------------------ connections

    void connected(Conn c) {
        if (closed) {
            c.ch.close();
            return;
        }
        conns.put(c.id, c);
        totalConnections++;
    }

    void disconnected(Conn c) {
        if (!conns.containsKey(c.id)) {
            c.release();
            return;
        }
        conns.remove(c.id);
        heldConns.remove(c);
        repl.connGone(c);
        c.release();
        whenKeyspaceFree(() -> cleanup(c));
    }

    private void cleanup(Conn c) {
        unblock(c);
        TxCommands.unwatchAll(c);
        c.multi = null;
        pubsub.unsubscribeAll(c, null);
    }

    void markDirty(Conn c) {
        dirty.add(c);
    }

    /** Flushes every connection written to since the last flush. */
    void flushDirty() {
        if (repl.tracking && loanOwner == null) {
            repl.propagate();
        }
        if (persistence != null) {
            persistence.beforeReplies(); // appendfsync always: durable before acknowledged
        }
        ArrayList<Conn> d = dirty;
        for (int i = 0; i < d.size(); i++) {
            d.get(i).flush();
        }
        d.clear();
    }

    private void dropAll() {
        for (Conn c : new ArrayList<>(conns.values())) {
            c.ch.close();
        }
    }

    // ------------------------------------------------------------------ dispatch

    /** @return whether the client may run a command now (else it is held) */
    boolean canRun(Conn c) {
        if (c.block != null || c.waitingForLoan || c.replWait != null) {
            return false;
        }
        if (pausedUntilNanos != 0) {
            if (System.nanoTime() < pausedUntilNanos) {
                return false;
            }
            pausedUntilNanos = 0;
        }
        Conn owner = loanOwner;
        return owner == null || (busy && owner != c);
    }

    private boolean paused() {
        return pausedUntilNanos != 0 && System.nanoTime() < pausedUntilNanos;
    }

    void held(Conn c) {
        heldConns.add(c);
    }

    /** Runs every held command that may run now. */
    void releaseHeld() {
        if (heldConns.isEmpty()) {
            return;
        }
        List<Conn> list = new ArrayList<>(heldConns);
        heldConns.clear();
        for (Conn c : list) {
            if (c.closed) {
                continue;
            }
            c.runPending();
            if (c.hasPending()) {
                heldConns.add(c);
            }
        }
        flushDirty();
    }

    /** Runs one command from a connection, on the event loop. */
    void runCommand(Conn c, byte[][] argv) {
        if (c.replica != null) {
            repl.fromReplica(c, argv);
            return;
        }
        BufOut out = c.out;
        Command cmd = commands.lookup(argv[0]);
        if (cmd != null && cmd.subs != null && argv.length >= 2) {
            Command sub = cmd.subs.get(Args.lower(argv[1]));
            if (sub == null) {
                reject(c, cmd, Errors.unknownSubcommand(Args.str(argv[1]), cmd.name.toUpperCase()).getMessage());
                return;
            }
            cmd = sub;
        }
        if (failRemaining > 0 && (failCommand == null || (cmd != null && failCommand.equalsIgnoreCase(cmd.name))
                || (cmd != null && cmd.parent != null && failCommand.equalsIgnoreCase(cmd.parent.name)))) {
            failRemaining--;
            reject(c, cmd, failError);
            return;
        }
        if (cmd == null) {
            reject(c, null, unknownCommand(argv));
            return;
        }
        if (!cmd.arityOk(argv.length)) {
            reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName + "' command");
            return;
        }
        if (!c.authenticated && !cmd.has(Command.NO_AUTH)) {
            reject(c, cmd, Errors.NOAUTH.getMessage());
            return;
        }
        if (c.resp == 2 && (c.channels != null || c.patterns != null) && c.subscriptions() > 0
                && !cmd.has(Command.PUBSUB)) {
            reject(c, cmd, "ERR Can't execute '" + cmd.fullName
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (loanOwner != null) {
            // a busy script: only a few commands that do not touch the keyspace run now
            if (cmd.has(Command.BUSY_WAIT)) {
                c.waitingForLoan = true;
                if (c.pending == null) {
                    c.pending = new ArrayDeque<>();
                }
                c.pending.addFirst(argv);
                heldConns.add(c);
                return;
            }
            if (!cmd.has(Command.ALLOW_BUSY)) {
                reject(c, cmd, Errors.BUSY);
                return;
            }
            execute(c, cmd, argv, out);
            return;
        }
        c.lastActiveMillis = System.currentTimeMillis();
        if (cmd.has(Command.WRITE) && (repl.replica || repl.minReplicas > 0)) {
            cmdNow = 0;
            String denied = repl.writeDenied();
            if (denied != null) {
                reject(c, cmd, denied);
                return;
            }
        }
        if (c.multi != null && !cmd.has(Command.TX)) {
            c.multi.add(new Client.Queued(cmd, argv));
            out.simple("QUEUED");
            return;
        }
        cmdNow = 0;
        execute(c, cmd, argv, out);
        if (!inAfterCommand && (!readyKeys.isEmpty() || !resume.isEmpty())) {
            afterCommand();
        }
        if (repl.tracking && loanOwner == null && repl.propagate()) {
            c.woff = repl.offset;
        }
    }

    private void reject(Client c, Command cmd, String error) {
        if (c.multi != null) {
            if (cmd != null && cmd.name.equals("exec")) {
                TxCommands.discard(c);
                c.conn().out.error("EXECABORT Transaction discarded because of: " + error);
                return;
            }
            c.multiError = true;
        }
        if (c.conn() != null) {
            c.conn().out.error(error);
        }
    }

    static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int j = 1; j < argv.length && args.length() < 128; j++) {
            String a = Args.str(argv[j]);
            int room = 128 - args.length();
            args.append('\'').append(a.length() > room ? a.substring(0, room) : a).append("' ");
        }
        String name = Args.str(argv[0]);
        if (name.length() > 128) {
            name = name.substring(0, 128);
        }
        return Args.printable("ERR unknown command '" + name + "', with args beginning with: " + args, 100_000);
    }

    /** Runs a command's handler; errors it throws become error replies. */
    void execute(Client c, Command cmd, byte[][] argv, Out out) {
        long mark = out.mark();
        c.lastCmd = cmd.fullName;
        try {
            cmd.handler.run(c, argv, out);
        } catch (RedisError e) {
            out.reset(mark);
            out.error(e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            out.reset(mark);
            out.error("ERR internal error in '" + cmd.fullName + "': " + e);
            log(System.Logger.Level.WARNING, "command " + cmd.fullName + " failed", e);
        }
        totalCommands++;
    }

    /**
     * Runs a command for a script (redis.call), on the thread that holds the keyspace.
     *
     * @return the reply, errors included
     */
    Reply callFromScript(ScriptClient c, byte[][] argv) {
        ReplyBuilder out = new ReplyBuilder(false);
        if (argv.length == 0) {
            return new Reply.ErrorReply("ERR Please specify at least one argument for this redis lib call");
        }
        Command cmd = commands.lookup(argv[0]);
        if (cmd != null && cmd.subs != null && argv.length >= 2) {
            Command sub = cmd.subs.get(Args.lower(argv[1]));
            if (sub == null) {
                return new Reply.ErrorReply(Errors.unknownSubcommand(Args.str(argv[1]), cmd.name.toUpperCase()).getMessage());
            }
            cmd = sub;
        }
        if (cmd == null) {
            return new Reply.ErrorReply("ERR Unknown Redis command called from script");
        }
        if (!cmd.arityOk(argv.length)) {
            return new Reply.ErrorReply("ERR Wrong number of args calling Redis command from script");
        }
        if (cmd.has(Command.NOSCRIPT)) {
            return new Reply.ErrorReply("ERR This Redis command is not allowed from script");
        }
        if (cmd.has(Command.WRITE)) {
            if (c.readOnly) {
                return new Reply.ErrorReply("ERR Write commands are not allowed from read-only scripts.");
            }
            if (repl.replica || repl.minReplicas > 0) {
                String denied = repl.writeDenied();
                if (denied != null) {
                    return new Reply.ErrorReply(denied);
                }
            }
            c.wrote = true;
        }
        execute(c, cmd, argv, out);
        return out.take();
    }

    // ------------------------------------------------------------------ blocking lists

    /** Blocks a connection on list keys (BLPOP/BRPOP). */
    void block(Conn c, Db db, byte[][] keys, boolean left, long deadline) {
        Conn.Block b = new Conn.Block(db, keys, left, deadline);
        c.block = b;
        if (db.blocked == null) {
            db.blocked = new java.util.HashMap<>();
        }
        for (byte[] k : keys) {
            ArrayDeque<Conn> q = db.blocked.computeIfAbsent(new Bytes(k), x -> new ArrayDeque<>());
            if (!q.contains(c)) {
                q.add(c);
            }
        }
        blockedConns.add(c);
        if (deadline > 0) {
            long delay = Math.max(0, deadline - now());
            b.timer = loop.schedule(() -> {
                if (c.block == b && loanOwner == null) {
                    cmdNow = 0;
                    if (now() >= b.deadline) {
                        timeoutBlocked(c);
                        flushDirty();
                    }
                }
            }, delay + 1, TimeUnit.MILLISECONDS);
        }
    }

    /** Removes a connection from every key it is blocked on. */
    void unblock(Conn c) {
        Conn.Block b = c.block;
        if (b == null) {
            return;
        }
        c.block = null;
        blockedConns.remove(c);
        if (b.timer != null) {
            b.timer.cancel(false);
        }
        if (b.db.blocked != null) {
            for (byte[] k : b.keys) {
                Bytes key = new Bytes(k);
                ArrayDeque<Conn> q = b.db.blocked.get(key);
                if (q != null) {
                    q.remove(c);
                    if (q.isEmpty()) {
                        b.db.blocked.remove(key);
                    }
                }
            }
        }
    }

    int blockedCount() {
        return blockedConns.size();
    }

    private void timeoutBlocked(Conn c) {
        unblock(c);
        c.out.nullArray();
        resume.add(c);
        afterCommand();
    }

    private void checkBlockedTimeouts() {
        if (blockedConns.isEmpty()) {
            return;
        }
        long now = now();
        for (Conn c : new ArrayList<>(blockedConns)) {
            Conn.Block b = c.block;
            if (b != null && b.deadline > 0 && now >= b.deadline) {
                timeoutBlocked(c);
            }
        }
    }

    void keyReady(Db db, Bytes key) {
        readyKeys.putIfAbsent(List.of(db.index, key), new Object[] {db, key});
    }

    /** Serves clients blocked on keys that got elements, then runs what they had queued. */
    void afterCommand() {
        if (inAfterCommand || loanThread == Thread.currentThread()) {
            return;
        }
        inAfterCommand = true;
        try {
            while (!readyKeys.isEmpty() || !resume.isEmpty()) {
                if (!readyKeys.isEmpty()) {
                    List<Object[]> ready = new ArrayList<>(readyKeys.values());
                    readyKeys.clear();
                    for (Object[] r : ready) {
                        serveBlocked((Db) r[0], (Bytes) r[1]);
                    }
                }
                Conn c = resume.poll();
                if (c != null && !c.closed) {
                    c.runPending();
                }
            }
        } finally {
            inAfterCommand = false;
        }
    }

    private void serveBlocked(Db db, Bytes key) {
        if (db.blocked == null) {
            return;
        }
        ArrayDeque<Conn> q = db.blocked.get(key);
        while (q != null && !q.isEmpty()) {
            cmdNow = 0;
            Entry e = db.lookup(key.b);
            if (e == null || e.type != Entry.LIST) {
                return;
            }
            ByteList list = (ByteList) e.value;
            Conn w = q.peekFirst();
            byte[] v = w.block.left ? list.pollFirst() : list.pollLast();
            if (list.size() == 0) {
                db.delete(e);
            }
            db.modified(key.b);
            unblock(w);
            w.out.array(2);
            w.out.bulk(key.b);
            w.out.bulk(v);
            resume.add(w);
            q = db.blocked == null ? null : db.blocked.get(key);
        }
    }

    // ------------------------------------------------------------------ the script loan

    /** @return whether the current thread is running a script with the keyspace on loan */
    boolean onLoanThread() {
        return loanThread == Thread.currentThread();
    }

    /** @return the connection whose script is running, or null */
    Conn loanOwner() {
        return loanOwner;
    }

    /** @return how long the current loan has run, 0 if none */
    long loanMillis() {
        return loanOwner == null ? 0 : (System.nanoTime() - loanStartNanos) / 1_000_000;
    }

    /**
     * Runs {@code work} on the script thread while the event loop keeps serving IO but runs no
     * other command; then writes its reply to {@code owner} and carries on. Event loop only.
     */
    void loan(Conn owner, Supplier<Reply> work) {
        if (scriptExecutor == null) {
            scriptExecutor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("embedded-redis-script", true));
        }
        loanOwner = owner;
        owner.waitingForLoan = true;
        busy = false;
        loanStartNanos = System.nanoTime();
        long threshold = config.busyThreshold().toNanos();
        busyTimer = loop.schedule(this::enterBusy, threshold, TimeUnit.NANOSECONDS);
        scriptExecutor.execute(() -> {
            loanThread = Thread.currentThread();
            Reply r;
            try {
                r = work.get();
            } catch (RuntimeException | StackOverflowError e) {
                log(System.Logger.Level.WARNING, "script failed", e);
                r = new Reply.ErrorReply("ERR internal error running script: " + e);
            } finally {
                loanThread = null;
            }
            Reply result = r;
            try {
                loop.execute(() -> endLoan(owner, result));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the server was closed while the script ran
            }
        });
    }

    private void enterBusy() {
        if (loanOwner == null) {
            return;
        }
        busy = true;
        releaseHeld();
    }

    private void endLoan(Conn owner, Reply result) {
        loanOwner = null;
        busy = false;
        if (busyTimer != null) {
            busyTimer.cancel(false);
            busyTimer = null;
        }
        owner.waitingForLoan = false;
        if (!owner.closed) {
            owner.out.reply(result);
        }
        List<Runnable> tasks;
        synchronized (afterLoan) {
            tasks = new ArrayList<>(afterLoan);
            afterLoan.clear();
        }
        for (Runnable t : tasks) {
            t.run();
        }
        for (Conn c : conns.values()) {
            c.waitingForLoan = false;
        }
        cmdNow = 0;
        afterCommand();
        if (repl.propagate()) {
            owner.woff = repl.offset;
        }
        repl.kick();
        if (!owner.closed && owner.hasPending()) {
            heldConns.add(owner);
        }
        releaseHeld();
        flushDirty();
    }

    /** Queues a task for the event loop to run when the script on loan ends (script thread only). */
    void afterLoanTask(Runnable task) {
        synchronized (afterLoan) {
            afterLoan.add(task);
        }
    }

    /** Runs a task that touches the keyspace now, or when the running script has finished. */
    void whenKeyspaceFree(Runnable task) {
        if (loanOwner != null && !onLoanThread()) {
            synchronized (afterLoan) {
                afterLoan.add(task);
            }
        } else {
            task.run();
        }
    }

    // ------------------------------------------------------------------ faults

    @Override
    public void pause(Duration duration) {
        callOnLoop(() -> {
            if (pauseTimer != null) {
                pauseTimer.cancel(false);
            }
            pausedUntilNanos = System.nanoTime() + Math.max(1, duration.toNanos());
            pauseTimer = loop.schedule(this::endPause, duration.toNanos(), TimeUnit.NANOSECONDS);
            return null;
        });
    }

    private void endPause() {
        pausedUntilNanos = 0;
        pauseTimer = null;
        repl.kick();
        releaseHeld();
    }

    @Override
    public void resume() {
        callOnLoop(() -> {
            if (pauseTimer != null) {
                pauseTimer.cancel(false);
            }
            endPause();
            return null;
        });
    }

    @Override
    public int dropConnections() {
        return callOnLoop(() -> {
            int n = conns.size();
            dropAll();
            return n;
        });
    }

    @Override
    public synchronized void refuseConnections() {
        refusing = true;
        Channel sc = serverChannel;
        serverChannel = null;
        if (sc != null) {
            sc.close().syncUninterruptibly();
            settleSelector();
        }
    }

    /**
     * Waits until the event loop has gone through another select: the JDK closes the socket of
     * a channel that was registered with a selector only then, so before it the kernel would
     * still accept connections on a "closed" listener.
     */
    private void settleSelector() {
        for (int i = 0; i < 2; i++) {
            loop.submit(() -> { }).syncUninterruptibly();
        }
    }

    @Override
    public synchronized void acceptConnections() {
        refusing = false;
        if (group != null && serverChannel == null && !closed) {
            bind();
        }
    }

    @Override
    public synchronized void stopServing() {
        stopped = true;
        refuseConnections();
        if (group != null) {
            callOnLoop(() -> {
                dropAll();
                repl.closeLink();
                if (persistence != null) {
                    whenKeyspaceFree(() -> {
                        repl.propagate();
                        persistence.shutdown(false); // a process crash: the page cache survives
                    });
                }
                return null;
            });
        }
    }

    @Override
    public synchronized void restart(boolean keepData) {
        stopServing();
        stopped = false;
        scripting.kill(true);
        callOnLoop(() -> {
            whenKeyspaceFree(() -> {
                if (!keepData) {
                    flushAll();
                    repl.newHistory();
                    if (persistence != null) {
                        persistence.rewrite(this); // memory and disk agree: both empty
                    }
                }
                if (persistence != null) {
                    persistence.open();
                }
                scripting.flush();
            });
            return null;
        });
        acceptConnections();
    }

    @Override
    public synchronized void crash() {
        stopped = true;
        refuseConnections();
        scripting.kill(true);
        if (group != null) {
            callOnLoop(() -> {
                dropAll();
                repl.closeLink();
                whenKeyspaceFree(() -> {
                    if (persistence != null) {
                        persistence.shutdown(true); // a power loss: unsynced bytes are gone
                    }
                    for (Db d : dbs) {
                        d.modifiedAll();
                        d.clear();
                    }
                    repl.newHistory();
                    scripting.flush();
                });
                return null;
            });
        }
    }

    @Override
    public synchronized void restartFromDisk() {
        stopServing();
        stopped = false;
        scripting.kill(true);
        callOnLoop(() -> {
            whenKeyspaceFree(() -> {
                loadFromDisk();
                scripting.flush();
            });
            return null;
        });
        acceptConnections();
    }

    @Override
    public void pauseReplication() {
        callOnLoop(() -> {
            repl.pause();
            return null;
        });
    }

    @Override
    public void resumeReplication() {
        callOnLoop(() -> {
            repl.resume();
            flushDirty();
            return null;
        });
    }

    @Override
    public void partitionReplication() {
        callOnLoop(() -> {
            repl.partition();
            return null;
        });
    }

    @Override
    public void healReplication() {
        callOnLoop(() -> {
            repl.heal();
            return null;
        });
    }

    @Override
    public void dropMasterLink() {
        callOnLoop(() -> {
            repl.closeLink();
            return null;
        });
    }

    // ------------------------------------------------------------------ replication and persistence API

    /**
     * Makes this server a replica of host:port (or, with a null host, a primary again).
     *
     * @param host the primary's host, or null for REPLICAOF NO ONE
     * @param port its port
     */
    public void replicaOf(String host, int port) {
        callOnLoop(() -> {
            whenKeyspaceFree(() -> {
                if (host == null) {
                    repl.promote();
                } else {
                    repl.replicaOf(host, port);
                }
            });
            return null;
        });
    }

    /** @return whether this server is a replica */
    public boolean isReplica() {
        return loop == null ? repl.replica : callOnLoop(() -> repl.replica);
    }

    /** @return the replication offset (master_repl_offset) */
    public long replicationOffset() {
        return loop == null ? repl.offset : callOnLoop(() -> repl.offset);
    }

    /** Writes a snapshot file now (SAVE). */
    public void save() {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        callOnLoop(() -> {
            whenKeyspaceFree(() -> {
                try {
                    requirePersistence().save(this);
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
            return null;
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("save did not finish within 30 s", e);
        }
    }

    Persistence requirePersistence() {
        if (persistence == null) {
            throw new IllegalStateException("no directory for snapshots: set dataDir or appendOnly on the builder");
        }
        return persistence;
    }

    @Override
    public void latency(Duration delay) {
        latencyNanos = delay.toNanos();
    }

    long latencyNanos() {
        return latencyNanos;
    }

    @Override
    public void failNext(int count, String command, String error) {
        callOnLoop(() -> {
            failRemaining = count;
            failCommand = command;
            failError = error;
            return null;
        });
    }

    @Override
    public void skewClock(Duration amount, boolean relative) {
        callOnLoop(() -> {
            skewMillis = relative ? skewMillis + amount.toMillis() : amount.toMillis();
            whenKeyspaceFree(() -> {
                cmdNow = 0;
                for (Db d : dbs) {
                    if (!repl.replica) {
                        d.expireAll();
                    }
                }
                checkBlockedTimeouts();
                afterCommand();
                flushDirty();
            });
            return null;
        });
    }

    @Override
    public Duration clockSkew() {
        return Duration.ofMillis(skewMillis);
    }

    @Override
    public void clearFaults() {
        latencyNanos = 0;
        callOnLoop(() -> {
            failRemaining = 0;
            failCommand = null;
            failError = null;
            return null;
        });
        resume();
        callOnLoop(() -> {
            repl.heal();
            repl.resume();
            flushDirty();
            return null;
        });
        if (skewMillis != 0) {
            skewClock(Duration.ZERO, false);
        }
        synchronized (this) {
            if (!stopped) {
                acceptConnections();
            }
        }
    }
}

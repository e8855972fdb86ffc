package dev.distlock.zookeeper;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClock;
import dev.distlock.LockConfig;
import dev.distlock.LockException;
import dev.distlock.LossReason;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.DriverContext;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper backend: a {@link LockDriver} over a Curator-managed ZooKeeper session. The
 * shared front ({@code StandardLockClient}) does re-entry, hold counts, the watchdog and loss
 * reporting; this class runs the lock recipe. Curator owns the connection (hosts, reconnects,
 * session expiry and the {@code SUSPENDED}/{@code LOST}/{@code RECONNECTED} states); the
 * recipe's requests go straight to Curator's current ZooKeeper handle, with the asynchronous API
 * so that requests can be pipelined and waits block no thread, and with the synchronous API for
 * the two replies a caller waits for on the hot path (a single create, a release's delete),
 * which saves a hand-off through ZooKeeper's event thread; those waits are bounded by the
 * command timeout, set as the ZooKeeper client's request timeout.
 *
 * <h2>What it stores</h2>
 * {@code /<namespace>/locks/<encoded lock name>/lk-<client id>-<attempt>-<sequence>}, see
 * {@link ZkLockNames}. The namespace root and {@code locks} are persistent; the lock parent is a
 * CONTAINER node (the server deletes it once it is empty, so idle locks leave nothing behind);
 * the lock nodes are EPHEMERAL_SEQUENTIAL and hold the owner id ({@code <client id>:<thread>})
 * as data, for operators. The holder is the node with the lowest sequence number.
 *
 * <h2>Acquire (see {@link ZkAcquisition})</h2>
 * <ol>
 * <li>Send {@code create2(<parent>/lk-<client>-<attempt>-, EPHEMERAL_SEQUENTIAL)} and
 *     {@code getChildren(<parent>)} back to back: ZooKeeper runs a session's requests in order,
 *     so the listing already contains our node and everything created before it. One round trip
 *     (Curator's {@code InterProcessMutex} needs two, then a third for the watch).</li>
 * <li>Lowest → check that the node's {@code ephemeralOwner} (from the create's stat) is our
 *     current session id, then grant with fencing token = the node's {@code czxid}. Else watch
 *     only the immediate predecessor ({@code getData} with a watcher: unlike {@code exists} it
 *     leaves no watch behind if the node is already gone) and wait.</li>
 * <li>Predecessor deleted → drop it from the set of nodes that were below ours. Nodes never come
 *     back and new nodes sort above ours, so if that set is now empty we hold the lock with no
 *     further request. Our own client's nodes are in a local index ({@link ZkLocalNodes}); the
 *     ones known deleted are struck from the set too, and a waiter behind one of them needs no
 *     ZooKeeper watch: it is told by whoever learns of the deletion first (usually the releasing
 *     thread, which so hands the lock over directly). If nodes of other clients may remain, list
 *     the children again — unless the predecessor was a released hold: a hold that was
 *     contended when granted is released with one {@code multi} that sets the node's data to a
 *     marker and deletes it ({@link #marksRelease(ZkNode)}), so its waiter gets
 *     {@code NodeDataChanged} instead of {@code NodeDeleted}. A granted node was the lowest, so
 *     nothing below it is left and the waiter holds the lock with no listing; a predecessor that
 *     went any other way (a waiter that gave up, an expired session) still means a listing.
 *     This relies on nothing else writing lock nodes' data.</li>
 * <li>Timeout, interrupt (the front cancels the future) or error → delete our node, then report.
 *     A grant that races a cancel is deleted at once.</li>
 * </ol>
 * Protected naming: the name prefix is unique per attempt. If the create's reply is lost
 * (connection loss), the attempt lists the parent again after reconnecting (same session) and
 * adopts the node with its prefix, after checking its {@code ephemeralOwner}; if none is found,
 * it creates a new node under a new prefix and remembers the old one as a possible ghost (a
 * create that is applied late), which any later listing of that parent, or the next reconnect,
 * deletes.
 *
 * <p>Single create: when the parent's sequence floor ({@link ZkParentFloors}) says the lock was
 * last free and uncontended, the acquire sends only a create, and the reply's sequence number
 * and zxid prove the node alone — no listing. Otherwise it falls back to step 1.
 *
 * <h2>Holds and leases</h2>
 * A hold lives as long as the session. {@link #renew(HeldLock)} is answered locally while the
 * session is known good; the first renewal of a hold also places a watch on its node, so that a
 * node deleted behind the client's back is reported ({@code RENEWAL_REJECTED}). A fixed lease is
 * ended by the front, which calls {@link #release(HeldLock)} when it runs out: that deletes the
 * node. {@link #isLocked(String)} is {@code sync} + {@code getChildren}: any lock node present.
 *
 * <h2>Failures</h2>
 * <ul>
 * <li>{@code SUSPENDED}: {@link SuspendPolicy#LOSE_AT_ONCE} marks every hold lost at once;
 *     {@link SuspendPolicy#WAIT_FOR_RECONNECT} waits up to the grace and then does the same.
 *     Renewals during the grace wait for the outcome. Nodes of holds lost this way are deleted
 *     when the same session reconnects. Waiters keep their nodes and watches (ZooKeeper keeps
 *     both across a reconnect) and list again on reconnect.</li>
 * <li>{@code LOST}, or a reconnect with a new session id: the old session's nodes are gone;
 *     every hold on them is marked lost ({@code SESSION_LOST}), waiters start over in the new
 *     session within their wait.</li>
 * <li>A grant is never reported on a node whose {@code ephemeralOwner} differs from the
 *     current session id (the double-holder bug of CURATOR-206/604).</li>
 * <li>Connection loss on a release: the delete is retried on reconnect; the release answers
 *     then, or the front times out and the node goes with the session at the latest.</li>
 * <li>Fencing tokens ({@code czxid}) grow across holders, parent re-creation and leader changes
 *     (the epoch is in the high bits); they would not survive the loss of the ensemble's data.</li>
 * </ul>
 *
 * <p>Thread-safe. ZooKeeper callbacks and watches run on the handle's event thread; timers on
 * one daemon thread per client; Curator's state events on Curator's thread.
 */
final class ZkLockDriver implements LockDriver {
    private static final Logger log = LoggerFactory.getLogger(ZkLockDriver.class);
    static final List<ACL> ACL_OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    static final List<ACL> ACL_CREATOR = ZooDefs.Ids.CREATOR_ALL_ACL;
    private static final String TIMER_THREAD = "distlock-zk-timer";
    private static final CompletableFuture<Boolean> TRUE = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> FALSE = CompletableFuture.completedFuture(false);
    /**
     * The data a held node is given in the same transaction that deletes it (a released hold,
     * see {@link #release(HeldLock)}). Owner ids never look like this.
     */
    static final byte[] RELEASED = {0, 'r', 'e', 'l', 'e', 'a', 's', 'e', 'd'};

    final CuratorFramework curator;
    final String root;
    final String locksRoot;
    final ZkLockOptions options;
    final ZkRequestStats stats;
    final LockClock clock;
    final List<ACL> acl;
    final ScheduledThreadPoolExecutor timer;
    /** Our nodes that exist or may exist on the server, by path. */
    final ZkLocalNodes nodes = new ZkLocalNodes();
    /** Acquisitions under way. */
    final Set<ZkAcquisition> acquisitions = ConcurrentHashMap.newKeySet();
    /** Prefixes of creates whose outcome was unknown and that were given up: lock parent → prefixes. */
    final ConcurrentMap<String, Set<String>> ghosts = new ConcurrentHashMap<>();
    /** The parents' sequence floors, for single-create acquires. */
    final ZkParentFloors floors = new ZkParentFloors();
    /** Nodes to delete once the same session is connected again. */
    private final ConcurrentMap<ZkNode, Consumer<Boolean>> pendingDeletes = new ConcurrentHashMap<>();
    private static final Consumer<Boolean> NOTHING = ok -> {
    };
    /** Actions waiting for a connection. */
    private final Queue<Runnable> whenConnected = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ConnectionStateListener stateListener = (client, state) -> onState(state);
    private final Watcher ownNodeWatcher = this::onOwnNodeEvent;
    private final AtomicLong attempts = new AtomicLong();

    private volatile DriverContext context;
    private volatile String clientId = "0";
    /** The session whose nodes count as alive; 0 while none is known. */
    private volatile long sessionId;
    private volatile boolean suspended;
    private volatile boolean closed;
    /** Completed when the current suspension ends: true if the same session came back. */
    private CompletableFuture<Boolean> reconnected = new CompletableFuture<>();
    private ScheduledFuture<?> graceTask;

    /**
     * @param curator a started, connected client; the driver closes it
     * @param root the namespace root, for example {@code /distlock}
     * @param options the backend settings
     * @param config the shared settings (clock)
     * @param creatorOnly whether nodes get {@code CREATOR_ALL_ACL} (authenticated clients)
     */
    ZkLockDriver(CuratorFramework curator, String root, ZkLockOptions options, LockConfig config, boolean creatorOnly) {
        this.curator = curator;
        this.root = root;
        this.locksRoot = root + "/" + ZkLockNames.LOCKS;
        this.options = options;
        this.stats = options.stats() != null ? options.stats() : new ZkRequestStats();
        this.clock = config.clock();
        this.acl = creatorOnly ? ACL_CREATOR : ACL_OPEN;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, TIMER_THREAD);
            t.setDaemon(true);
            return t;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void start(DriverContext ctx) {
        this.context = ctx;
        this.clientId = ctx.clientId();
        this.sessionId = currentSessionId();
        curator.getConnectionStateListenable().addListener(stateListener);
    }

    // ------------------------------------------------------------------ helpers for acquisitions

    /** The current ZooKeeper handle. */
    ZooKeeper zk() {
        Exception last = null;
        // Curator hands out each queued background exception once (it keeps at most ten); the
        // handle itself may be fine.
        for (int attempt = 0; attempt < 12; attempt++) {
            try {
                return curator.getZookeeperClient().getZooKeeper();
            } catch (Exception e) {
                last = e;
            }
        }
        throw new BackendUnavailableException("no ZooKeeper connection: " + last, last);
    }

    long currentSessionId() {
        try {
            return zk().getSessionId();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Whether the calling thread may wait for a reply with ZooKeeper's synchronous API: the
     * client is connected, the thread is not interrupted, and it is not ZooKeeper's event
     * thread or our timer (which must never wait). Synchronous calls are bounded by the request
     * timeout (the command timeout) set on the client.
     */
    boolean mayBlock() {
        if (!connectedNow() || Thread.currentThread().isInterrupted()) {
            return false;
        }
        String name = Thread.currentThread().getName();
        return !name.endsWith("-EventThread") && !name.equals(TIMER_THREAD);
    }

    boolean connectedNow() {
        return !closed && curator.getZookeeperClient().isConnected();
    }

    String lockParent(String lockName) {
        return locksRoot + "/" + ZkLockNames.encode(lockName);
    }

    String newPrefix() {
        return "lk-" + clientId + "-" + Long.toString(attempts.incrementAndGet(), 36) + "-";
    }

    static byte[] ownerData(AcquireRequest request) {
        return request.ownerId().getBytes(StandardCharsets.UTF_8);
    }

    /** Runs {@code action} once the client is connected (at once if it is). */
    void whenConnected(Runnable action) {
        if (closed) {
            return;
        }
        whenConnected.add(action);
        if (connectedNow()) {
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        // A short pause: a request that just failed with connection loss on a handle that
        // already reconnected is retried without spinning if the connection keeps flapping.
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(() -> {
                    drainScheduled.set(false);
                    drainWhenConnected();
                }, 10, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                drainScheduled.set(false);
            }
        }
    }

    private void drainWhenConnected() {
        Runnable r;
        while (connectedNow() && (r = whenConnected.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("ZooKeeper lock action failed after reconnect", e);
            }
        }
    }

    /** Creates a missing lock parent (a container; the namespace nodes as persistent), then runs {@code then}. */
    void createParent(String parent, Runnable then, Consumer<Throwable> fail) {
        stats.create();
        stats.roundTrip();
        try {
            curator.create().creatingParentsIfNeeded().withMode(CreateMode.CONTAINER).withACL(acl)
                    .inBackground((c, event) -> {
                        Code rc = Code.get(event.getResultCode());
                        if (rc == Code.OK || rc == Code.NODEEXISTS) {
                            then.run();
                        } else if (rc == Code.CONNECTIONLOSS || rc == Code.SESSIONEXPIRED || rc == Code.SESSIONMOVED
                                || rc == Code.OPERATIONTIMEOUT) {
                            whenConnected(then);
                        } else {
                            fail.accept(KeeperException.create(rc, parent));
                        }
                    }).forPath(parent);
        } catch (Exception e) {
            fail.accept(e);
        }
    }

    /** Whether any listing of {@code parent} should delete {@code child} as a ghost of a lost create. */
    void checkGhost(String parent, String child) {
        Set<String> prefixes = ghosts.get(parent);
        if (prefixes == null) {
            return;
        }
        for (String prefix : prefixes) {
            if (child.startsWith(prefix) && child.length() == prefix.length() + 10) {
                prefixes.remove(prefix);
                log.debug("deleting ghost lock node {}/{} of a create whose reply was lost", parent, child);
                deleteQuietly(parent + "/" + child);
            }
        }
        dropIfEmpty(parent);
    }

    void addGhost(String parent, String prefix) {
        // The add happens inside the map's atomic compute, so a concurrent dropIfEmpty cannot
        // detach the set between this lookup and the add (the prefix, and its node, would be lost).
        ghosts.compute(parent, (k, prefixes) -> {
            Set<String> set = prefixes != null ? prefixes : ConcurrentHashMap.newKeySet();
            set.add(prefix);
            return set;
        });
    }

    /** Forgets {@code parent}'s ghost set if it is empty, atomically with respect to {@link #addGhost}. */
    private void dropIfEmpty(String parent) {
        ghosts.computeIfPresent(parent, (k, prefixes) -> prefixes.isEmpty() ? null : prefixes);
    }

    private void deleteQuietly(String path) {
        try {
            stats.delete();
            zk().delete(path, -1, (rc, p, ctx) -> {
            }, null);
        } catch (RuntimeException e) {
            log.debug("could not delete {}", path, e);
        }
    }

    /**
     * Deletes one of our nodes and reports the outcome: true if deleted now, false if it was
     * already gone. After a connection loss the delete is retried on reconnect (then a missing
     * node counts as deleted, since the first delete may have been applied); with
     * {@code answerAtOnce} the outcome is reported as false at once and the retry goes on alone.
     */
    void deleteNode(ZkNode node, Consumer<Boolean> done, boolean answerAtOnce) {
        deleteNode(node, done, answerAtOnce, false, false);
    }

    /**
     * Whether the release of {@code node} is sent as a marked release: one {@code multi} that
     * sets the node's data to {@link #RELEASED} and deletes it. A waiter watching the node then
     * gets {@code NodeDataChanged} instead of {@code NodeDeleted}, which tells it that the node
     * was a granted hold (so every node below it is gone) and that it is now the lowest, with no
     * listing. Used for holds that were contended when granted; a hold granted alone is released
     * with a plain delete (a waiter that came later lists the children again, as before).
     */
    static boolean marksRelease(ZkNode node) {
        return node.held && !node.aloneAtGrant;
    }

    private void deleteNode(ZkNode node, Consumer<Boolean> done, boolean answerAtOnce, boolean retry, boolean marked) {
        if (node.deleted) {
            done.accept(retry);
            return;
        }
        ZooKeeper zk;
        try {
            zk = zk();
        } catch (RuntimeException e) {
            deleteLater(node, done, answerAtOnce);
            return;
        }
        if (zk.getSessionId() != node.sessionId) {
            goneWithSession(node);
            done.accept(false);
            return;
        }
        stats.delete();
        stats.roundTrip();
        if (marked) {
            stats.markedRelease();
            zk.multi(releaseOps(node), (rc, path, ctx, results) -> onDeleted(node, Code.get(rc), done, answerAtOnce, retry),
                    null);
        } else {
            zk.delete(node.path, -1, (rc, path, ctx) -> onDeleted(node, Code.get(rc), done, answerAtOnce, retry), null);
        }
    }

    private static List<Op> releaseOps(ZkNode node) {
        return List.of(Op.setData(node.path, RELEASED, -1), Op.delete(node.path, -1));
    }

    private void onDeleted(ZkNode node, Code code, Consumer<Boolean> done, boolean answerAtOnce, boolean retry) {
        switch (code) {
            case OK -> {
                deleted(node);
                done.accept(true);
            }
            case NONODE -> {
                forget(node);
                done.accept(retry);
            }
            case SESSIONEXPIRED, SESSIONMOVED -> {
                goneWithSession(node);
                done.accept(false);
            }
            case CONNECTIONLOSS, OPERATIONTIMEOUT -> deleteLater(node, done, answerAtOnce);
            default -> {
                log.warn("could not delete lock node {}: {}", node.path, code);
                done.accept(false);
            }
        }
    }

    /** Queues {@code node} for deletion on reconnect; whoever takes it from the queue first sends it. */
    private void deleteLater(ZkNode node, Consumer<Boolean> done, boolean answerAtOnce) {
        Consumer<Boolean> callback = answerAtOnce ? NOTHING : done;
        pendingDeletes.merge(node, callback, Consumer::andThen);
        if (answerAtOnce) {
            done.accept(false);
        }
        whenConnected(() -> retryDelete(node));
    }

    private void retryDelete(ZkNode node) {
        Consumer<Boolean> done = pendingDeletes.remove(node);
        if (done != null) {
            deleteNode(node, done, false, true, false);
        }
    }

    /** Our delete of {@code node} succeeded. */
    private void deleted(ZkNode node) {
        if (node.held) {
            node.releasedHeld = true; // before forget(): it tells the local waiters
        }
        if (node.held && !node.lost) {
            floors.released(node.parent, node);
        }
        forget(node);
    }

    private void forget(ZkNode node) {
        nodes.remove(node);
        node.markDeleted();
        Consumer<Boolean> pending = pendingDeletes.remove(node);
        if (pending != null) {
            pending.accept(true);
        }
    }

    /**
     * The node's session ended. Not marked {@code deleted}: that flag means "confirmed gone by
     * the server", which waiters rely on; a node of an expired session may linger until the
     * servers expire the session too.
     */
    private void goneWithSession(ZkNode node) {
        node.lost = true;
        nodes.remove(node);
        Consumer<Boolean> pending = pendingDeletes.remove(node);
        if (pending != null) {
            pending.accept(false);
        }
    }

    /** Whether a grant on {@code node} may be reported: created by, and owned by, the live session. */
    boolean mayGrant(ZkNode node, long ephemeralOwner) {
        long current = currentSessionId();
        return !closed && !node.deleted && !node.lost && ephemeralOwner == node.sessionId && node.sessionId == current
                && current == sessionId && current != 0;
    }

    boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ LockDriver

    @Override
    public CompletableFuture<Grant> acquire(AcquireRequest request) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("ZooKeeper lock client is closed"));
        }
        ZkAcquisition a = new ZkAcquisition(this, request, lockParent(request.name()));
        acquisitions.add(a);
        a.start();
        return a.future;
    }

    @Override
    public CompletableFuture<Boolean> renew(HeldLock lock) {
        if (!(lock.grant().handle() instanceof ZkNode node)) {
            return FALSE;
        }
        node.hold = lock;
        if (node.lost || node.deleted || node.sessionId != sessionId) {
            return FALSE;
        }
        if (suspended) {
            if (options.suspendPolicy() == SuspendPolicy.LOSE_AT_ONCE) {
                return FALSE;
            }
            CompletableFuture<Boolean> r;
            synchronized (this) {
                r = reconnected;
            }
            return r.thenApply(ok -> ok && !node.lost && !node.deleted && node.sessionId == sessionId);
        }
        if (!node.watching.compareAndSet(false, true)) {
            return TRUE;
        }
        // First renewal of this hold: watch the node, so that a deletion behind our back is reported.
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        ZooKeeper zk;
        try {
            zk = zk();
        } catch (RuntimeException e) {
            node.watching.set(false);
            return CompletableFuture.failedFuture(e);
        }
        stats.dataRead();
        stats.roundTrip();
        zk.getData(node.path, ownNodeWatcher, (rc, path, ctx, data, stat) -> {
            Code code = Code.get(rc);
            if (code == Code.OK) {
                result.complete(stat.getEphemeralOwner() == node.sessionId && !node.lost);
            } else if (code == Code.NONODE) {
                node.lost = true;
                forget(node);
                result.complete(false);
            } else {
                node.watching.set(false);
                result.completeExceptionally(
                        new BackendUnavailableException("ZooKeeper could not check lock node " + path + ": " + code, null));
            }
        }, null);
        return result;
    }

    @Override
    public CompletableFuture<Boolean> release(HeldLock lock) {
        if (!(lock.grant().handle() instanceof ZkNode node)) {
            return FALSE;
        }
        node.releasing = true;
        if (node.deleted || node.sessionId != sessionId) {
            return FALSE;
        }
        if (mayBlock()) {
            return deleteNow(node);
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        deleteNode(node, ok -> result.complete(ok && !node.lost), false, false, marksRelease(node));
        return result;
    }

    /**
     * Deletes a held node with the synchronous API (no hand-off to the event thread).
     *
     * @return whether it was released; completed unless the outcome is unknown, in which case
     *         the delete is retried after a reconnect (a missing node then counts as deleted)
     */
    private CompletableFuture<Boolean> deleteNow(ZkNode node) {
        ZooKeeper zk;
        try {
            zk = zk();
        } catch (RuntimeException e) {
            return retryLater(node);
        }
        if (zk.getSessionId() != node.sessionId) {
            goneWithSession(node);
            return FALSE;
        }
        stats.delete();
        stats.roundTrip();
        try {
            if (marksRelease(node)) {
                stats.markedRelease();
                zk.multi(releaseOps(node));
            } else {
                zk.delete(node.path, -1);
            }
            boolean ok = !node.lost;
            deleted(node);
            return ok ? TRUE : FALSE;
        } catch (KeeperException.NoNodeException e) {
            forget(node);
            return FALSE;
        } catch (KeeperException.SessionExpiredException | KeeperException.SessionMovedException e) {
            goneWithSession(node);
            return FALSE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return retryLater(node);
        } catch (KeeperException e) {
            return retryLater(node);
        }
    }

    /** A synchronous delete whose outcome is unknown: retried (a missing node then counts as deleted). */
    private CompletableFuture<Boolean> retryLater(ZkNode node) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        deleteLater(node, ok -> result.complete(ok && !node.lost), false);
        return result;
    }

    @Override
    public CompletableFuture<Boolean> isLocked(String name) {
        String parent = lockParent(name);
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        ZooKeeper zk;
        try {
            zk = zk();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // sync first: on an ensemble the session's server may lag the leader; the read after it
        // in the same session sees every write committed before the sync.
        stats.sync();
        stats.childRead();
        stats.roundTrip();
        zk.sync(parent, (rc, path, ctx) -> {
        }, null);
        zk.getChildren(parent, false, (rc, path, ctx, children) -> {
            Code code = Code.get(rc);
            if (code == Code.OK) {
                boolean any = false;
                for (String c : children) {
                    if (ZkLockNames.sequenceOf(c) >= 0) {
                        any = true;
                        break;
                    }
                }
                result.complete(any);
            } else if (code == Code.NONODE) {
                result.complete(false);
            } else {
                result.completeExceptionally(new BackendUnavailableException(
                        "ZooKeeper could not list " + parent + ": " + code, KeeperException.create(code, parent)));
            }
        }, null);
        return result;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        curator.getConnectionStateListenable().removeListener(stateListener);
        for (ZkAcquisition a : acquisitions) {
            a.fail(new IllegalStateException("ZooKeeper lock client is closed"));
        }
        synchronized (this) {
            reconnected.complete(false);
        }
        timer.shutdownNow();
        // Closing the session deletes every ephemeral node it still has, in one transaction.
        curator.close();
    }

    // ------------------------------------------------------------------ session events

    private void onState(ConnectionState state) {
        if (closed) {
            return;
        }
        switch (state) {
            case CONNECTED, RECONNECTED -> onConnected();
            case SUSPENDED, READ_ONLY -> onSuspended();
            case LOST -> onSessionEnded("the ZooKeeper session was lost");
            default -> {
            }
        }
    }

    private void onConnected() {
        long current = currentSessionId();
        if (current != sessionId) {
            onSessionEnded("the ZooKeeper session expired (reconnected with a new session)");
            sessionId = current;
        }
        CompletableFuture<Boolean> r;
        synchronized (this) {
            suspended = false;
            if (graceTask != null) {
                graceTask.cancel(false);
                graceTask = null;
            }
            r = reconnected;
            reconnected = new CompletableFuture<>();
        }
        r.complete(true);
        for (ZkNode n : pendingDeletes.keySet()) {
            if (n.sessionId != current) {
                goneWithSession(n);
            } else {
                retryDelete(n);
            }
        }
        if (!ghosts.isEmpty()) {
            sweepGhosts();
        }
        for (ZkAcquisition a : acquisitions) {
            a.onReconnected();
        }
        drainWhenConnected();
    }

    private void sweepGhosts() {
        ZooKeeper zk;
        try {
            zk = zk();
        } catch (RuntimeException e) {
            return;
        }
        for (Map.Entry<String, Set<String>> e : ghosts.entrySet()) {
            if (e.getValue().isEmpty()) {
                dropIfEmpty(e.getKey());
                continue;
            }
            String parent = e.getKey();
            stats.sync();
            stats.childRead();
            zk.sync(parent, (rc, path, ctx) -> {
            }, null);
            zk.getChildren(parent, false, (rc, path, ctx, children) -> {
                if (rc == Code.OK.intValue()) {
                    for (String c : children) {
                        checkGhost(parent, c);
                    }
                } else if (rc == Code.NONODE.intValue()) {
                    ghosts.remove(parent);
                }
            }, null);
        }
    }

    private void onSuspended() {
        Duration grace;
        synchronized (this) {
            if (suspended) {
                return;
            }
            suspended = true;
            if (options.suspendPolicy() == SuspendPolicy.WAIT_FOR_RECONNECT) {
                grace = options.suspendGrace();
                if (grace == null) {
                    int negotiated = 0;
                    try {
                        negotiated = zk().getSessionTimeout();
                    } catch (RuntimeException e) {
                        // fall back to what was asked for
                    }
                    long ms = negotiated > 0 ? negotiated : options.sessionTimeout().toMillis();
                    grace = Duration.ofMillis(ms / 4);
                }
                final long suspendedSession = sessionId;
                graceTask = timer.schedule(() -> graceOver(suspendedSession), grace.toNanos(), TimeUnit.NANOSECONDS);
                log.info("ZooKeeper connection suspended; holds stay valid for up to {} ms while reconnecting",
                        grace.toMillis());
                return;
            }
        }
        log.warn("ZooKeeper connection suspended; every hold is lost ({})", SuspendPolicy.LOSE_AT_ONCE);
        loseHolds(sessionId, new BackendUnavailableException("the ZooKeeper connection was suspended", null), true);
    }

    private void graceOver(long suspendedSession) {
        CompletableFuture<Boolean> r;
        synchronized (this) {
            if (!suspended || suspendedSession != sessionId) {
                return;
            }
            graceTask = null;
            r = reconnected;
            reconnected = new CompletableFuture<>();
        }
        log.warn("ZooKeeper connection still suspended after the grace; every hold is lost");
        loseHolds(suspendedSession,
                new BackendUnavailableException("the ZooKeeper connection stayed suspended past the grace", null), true);
        r.complete(false);
    }

    /**
     * Marks every hold of {@code session} lost. With {@code deleteLater} their nodes (which may
     * still exist, the session being alive) are deleted when the session reconnects.
     */
    private void loseHolds(long session, Throwable cause, boolean deleteLater) {
        for (ZkNode n : nodes.all()) {
            if (n.sessionId == session && n.held && !n.releasing) {
                n.lost = true;
                if (deleteLater && !n.deleted) {
                    pendingDeletes.putIfAbsent(n, NOTHING);
                }
            }
        }
        DriverContext ctx = context;
        if (ctx == null) {
            return;
        }
        for (HeldLock h : ctx.heldLocks()) {
            if (h.grant().handle() instanceof ZkNode n && n.sessionId == session) {
                n.lost = true;
                h.markLost(LossReason.SESSION_LOST, cause);
            }
        }
    }

    /** The session {@link #sessionId} ended: its nodes are gone, its holds lost, its waiters start over. */
    private void onSessionEnded(String why) {
        long old = sessionId;
        if (old == 0) {
            return;
        }
        CompletableFuture<Boolean> r;
        synchronized (this) {
            if (graceTask != null) {
                graceTask.cancel(false);
                graceTask = null;
            }
            r = reconnected;
            reconnected = new CompletableFuture<>();
        }
        log.warn("{} (session 0x{}); every hold on it is lost", why, Long.toHexString(old));
        loseHolds(old, new LockException(why), false);
        for (ZkNode n : nodes.all()) {
            if (n.sessionId == old) {
                goneWithSession(n);
            }
        }
        for (ZkNode n : pendingDeletes.keySet()) {
            if (n.sessionId == old) {
                goneWithSession(n);
            }
        }
        ghosts.clear();
        sessionId = 0;
        r.complete(false);
        for (ZkAcquisition a : acquisitions) {
            a.onSessionEnded(old);
        }
        long current = currentSessionId();
        if (current != old && connectedNow()) {
            sessionId = current;
        }
    }

    private void onOwnNodeEvent(WatchedEvent event) {
        if (event.getType() != Watcher.Event.EventType.NodeDeleted || event.getPath() == null) {
            if (event.getPath() != null && event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                ZkNode n = nodes.get(event.getPath());
                if (n != null) {
                    n.watching.set(false); // the watch fired; the next renewal places it again
                }
            }
            return;
        }
        ZkNode n = nodes.get(event.getPath());
        if (n == null || n.releasing || !n.held) {
            return;
        }
        n.lost = true;
        forget(n);
        HeldLock h = n.hold;
        log.warn("lock node {} was deleted by someone else; the hold is lost", n.path);
        if (h != null) {
            h.markLost(LossReason.RENEWAL_REJECTED,
                    new IllegalStateException("lock node " + n.path + " was deleted by someone else"));
        }
    }

    @Override
    public String toString() {
        return "ZkLockDriver[" + root + ", session 0x" + Long.toHexString(sessionId) + "]";
    }
}

package dev.distlock.zookeeper;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LossReason;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.DriverContext;
import dev.distlock.spi.ElectionDriver;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import dev.distlock.spi.ReadWriteLockDriver;
import dev.distlock.spi.SemaphoreDriver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper driver of read-write locks, semaphores and election terms, in front of the mutex's
 * {@link ZkLockDriver} (every mutex operation goes to it unchanged), on the same Curator session.
 *
 * <h2>What it stores</h2>
 * <ul>
 * <li>read-write lock: {@code <root>/rwlocks/<encoded name>/} (a container) holds one
 *     EPHEMERAL_SEQUENTIAL node per hold or waiter, {@code w-<owner>-<seq>} or
 *     {@code r-<owner>-<seq>}. A writer holds when its node is the lowest; a reader holds when no
 *     writer node of another owner is below it (so a writer that queued first goes first — writers
 *     are not starved — and the writer's own reader is let in: a downgrade). A waiter watches only
 *     the node that blocks it: a writer its predecessor, a reader the nearest writer below.</li>
 * <li>semaphore: {@code <root>/semaphores/<encoded name>/lease-<owner>-<seq>} with the lease's
 *     permits as data. Leases are served in sequence order: a node holds when the permits of every
 *     node up to and including it fit the limit. A waiter watches the data of the nodes below it
 *     (a delete or a partial release wakes it).</li>
 * <li>leader election: {@code <root>/elections/<encoded group>/lease-<owner>-<seq>}, a semaphore of
 *     one permit: the lowest node leads, the others watch the nodes below them.</li>
 * </ul>
 * Mutexes live under {@code <root>/locks}; each primitive has a parent node of its own, so no
 * name of one kind reaches another's nodes.
 * Fencing tokens are the node's {@code czxid}, as for the mutex.
 *
 * <h2>Leases and failures</h2>
 * A hold lives as long as the session (a crashed holder's permits come back when its session
 * expires); a fixed lease is ended by the front deleting the node. A renewal checks that the
 * node still exists with this session as owner ({@code RENEWAL_REJECTED} otherwise). When Curator
 * reports the session {@code LOST}, every hold of these primitives is marked
 * {@code SESSION_LOST}. A {@code SUSPENDED} connection is handled as for locks
 * ({@link SuspendPolicy}): holds are marked {@code SESSION_LOST} at once
 * ({@code LOSE_AT_ONCE}) or when the grace runs out before the connection is back
 * ({@code WAIT_FOR_RECONNECT}); their nodes are deleted when the same session reconnects. Unlike the mutex recipe, a waiter runs on a thread of its own (with
 * ZooKeeper's synchronous API) and an error ends its wait with
 * {@link BackendUnavailableException}; an interrupt or timeout deletes its node.
 *
 * <p>Thread-safe.
 */
final class ZkCoordinationDriver implements LockDriver, ReadWriteLockDriver, SemaphoreDriver, ElectionDriver {
    private static final Logger log = LoggerFactory.getLogger(ZkCoordinationDriver.class);

    /** A hold's node. */
    record Node(String path, long sessionId) {
    }

    private final ZkLockDriver mutex;
    private final CuratorFramework curator;
    private final String rwRoot;
    private final String semRoot;
    private final String electionRoot;
    private final ExecutorService waiters = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "distlock-zk-coordination");
        t.setDaemon(true);
        return t;
    });
    private final ConnectionStateListener sessionWatch = this::onState;
    private final java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "distlock-zk-coordination-grace");
        t.setDaemon(true);
        return t;
    });
    /** Guarded by this: whether the connection is suspended, the grace timer, nodes to delete on reconnect. */
    private boolean suspended;
    private java.util.concurrent.ScheduledFuture<?> graceTask;
    private final java.util.Set<Node> pendingDeletes = new java.util.HashSet<>();
    private volatile DriverContext context;

    ZkCoordinationDriver(ZkLockDriver mutex, CuratorFramework curator, String root) {
        this.mutex = mutex;
        this.curator = curator;
        this.rwRoot = root + "/rwlocks/";
        this.semRoot = root + "/semaphores/";
        this.electionRoot = root + "/elections/";
    }

    // ------------------------------------------------------------------ the mutex, unchanged

    @Override
    public void start(DriverContext ctx) {
        mutex.start(ctx);
        this.context = ctx;
        curator.getConnectionStateListenable().addListener(sessionWatch);
    }

    @Override
    public CompletableFuture<Grant> acquire(AcquireRequest request) {
        return mutex.acquire(request);
    }

    @Override
    public CompletableFuture<Boolean> renew(HeldLock lock) {
        return mutex.renew(lock);
    }

    @Override
    public List<CompletableFuture<Boolean>> renewAll(List<? extends HeldLock> locks) {
        return mutex.renewAll(locks);
    }

    @Override
    public CompletableFuture<Boolean> release(HeldLock lock) {
        return mutex.release(lock);
    }

    @Override
    public CompletableFuture<Boolean> isLocked(String name) {
        return mutex.isLocked(name);
    }

    @Override
    public long driftNanos(long leaseNanos) {
        return mutex.driftNanos(leaseNanos);
    }

    private void onState(CuratorFramework c, ConnectionState state) {
        switch (state) {
            case SUSPENDED, READ_ONLY -> onSuspended();
            case CONNECTED, RECONNECTED -> onReconnected();
            case LOST -> {
                synchronized (this) {
                    cancelGrace();
                    pendingDeletes.clear(); // their session is gone, and its nodes with it
                }
                loseAll(null, false);
            }
            default -> {
            }
        }
    }

    /**
     * The connection is suspended: as for locks ({@link SuspendPolicy}), lose every hold at once,
     * or after the grace if the connection is not back by then. A hold given up so while its
     * session may live on has its node deleted when the same session reconnects.
     */
    private void onSuspended() {
        Duration grace;
        synchronized (this) {
            if (suspended) {
                return;
            }
            suspended = true;
            if (mutex.options.suspendPolicy() == SuspendPolicy.LOSE_AT_ONCE) {
                grace = null;
            } else {
                grace = mutex.options.suspendGrace();
                if (grace == null) {
                    int negotiated = 0;
                    try {
                        negotiated = curator.getZookeeperClient().getZooKeeper().getSessionTimeout();
                    } catch (Exception e) {
                        // fall back to what was asked for
                    }
                    grace = Duration.ofMillis((negotiated > 0 ? negotiated : mutex.options.sessionTimeout().toMillis()) / 4);
                }
                graceTask = timer.schedule(this::graceOver, grace.toNanos(), TimeUnit.NANOSECONDS);
                return;
            }
        }
        loseAll(new BackendUnavailableException("the ZooKeeper connection was suspended", null), true);
    }

    private void graceOver() {
        synchronized (this) {
            if (!suspended || graceTask == null) {
                return;
            }
            graceTask = null;
        }
        loseAll(new BackendUnavailableException("the ZooKeeper connection stayed suspended past the grace", null), true);
    }

    private void cancelGrace() {
        if (graceTask != null) {
            graceTask.cancel(false);
            graceTask = null;
        }
    }

    private void onReconnected() {
        List<Node> delete;
        synchronized (this) {
            suspended = false;
            cancelGrace();
            delete = new ArrayList<>(pendingDeletes);
            pendingDeletes.clear();
        }
        long session;
        try {
            session = curator.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return;
        }
        for (Node n : delete) {
            if (n.sessionId() == session) {
                waiters.execute(() -> deleteQuietly(n.path()));
            }
        }
    }

    /** Marks every hold of these primitives lost; with {@code deleteLater} their nodes go on reconnect. */
    private void loseAll(Throwable cause, boolean deleteLater) {
        DriverContext ctx = context;
        if (ctx == null) {
            return;
        }
        for (HeldLock h : ctx.heldLocks()) {
            if (h.grant().handle() instanceof Node n) {
                if (deleteLater) {
                    synchronized (this) {
                        pendingDeletes.add(n);
                    }
                }
                h.markLost(LossReason.SESSION_LOST, cause);
            }
        }
    }

    // ------------------------------------------------------------------ node names

    private static long seq(String child) {
        return Long.parseLong(child.substring(child.length() - 10));
    }

    private static String ownerOf(String child) {
        int first = child.indexOf('-');
        return child.substring(first + 1, child.length() - 11);
    }

    private List<String> sortedChildren(String parent) throws Exception {
        List<String> children = new ArrayList<>(curator.getChildren().forPath(parent));
        children.removeIf(c -> c.length() < 12 || c.charAt(c.length() - 11) != '-');
        children.sort(Comparator.comparingLong(ZkCoordinationDriver::seq));
        return children;
    }

    private String create(String parent, String prefix, byte[] data, Stat stat) throws Exception {
        return curator.create().storingStatIn(stat).creatingParentContainersIfNeeded().withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).withACL(mutex.acl).forPath(parent + "/" + prefix, data);
    }

    /** Length of Curator's protection prefix {@code _c_<36-character uuid>-}. */
    private static final int PROTECTION_LENGTH = 3 + 36 + 1;

    /** Strips Curator's protection prefix from a child name. */
    private static String plain(String child) {
        return child.startsWith("_c_") && child.length() > PROTECTION_LENGTH ? child.substring(PROTECTION_LENGTH) : child;
    }

    private void deleteQuietly(String path) {
        try {
            curator.delete().guaranteed().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // already gone
        } catch (Exception e) {
            log.debug("could not delete {}; it goes with the session", path, e);
        }
    }

    // ------------------------------------------------------------------ waiting on a thread

    private interface Loop {
        Grant run(CompletableFuture<Grant> future) throws Exception;
    }

    private CompletableFuture<Grant> runWaiter(String what, Loop loop) {
        CompletableFuture<Grant> future = new CompletableFuture<>();
        Future<?> task;
        try {
            task = waiters.submit(() -> {
                try {
                    Grant g = loop.run(future);
                    if (!future.complete(g) && g != null) {
                        deleteQuietly(((Node) g.handle()).path());
                    }
                } catch (InterruptedException e) {
                    future.cancel(false);
                } catch (Exception e) {
                    future.completeExceptionally(new BackendUnavailableException(
                            "ZooKeeper failed to " + what + ": " + e, e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("lock client (zookeeper) is closed"));
        }
        future.whenComplete((g, err) -> {
            if (future.isCancelled()) {
                task.cancel(true);
            }
        });
        return future;
    }

    /** Waits for a watch to fire, up to what is left of the wait; false when the wait is over. */
    private static boolean await(CountDownLatch latch, AcquireRequest request) throws InterruptedException {
        long left = request.remainingNanos();
        if (left == 0) {
            return false;
        }
        if (left == AcquireRequest.FOREVER) {
            latch.await();
        } else {
            latch.await(left, TimeUnit.NANOSECONDS);
        }
        return true;
    }

    private static CuratorWatcher countDown(CountDownLatch latch) {
        return event -> latch.countDown();
    }

    // ------------------------------------------------------------------ read-write locks

    @Override
    public CompletableFuture<Grant> acquire(Mode mode, AcquireRequest request) {
        String parent = rwRoot + ZkLockNames.encode(request.name());
        String kind = mode == Mode.WRITE ? "w" : "r";
        return runWaiter("acquire the " + mode + " lock '" + request.name() + "'", future -> {
            long sentAt = mutex.clock.nanoTime();
            Stat stat = new Stat();
            String path = create(parent, kind + "-" + request.ownerId() + "-",
                    request.ownerId().getBytes(StandardCharsets.UTF_8), stat);
            String mine = plain(path.substring(path.lastIndexOf('/') + 1));
            boolean granted = false;
            try {
                while (!future.isDone()) {
                    List<String> children = sortedChildren(parent);
                    long mySeq = seq(mine);
                    String blocker = null;
                    for (String c : children) {
                        String p = plain(c);
                        if (seq(p) >= mySeq) {
                            break;
                        }
                        if (mode == Mode.WRITE) {
                            blocker = c;
                        } else if (p.startsWith("w-") && !ownerOf(p).equals(request.ownerId())) {
                            blocker = c;
                        }
                    }
                    if (blocker == null) {
                        if (stat.getEphemeralOwner() != curator.getZookeeperClient().getZooKeeper().getSessionId()) {
                            throw new IllegalStateException("the session changed while acquiring");
                        }
                        granted = true;
                        return new Grant(stat.getCzxid(), sentAt, new Node(path, stat.getEphemeralOwner()));
                    }
                    CountDownLatch latch = new CountDownLatch(1);
                    if (curator.checkExists().usingWatcher(countDown(latch)).forPath(parent + "/" + blocker) == null) {
                        continue;
                    }
                    if (!await(latch, request)) {
                        return null;
                    }
                }
                return null;
            } finally {
                if (!granted) {
                    deleteQuietly(path);
                }
            }
        });
    }

    @Override
    public CompletableFuture<Boolean> renew(Mode mode, HeldLock lock) {
        return check(lock);
    }

    @Override
    public CompletableFuture<Boolean> release(Mode mode, HeldLock lock) {
        return delete(lock);
    }

    @Override
    public CompletableFuture<Boolean> isLocked(Mode mode, String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                for (String c : sortedChildren(rwRoot + ZkLockNames.encode(name))) {
                    String p = plain(c);
                    if (mode == Mode.WRITE ? p.startsWith("w-") : p.startsWith("r-")) {
                        return true;
                    }
                }
                return false;
            } catch (KeeperException.NoNodeException e) {
                return false;
            } catch (Exception e) {
                throw new BackendUnavailableException("ZooKeeper failed to query '" + name + "': " + e, e);
            }
        }, waiters);
    }

    private CompletableFuture<Boolean> check(HeldLock lock) {
        if (!(lock.grant().handle() instanceof Node n)) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                Stat s = curator.checkExists().forPath(n.path());
                return s != null && s.getEphemeralOwner() == n.sessionId();
            } catch (Exception e) {
                throw new BackendUnavailableException("ZooKeeper failed to check " + n.path() + ": " + e, e);
            }
        }, waiters);
    }

    private CompletableFuture<Boolean> delete(HeldLock lock) {
        if (!(lock.grant().handle() instanceof Node n)) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                curator.delete().forPath(n.path());
                return true;
            } catch (KeeperException.NoNodeException e) {
                return false;
            } catch (Exception e) {
                throw new BackendUnavailableException("ZooKeeper failed to delete " + n.path() + ": " + e, e);
            }
        }, waiters);
    }

    // ------------------------------------------------------------------ semaphores

    private static int permitsOf(byte[] data) {
        try {
            return Integer.parseInt(new String(data, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public CompletableFuture<Grant> acquirePermits(AcquireRequest request, int permits, int limit) {
        return acquireLease(semRoot, request, permits, limit, "acquire permits of '" + request.name() + "'");
    }

    private CompletableFuture<Grant> acquireLease(String root, AcquireRequest request, int permits, int limit,
            String what) {
        String parent = root + ZkLockNames.encode(request.name());
        return runWaiter(what, future -> {
            long sentAt = mutex.clock.nanoTime();
            Stat stat = new Stat();
            String path = create(parent, "lease-" + request.ownerId() + "-",
                    Integer.toString(permits).getBytes(StandardCharsets.UTF_8), stat);
            String mine = plain(path.substring(path.lastIndexOf('/') + 1));
            boolean granted = false;
            try {
                while (!future.isDone()) {
                    CountDownLatch latch = new CountDownLatch(1);
                    long sum = permits;
                    long mySeq = seq(mine);
                    for (String c : sortedChildren(parent)) {
                        if (seq(plain(c)) >= mySeq) {
                            break;
                        }
                        try {
                            sum += permitsOf(curator.getData().usingWatcher(countDown(latch)).forPath(parent + "/" + c));
                        } catch (KeeperException.NoNodeException e) {
                            latch.countDown();
                        }
                    }
                    if (sum <= limit) {
                        granted = true;
                        return new Grant(stat.getCzxid(), sentAt, new Node(path, stat.getEphemeralOwner()));
                    }
                    if (!await(latch, request)) {
                        return null;
                    }
                }
                return null;
            } finally {
                if (!granted) {
                    deleteQuietly(path);
                }
            }
        });
    }

    // ------------------------------------------------------------------ election terms (one-permit leases)

    @Override
    public CompletableFuture<Grant> acquireTerm(AcquireRequest request) {
        return acquireLease(electionRoot, request, 1, 1, "compete in election '" + request.name() + "'");
    }

    @Override
    public CompletableFuture<Boolean> renewTerm(HeldLock term) {
        return check(term);
    }

    @Override
    public CompletableFuture<Boolean> releaseTerm(HeldLock term) {
        return delete(term);
    }

    // ------------------------------------------------------------------ semaphores (continued)

    @Override
    public CompletableFuture<Boolean> renewPermits(HeldLock lease) {
        return check(lease);
    }

    @Override
    public CompletableFuture<Boolean> releasePermits(HeldLock lease, int permits) {
        if (!(lease.grant().handle() instanceof Node n)) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                Stat s = new Stat();
                int held = permitsOf(curator.getData().storingStatIn(s).forPath(n.path()));
                if (permits >= held) {
                    curator.delete().forPath(n.path());
                } else {
                    curator.setData().withVersion(s.getVersion())
                            .forPath(n.path(), Integer.toString(held - permits).getBytes(StandardCharsets.UTF_8));
                }
                return true;
            } catch (KeeperException.NoNodeException e) {
                return false;
            } catch (Exception e) {
                throw new BackendUnavailableException("ZooKeeper failed to release permits of " + n.path() + ": " + e, e);
            }
        }, waiters);
    }

    @Override
    public CompletableFuture<Integer> availablePermits(String name, int limit) {
        String parent = semRoot + ZkLockNames.encode(name);
        return CompletableFuture.supplyAsync(() -> {
            try {
                long used = 0;
                for (String c : sortedChildren(parent)) {
                    int p;
                    try {
                        p = permitsOf(curator.getData().forPath(parent + "/" + c));
                    } catch (KeeperException.NoNodeException e) {
                        continue;
                    }
                    if (used + p > limit) {
                        break; // this node and those after it wait
                    }
                    used += p;
                }
                return (int) Math.max(0, limit - used);
            } catch (KeeperException.NoNodeException e) {
                return limit;
            } catch (Exception e) {
                throw new BackendUnavailableException("ZooKeeper failed to count permits of '" + name + "': " + e, e);
            }
        }, waiters);
    }

    @Override
    public void close() {
        curator.getConnectionStateListenable().removeListener(sessionWatch);
        timer.shutdownNow();
        waiters.shutdownNow();
        mutex.close();
    }
}

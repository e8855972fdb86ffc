package dev.distlock.zookeeper;

import dev.distlock.BackendUnavailableException;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.Grant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * One acquire: the state machine of the lock recipe described in {@link ZkLockDriver}, from the
 * create to a grant, a give-up or a failure.
 *
 * <p>Thread-safe: every transition holds this object's monitor. Requests are sent while holding
 * it (the asynchronous API never blocks); every callback carries the step number it was sent
 * for and is ignored if the acquisition has moved on.
 */
final class ZkAcquisition implements Watcher {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ZkAcquisition.class);
    private enum State {
        /** not started yet. */
        NEW,
        /** a synchronous single create is under way on the caller's thread. */
        SINGLE_CREATE,
        /** create + getChildren sent; waiting for both. */
        CREATING,
        /** our node is known; a children listing is under way. */
        LISTING,
        /** waiting for the predecessor to go. */
        WATCHING,
        /** creating the lock parent. */
        PARENT,
        /** after a create whose reply was lost: looking for our node by its prefix. */
        RECOVERING,
        /** waiting for a connection. */
        DISCONNECTED,
        /** deleting our node after a timeout, cancel or failure. */
        ABANDONING,
        /** finished: granted, given up or failed. */
        DONE
    }

    /** A node that sorted below ours in a listing; {@code local} is set if it is our client's. */
    private record Below(String name, ZkNode local) {
    }

    final CompletableFuture<Grant> future = new CompletableFuture<>();
    private final ZkLockDriver driver;
    private final AcquireRequest request;
    private final String parent;
    private final byte[] data;
    private final TreeMap<Long, Below> below = new TreeMap<>();

    private State state = State.NEW;
    private int step;
    private String prefix;
    /** Session the create was sent on. */
    private long createSession;
    /** A create was sent and its outcome is unknown (reply lost). */
    private boolean createInDoubt;
    private ZkNode node;
    private long nodeOwner;
    private String watchedPath;
    /** The local predecessor listened to, and the listener, while watching one. */
    private ZkNode watchedLocal;
    private Runnable localListener;
    /** Children that arrived before the create reply (not expected: ZooKeeper answers in order). */
    private List<String> earlyChildren;
    private boolean evaluated;
    private boolean deadlinePassed;
    private ScheduledFuture<?> deadline;

    ZkAcquisition(ZkLockDriver driver, AcquireRequest request, String parent) {
        this.driver = driver;
        this.request = request;
        this.parent = parent;
        this.data = ZkLockDriver.ownerData(request);
    }

    /**
     * Starts the acquire. When the client knows (from the parent's floor, see
     * {@link ZkParentFloors}) that the lock was last free and uncontended, it sends a single
     * create with the synchronous API on the calling thread: if the reply proves the node alone,
     * the lock is held after one round trip, with no listing and no hand-off to ZooKeeper's event
     * thread. Otherwise it pipelines create + getChildren asynchronously.
     */
    void start() {
        synchronized (this) {
            long wait = request.waitNanos();
            if (wait != AcquireRequest.FOREVER && wait > 0) {
                try {
                    deadline = driver.timer.schedule(this::onDeadline, Math.max(0, request.remainingNanos()),
                            TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    fail(new IllegalStateException("ZooKeeper lock client is closed"));
                    return;
                }
            }
            future.whenComplete((g, e) -> {
                if (future.isCancelled()) {
                    onCancelled();
                }
            });
        }
        ZkParentFloors.Floor floor = driver.floors.get(parent);
        synchronized (this) {
            if (state != State.NEW) {
                return; // failed already (client closed)
            }
            if (floor == null || !floor.trySync() || !driver.mayBlock()) {
                send();
                return;
            }
            state = State.SINGLE_CREATE;
        }
        singleCreate(floor);
    }

    /** The single-create path: a synchronous create2 whose reply may prove the node alone. */
    private void singleCreate(ZkParentFloors.Floor floor) {
        ZooKeeper zk;
        try {
            zk = driver.zk();
        } catch (RuntimeException e) {
            synchronized (this) {
                waitForConnection();
            }
            return;
        }
        long session = zk.getSessionId();
        String pfx = driver.newPrefix();
        Stat stat = new Stat();
        String path;
        driver.stats.create();
        driver.stats.roundTrip();
        try {
            path = zk.create(parent + "/" + pfx, data, driver.acl, CreateMode.EPHEMERAL_SEQUENTIAL, stat);
        } catch (KeeperException.NoNodeException e) {
            synchronized (this) {
                send(); // the parent was reaped: the pipelined path creates it again
            }
            return;
        } catch (KeeperException.SessionExpiredException | KeeperException.SessionMovedException e) {
            synchronized (this) {
                waitForConnection();
            }
            return;
        } catch (KeeperException.ConnectionLossException | KeeperException.RequestTimeoutException
                | KeeperException.OperationTimeoutException e) {
            inDoubt(pfx, session);
            return;
        } catch (InterruptedException e) {
            // The create may still be applied: find it by its prefix, asynchronously.
            Thread.currentThread().interrupt();
            inDoubt(pfx, session);
            return;
        } catch (KeeperException e) {
            synchronized (this) {
                fail(failure("create a lock node under " + parent, e.code()));
            }
            return;
        }
        synchronized (this) {
            prefix = pfx;
            createSession = session;
            node = adopt(path, stat.getCzxid());
            nodeOwner = stat.getEphemeralOwner();
            if (state != State.SINGLE_CREATE) {
                // failed meanwhile (client closed): never leave the node behind
                node.releasing = true;
                driver.deleteNode(node, ok -> {
                }, true);
                return;
            }
            if (ZkParentFloors.provesAlone(floor, node.seq, node.czxid)) {
                evaluated = true;
                node.aloneAtGrant = true;
                grant();
                return;
            }
            driver.floors.contended(parent);
            log.debug("{}: the single create was not proven alone; listing", this);
            relist();
        }
    }

    private synchronized void inDoubt(String pfx, long session) {
        prefix = pfx;
        createSession = session;
        createInDoubt = true;
        waitForConnection();
    }

    // ------------------------------------------------------------------ steps

    /** Sends create + getChildren back to back (one round trip). */
    private void send() {
        if (state == State.DONE || state == State.ABANDONING) {
            return;
        }
        ZooKeeper zk = handleOrWait();
        if (zk == null) {
            return;
        }
        long session = zk.getSessionId();
        if (session == 0 || session != driver.currentSessionId()) {
            waitForConnection();
            return;
        }
        prefix = driver.newPrefix();
        createSession = session;
        createInDoubt = false;
        node = null;
        earlyChildren = null;
        state = State.CREATING;
        Integer s = ++step;
        driver.stats.create();
        driver.stats.childRead();
        driver.stats.roundTrip();
        zk.create(parent + "/" + prefix, data, driver.acl, CreateMode.EPHEMERAL_SEQUENTIAL, this::onCreated, s);
        zk.getChildren(parent, false, this::onListed, s);
    }

    private synchronized void onCreated(int rc, String path, Object ctx, String name, Stat stat) {
        Code code = Code.get(rc);
        if ((Integer) ctx != step || (state != State.CREATING && state != State.ABANDONING)) {
            if (code == Code.OK) {
                // A create we no longer want (we moved on): never leave it behind.
                driver.deleteNode(adopt(name, stat.getCzxid()), ok -> {
                }, true);
            }
            return;
        }
        switch (code) {
            case OK -> {
                node = adopt(name, stat.getCzxid());
                nodeOwner = stat.getEphemeralOwner();
                if (state == State.ABANDONING) {
                    deleteAndFinish();
                    return;
                }
                state = State.LISTING;
                if (earlyChildren != null) {
                    List<String> c = earlyChildren;
                    earlyChildren = null;
                    evaluate(c);
                }
            }
            case NONODE -> {
                if (state == State.ABANDONING) {
                    finish(null);
                    return;
                }
                state = State.PARENT;
                int s = ++step;
                driver.createParent(parent, () -> resumeAfterParent(s), this::fail);
            }
            case CONNECTIONLOSS, OPERATIONTIMEOUT -> {
                createInDoubt = true;
                if (state == State.ABANDONING) {
                    giveUpInDoubt();
                    return;
                }
                waitForConnection();
            }
            case SESSIONEXPIRED, SESSIONMOVED -> {
                if (state == State.ABANDONING) {
                    finish(null);
                    return;
                }
                waitForConnection();
            }
            default -> fail(failure("create a lock node under " + parent, code));
        }
    }

    private ZkNode adopt(String path, long czxid) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        ZkNode n = new ZkNode(parent, name, ZkLockNames.sequenceOf(name), createSession, czxid);
        driver.nodes.add(n);
        return n;
    }

    private synchronized void resumeAfterParent(int s) {
        if (s == step && state == State.PARENT) {
            send();
        }
    }

    private synchronized void onListed(int rc, String path, Object ctx, List<String> children) {
        if ((Integer) ctx != step) {
            return;
        }
        Code code = Code.get(rc);
        if (state == State.CREATING && code == Code.OK) {
            earlyChildren = children;
            return;
        }
        if (state != State.LISTING) {
            return;
        }
        switch (code) {
            case OK -> evaluate(children);
            case NONODE -> nodeVanished();
            case CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONEXPIRED, SESSIONMOVED -> waitForConnection();
            default -> fail(failure("list " + parent, code));
        }
    }

    /** Decides from a listing taken after our create: hold, give up, or watch the predecessor. */
    private void evaluate(List<String> children) {
        evaluated = true;
        below.clear();
        boolean ours = false;
        boolean ghostsHere = !driver.ghosts.isEmpty();
        int lockNodes = 0;
        for (String c : children) {
            long seq = ZkLockNames.sequenceOf(c);
            if (seq < 0) {
                continue;
            }
            lockNodes++;
            if (c.equals(node.name)) {
                ours = true;
                continue;
            }
            if (ghostsHere) {
                driver.checkGhost(parent, c);
            }
            if (seq < node.seq) {
                ZkNode local = driver.nodes.get(parent + "/" + c);
                if (local == null || !local.deleted) {
                    below.put(seq, new Below(c, local));
                }
            }
        }
        if (!ours) {
            nodeVanished();
            return;
        }
        // Our own nodes below ours that the listing no longer shows are gone: say so, for the
        // other waiters of this client whose lists still have them.
        for (ZkNode local : driver.nodes.below(parent, node.seq).values()) {
            if (!local.deleted && !below.containsKey(local.seq)) {
                local.markDeleted();
            }
        }
        if (below.isEmpty() && lockNodes == 1) {
            node.aloneAtGrant = true;
        }
        proceed();
    }

    private void proceed() {
        below.values().removeIf(b -> b.local != null && b.local.deleted);
        if (below.isEmpty()) {
            grant();
            return;
        }
        if (request.waitNanos() == 0 || deadlinePassed) {
            abandon();
            return;
        }
        watch(below.lastEntry().getValue());
    }

    private void watch(Below pred) {
        if (pred.local != null) {
            // Our own client's node: its deletion is known here first (our delete's reply, or a
            // watch or listing of another waiter), so no ZooKeeper watch is needed. The
            // releasing thread hands the lock over directly.
            state = State.WATCHING;
            watchedPath = pred.local.path;
            int s = ++step;
            Runnable listener = () -> localPredecessorGone(s);
            watchedLocal = pred.local;
            localListener = listener;
            pred.local.onDeleted(listener);
            return;
        }
        ZooKeeper zk = handleOrWait();
        if (zk == null) {
            return;
        }
        state = State.WATCHING;
        watchedPath = parent + "/" + pred.name;
        Integer s = ++step;
        driver.stats.dataRead();
        driver.stats.roundTrip();
        zk.getData(watchedPath, this, this::onPredecessorData, s);
    }

    private synchronized void localPredecessorGone(int s) {
        if (s != step || state != State.WATCHING) {
            return;
        }
        ZkNode pred = watchedLocal;
        watchedLocal = null;
        localListener = null;
        if (pred != null && pred.releasedHeld) {
            predecessorReleased();
        } else {
            predecessorGone(watchedPath);
        }
    }

    /** Stops listening to a local predecessor (no-op if none). */
    private void clearLocalWatch() {
        ZkNode w = watchedLocal;
        if (w != null) {
            w.removeListener(localListener);
            watchedLocal = null;
            localListener = null;
        }
    }

    private synchronized void onPredecessorData(int rc, String path, Object ctx, byte[] d, Stat stat) {
        if ((Integer) ctx != step || state != State.WATCHING) {
            return;
        }
        switch (Code.get(rc)) {
            case OK -> {
                if (java.util.Arrays.equals(d, ZkLockDriver.RELEASED)) {
                    // read between the two halves of a marked release (the delete follows)
                    predecessorReleased();
                }
                // else the watch is armed; wait for the event
            }
            case NONODE -> predecessorGone(path);
            case CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONEXPIRED, SESSIONMOVED -> waitForConnection();
            default -> fail(failure("watch " + path, Code.get(rc)));
        }
    }

    @Override
    public synchronized void process(WatchedEvent event) {
        if (state != State.WATCHING || event.getPath() == null || !event.getPath().equals(watchedPath)) {
            return;
        }
        switch (event.getType()) {
            case NodeDeleted -> predecessorGone(watchedPath);
            // Only a marked release changes a lock node's data (see ZkLockDriver.marksRelease).
            case NodeDataChanged -> predecessorReleased();
            case NodeCreated -> {
                // not part of the recipe, but the watch is spent: place it again
                Map.Entry<Long, Below> last = below.lastEntry();
                if (last != null) {
                    watch(last.getValue());
                }
            }
            default -> {
            }
        }
    }

    /**
     * The immediate predecessor was deleted by its holder after a grant. It was the lowest node
     * then, so every node below it was gone; no node can appear between it and ours (sequence
     * numbers only grow, and our listing was taken after our create): ours is now the lowest.
     */
    private void predecessorReleased() {
        below.clear();
        grant();
    }

    private void predecessorGone(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        Below gone = below.remove(ZkLockNames.sequenceOf(name));
        if (gone != null && gone.local != null) {
            // The server says so: tell every waiter of this client (a synchronous release
            // sets the flag only when its thread runs again).
            gone.local.markDeleted();
        }
        below.values().removeIf(b -> b.local != null && b.local.deleted);
        if (below.isEmpty()) {
            grant();
        } else {
            log.debug("{}: predecessor gone, {} other nodes may remain below; listing", this, below.size());
            relist();
        }
    }

    private void relist() {
        clearLocalWatch();
        ZooKeeper zk = handleOrWait();
        if (zk == null) {
            return;
        }
        state = State.LISTING;
        watchedPath = null;
        Integer s = ++step;
        driver.stats.childRead();
        driver.stats.roundTrip();
        zk.getChildren(parent, false, this::onListed, s);
    }

    /** Our node is not in a listing taken after it was created: deleted behind our back or gone with the session. */
    private void nodeVanished() {
        if (node != null) {
            driver.nodes.remove(node);
            node.markDeleted();
            node = null;
        }
        if (deadlinePassed || request.waitNanos() == 0) {
            finish(null);
        } else {
            send();
        }
    }

    private void grant() {
        if (!driver.mayGrant(node, nodeOwner)) {
            // The node belongs to a session that is gone or going: never report it held
            // (CURATOR-206/604). Start over in the current session; a node that may still be
            // alive in it is deleted first, so that it cannot block the queue.
            ZkNode n = node;
            node = null;
            if (!n.deleted && n.sessionId == driver.currentSessionId()) {
                n.releasing = true;
                driver.deleteNode(n, ok -> {
                }, true);
            } else {
                n.lost = true;
                driver.nodes.remove(n);
            }
            waitForConnection();
            return;
        }
        clearLocalWatch();
        state = State.DONE;
        cancelDeadline();
        driver.acquisitions.remove(this);
        node.held = true;
        Grant grant = new Grant(node.czxid, driver.clock.nanoTime(), node);
        if (!future.complete(grant)) {
            node.releasing = true;
            driver.deleteNode(node, ok -> {
            }, true);
        }
    }

    // ------------------------------------------------------------------ connection trouble

    /** Returns the current handle, or null after arranging to resume once connected. */
    private ZooKeeper handleOrWait() {
        if (driver.isClosed()) {
            fail(new IllegalStateException("ZooKeeper lock client is closed"));
            return null;
        }
        try {
            return driver.zk();
        } catch (RuntimeException e) {
            waitForConnection();
            return null;
        }
    }

    private void waitForConnection() {
        if (state == State.DONE || state == State.ABANDONING) {
            return;
        }
        clearLocalWatch();
        state = State.DISCONNECTED;
        int s = ++step;
        driver.whenConnected(() -> resume(s));
    }

    synchronized void onReconnected() {
        if (state == State.DISCONNECTED) {
            resume(step);
        }
    }

    /** The session {@code old} ended: a node made in it is gone. */
    synchronized void onSessionEnded(long old) {
        if (state == State.DONE) {
            return;
        }
        if (node != null && node.sessionId == old) {
            node = null;
        }
        if (createSession == old) {
            createInDoubt = false;
        }
        if (state == State.ABANDONING) {
            finish(null);
            return;
        }
        if (state != State.PARENT) {
            waitForConnection();
        }
    }

    private synchronized void resume(int s) {
        if (s != step || state != State.DISCONNECTED) {
            return;
        }
        long session = driver.currentSessionId();
        if (session == 0 || !driver.connectedNow()) {
            waitForConnection();
            return;
        }
        if (node != null) {
            if (node.sessionId == session && !node.deleted) {
                relist();
            } else {
                node = null;
                send();
            }
        } else if (createInDoubt && createSession == session) {
            recover();
        } else {
            send();
        }
    }

    /** After a lost create reply: look for our node by its prefix (sync first, to see a late create). */
    private void recover() {
        ZooKeeper zk = handleOrWait();
        if (zk == null) {
            return;
        }
        state = State.RECOVERING;
        log.debug("{}: the reply to a create was lost; looking for node {}*", this, prefix);
        Integer s = ++step;
        driver.stats.sync();
        driver.stats.childRead();
        driver.stats.roundTrip();
        zk.sync(parent, (rc, path, ctx) -> {
        }, null);
        zk.getChildren(parent, false, this::onRecoveryListed, s);
    }

    private synchronized void onRecoveryListed(int rc, String path, Object ctx, List<String> children) {
        if ((Integer) ctx != step || state != State.RECOVERING) {
            return;
        }
        Code code = Code.get(rc);
        if (code == Code.NONODE) {
            createInDoubt = false;
            send();
            return;
        }
        if (code != Code.OK) {
            waitForConnection();
            return;
        }
        String found = null;
        for (String c : children) {
            if (c.startsWith(prefix) && c.length() == prefix.length() + 10) {
                found = c;
                break;
            }
        }
        if (found == null) {
            // Not applied (or not yet: remember the prefix, so a late create is deleted when seen).
            createInDoubt = false;
            driver.addGhost(parent, prefix);
            send();
            return;
        }
        ZooKeeper zk = handleOrWait();
        if (zk == null) {
            return;
        }
        String foundPath = parent + "/" + found;
        Integer s = ++step;
        driver.stats.dataRead();
        zk.exists(foundPath, false, (rc2, p2, ctx2, stat) -> onRecoveredStat(rc2, p2, (Integer) ctx2, stat, children), s);
    }

    private synchronized void onRecoveredStat(int rc, String path, int s, Stat stat, List<String> children) {
        if (s != step || state != State.RECOVERING) {
            return;
        }
        createInDoubt = false;
        Code code = Code.get(rc);
        if (code == Code.OK && stat.getEphemeralOwner() == createSession) {
            log.debug("{}: found {} again after a lost create reply", this, path);
            node = adopt(path, stat.getCzxid());
            nodeOwner = stat.getEphemeralOwner();
            state = State.LISTING;
            evaluate(children);
        } else if (code == Code.OK || code == Code.NONODE) {
            send();
        } else {
            waitForConnection();
        }
    }

    // ------------------------------------------------------------------ endings

    private synchronized void onDeadline() {
        if (state == State.DONE || state == State.ABANDONING) {
            return;
        }
        deadlinePassed = true;
        if (!evaluated && (state == State.NEW || state == State.SINGLE_CREATE || state == State.CREATING
                || state == State.LISTING)) {
            return; // the first attempt is under way; its outcome decides (try-once)
        }
        abandon();
    }

    private synchronized void onCancelled() {
        abandon();
    }

    /** Gives up: deletes our node (once its create is answered), then completes with null. */
    private void abandon() {
        if (state == State.DONE || state == State.ABANDONING) {
            return;
        }
        State was = state;
        state = State.ABANDONING;
        cancelDeadline();
        clearLocalWatch();
        if (was == State.CREATING) {
            // The create's reply will come (same step): onCreated deletes the node.
            return;
        }
        ++step;
        if (node != null) {
            deleteAndFinish();
        } else if (createInDoubt) {
            giveUpInDoubt();
        } else {
            finish(null);
        }
    }

    private void giveUpInDoubt() {
        driver.addGhost(parent, prefix);
        finish(null);
        driver.whenConnected(() -> {
            // sweep now rather than at the next listing of this parent
            ZooKeeper zk;
            try {
                zk = driver.zk();
            } catch (RuntimeException e) {
                return;
            }
            driver.stats.childRead();
            zk.getChildren(parent, false, (rc, p, ctx, children) -> {
                if (rc == Code.OK.intValue()) {
                    for (String c : children) {
                        driver.checkGhost(parent, c);
                    }
                }
            }, null);
        });
    }

    private void deleteAndFinish() {
        ZkNode n = node;
        n.releasing = true;
        // Answer once the delete is applied (so nothing is left when the caller hears "no"),
        // or at once if the connection is down (the delete is retried on reconnect).
        driver.deleteNode(n, ok -> finishAsync(), true);
    }

    private synchronized void finishAsync() {
        finish(null);
    }

    private void finish(Grant grant) {
        clearLocalWatch();
        state = State.DONE;
        cancelDeadline();
        driver.acquisitions.remove(this);
        future.complete(grant);
    }

    synchronized void fail(Throwable error) {
        if (state == State.DONE) {
            return;
        }
        ZkNode n = node;
        boolean creating = state == State.CREATING;
        clearLocalWatch();
        state = State.DONE;
        cancelDeadline();
        driver.acquisitions.remove(this);
        if (n != null && !n.deleted) {
            n.releasing = true;
            driver.deleteNode(n, ok -> {
            }, true);
        } else if (creating) {
            ++step; // a create still under way is deleted when its reply comes (stale step)
        }
        future.completeExceptionally(error);
    }

    private void cancelDeadline() {
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
            deadline = null;
        }
    }

    private static Throwable failure(String what, Code code) {
        return new BackendUnavailableException("ZooKeeper failed to " + what + ": " + code,
                KeeperException.create(code));
    }

    @Override
    public String toString() {
        return "ZkAcquisition[" + request.name() + ", " + state + ", node " + node + ", below " + below.keySet() + "]";
    }
}

package dev.distlock.redis.internal;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClock;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.redis.ReplicaAckException;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.DriverContext;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis lock driver: the remote half of a lock on one Redis server, a Sentinel-managed
 * master, or a Redis Cluster, over one multiplexed Lettuce connection.
 *
 * <h2>Design note</h2>
 *
 * <p><b>What it stores.</b> Per lock name {@code N}, with the key prefix {@code P} (see
 * {@link RedisKeyLayout}):
 * <ul>
 * <li>{@code P{N}} — the lock: a string {@code <owner id>#<fencing token>} with a TTL of the
 *     lease. The owner id is the client id plus the thread ({@link AcquireRequest#ownerId()});
 *     with the token appended, a late release or renewal of an earlier hold of the same thread
 *     can never touch a later one.</li>
 * <li>{@code P{N}:fence} — the last fencing token of {@code N}, kept for the fence retention
 *     (default one day, or forever) after the last acquisition.</li>
 * <li>{@code P{N}:queue} — the clients waiting for {@code N}: a sorted set of client ids scored
 *     by when each entry expires (server ms, {@value #QUEUE_ENTRY_MILLIS} ms after the client's
 *     last failed attempt).</li>
 * <li>channel {@code P{N}:wake:<client id>} — a client's own wake-up channel: a release publishes
 *     the releasing client's id on it when that client heads the queue.</li>
 * </ul>
 * The braces are a hash tag: all keys live in one Cluster slot, so each script touches one
 * node. Names are escaped inside the tag, so any name is safe.
 *
 * <p><b>Scripts</b> ({@link LockScripts}), each one round trip, sent with {@code EVALSHA}
 * and re-sent with {@code EVAL} on {@code NOSCRIPT} (restart, failover, {@code SCRIPT FLUSH}):
 * <ul>
 * <li>acquire — computes {@code token = max(last + 1, TIME in microseconds)}, then
 *     {@code SET P{N} owner#token NX PX lease}; on success stores the token in
 *     {@code P{N}:fence} and returns it (a waiter's attempt also takes its client out of the
 *     queue), otherwise puts the client at the back of the queue (unless it only tries once) and
 *     returns the lock's remaining TTL;</li>
 * <li>handoff (the release) — compare-and-delete of {@code owner#token}, then a wake-up for the
 *     head of the queue only; a head that nobody listens for (PUBLISH's receiver count, exact
 *     outside a Cluster) is dropped and the next tried; on a Cluster expired entries are dropped
 *     instead. Nothing is published when nobody waits;</li>
 * <li>dequeue — a client's last waiter gave up, or a wake-up found no waiter: the client leaves
 *     the queue and, if the lock is free, the next client is woken instead;</li>
 * <li>renew — compare-and-{@code PEXPIRE} for any number of keys of one slot, so the
 *     watchdog's batch ({@link #renewAll}) is one command per slot (one in total outside a
 *     cluster);</li>
 * <li>abandon — after an acquire whose reply was lost: delete the lock if it carries this
 *     owner's id, so a lost reply does not block the name for a whole lease.</li>
 * </ul>
 *
 * <p><b>Replica acknowledgements</b> (optional, {@code minReplicaAcks}; see {@link ReplicaAcks}):
 * a granted attempt is followed by {@code WAIT n timeout} on the same connection; with fewer than
 * {@code n} acknowledgements the lock is released and the acquire fails with
 * {@link ReplicaAckException}.
 *
 * <p><b>Waiting.</b> The first attempt needs no subscription. A waiter whose attempt failed
 * joins its lock's room in {@link WaitRooms}: the client's single pub/sub connection (opened on
 * first need) subscribes to the lock's channel once per name, the waiter tries again as soon as
 * the subscription is live (closing the window in which a release could be missed; a waiter
 * whose attempt was sent after the subscription was already live skips this retry), and then
 * parks until a release message or the TTL its attempt saw, whichever comes first (capped at
 * {@value #MAX_PARK_MILLIS} ms in case a message is lost). A release wakes one parked waiter of
 * the first client in the lock's queue, so a handoff costs the same with 1 or 100 waiting
 * clients; a release by this client wakes a local waiter directly (even one whose room is not
 * subscribed yet) and is never published to itself. A woken waiter that loses the race goes
 * back in the queue (at the back) and parks again; clients are served roughly in the order of
 * their last failed attempt, with no fairness promised. The last waiter to leave unsubscribes:
 * at once, or half a second later if it left with the lock (its next wait then finds the
 * subscription live). A cancelled acquire (interrupt, overrun)
 * leaves its room at once; if its attempt was in flight and won, the lock is released.
 *
 * <p><b>What each failure does.</b>
 * <ul>
 * <li>Command timeout or dropped connection during acquire: an abandon script is sent so that
 *     a lock taken by the lost attempt does not stay until its lease ends (Lettuce reconnects
 *     by itself). A first attempt then fails with {@link BackendUnavailableException} at once;
 *     a waiter keeps waiting with a back-off (50 ms doubling to 1 s) while the failures last
 *     less than a connect plus a command timeout and its wait is not over, then fails.</li>
 * <li>During renewal: the watchdog retries until the lease it knows of ends, then reports
 *     {@code RENEWAL_FAILED}. A renewal that finds the key gone or someone else's reports
 *     {@code RENEWAL_REJECTED} (a server restart without persistence, a failover to a replica
 *     that missed the lock, an operator's {@code DEL}, a pause longer than the lease).</li>
 * <li>During release: the caller gets {@link BackendUnavailableException}; the lease runs out
 *     on the server.</li>
 * <li>Pub/sub connection lost: Lettuce re-subscribes on reconnect and every parked waiter tries
 *     once more (messages may have been missed); until then waiters wake at their TTL timers.</li>
 * <li>Server restart or failover: scripts are reloaded on {@code NOSCRIPT}. Held locks may be
 *     gone (see above: reported at the next renewal), and a second owner can get the lock
 *     meanwhile: that is what the fencing token is for.</li>
 * </ul>
 *
 * <p><b>Fencing-token monotonicity.</b> Tokens of a name only grow while its counter key
 * survives (INCR semantics: last + 1). When the counter is lost — restart without persistence,
 * failover to a replica that missed the last writes, an expired retention, {@code FLUSHALL} —
 * the floor {@code TIME × 10^6 + µs} of the server that runs the script takes over; since every
 * earlier token was at most that floor at its own time plus the number of acquisitions within
 * the same microsecond, tokens stay monotonic as long as the server clock that issues a token is
 * not behind the clock that issued the previous one. So monotonicity <em>holds</em> across
 * restarts with data loss, script flushes, counter expiry and failovers between servers with
 * synchronised clocks, and for any clock step back while the counter survives. It <em>breaks</em>
 * only when the counter is lost <em>and</em> the clock of the server issuing the next token is
 * behind the one that issued the last (a clock stepped back on a restarted server, a promoted
 * replica whose clock lags by more than the failover took), or when a split brain lets two
 * masters issue tokens at once. Tokens are about 1.7 × 10^15 today and exact in Lua's doubles
 * until the year 2255.
 *
 * <p>Thread-safe.
 */
public final class RedisLockDriver implements LockDriver {
    private static final Logger log = LoggerFactory.getLogger(RedisLockDriver.class);
    /**
     * Suffix of a lock's channels after its lock key; a client's own channel for the lock adds
     * {@code :<client id>} (fixed by the scripts).
     */
    static final String CHANNEL_SUFFIX = ":wake";
    /** Suffix of a lock's queue of waiting clients after its lock key. */
    static final String QUEUE_SUFFIX = ":queue";
    /** Suffix of a lock's fencing counter after its lock key. */
    static final String FENCE_SUFFIX = ":fence";
    /** A parked waiter looks again at least this often, in case a wake-up was lost. */
    static final long MAX_PARK_MILLIS = 30_000;
    /**
     * How long a client's queue entry lives after its last failed attempt: longer than any park,
     * so a live waiter always refreshes it first; a crashed client's entry is dropped after it
     * (on a Cluster; elsewhere the first release that finds nobody listening drops it).
     */
    static final long QUEUE_ENTRY_MILLIS = MAX_PARK_MILLIS + 5_000;
    private static final String QUEUE_ENTRY = Long.toString(QUEUE_ENTRY_MILLIS);
    /** A lock without a TTL (set by hand) is looked at again this often. */
    static final long NO_TTL_RECHECK_MILLIS = 1_000;
    /** Largest number of keys renewed by one script call. */
    static final int MAX_RENEW_BATCH = 256;
    /** Back-off of a waiter whose retry failed: from 50 ms, doubling, up to 1 s. */
    static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RedisStore store;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final RedisKeyLayout layout;
    private final String fenceRetentionMillis;
    /** "1" if PUBLISH's receiver count is exact (not a Cluster, where it counts one node's subscribers). */
    private final String trustReceivers;
    private final String describe;
    private final ScheduledThreadPoolExecutor scheduler;
    /** The wait for replica acknowledgements after a grant, or null if not asked for. */
    private final ReplicaAcks replicaAcks;
    private final Set<Acquisition> waiting = ConcurrentHashMap.newKeySet();
    private volatile LockClock clock = LockClock.system();
    private volatile String clientId = "unstarted";
    private volatile WaitRooms rooms;
    private volatile long errorToleranceNanos = TimeUnit.SECONDS.toNanos(15);
    private volatile boolean closed;

    /**
     * Makes a driver over a connected store; the client calls {@link #start} before use.
     *
     * @param store the connections; closed by {@link #close()}
     */
    public RedisLockDriver(RedisStore store) {
        this.store = store;
        this.commands = store.commands();
        this.layout = store.endpoint().options().keyLayout();
        this.fenceRetentionMillis = Long.toString(store.endpoint().options().fenceRetention().toMillis());
        this.trustReceivers = store.cluster() ? "0" : "1";
        this.describe = store.endpoint().describe();
        this.replicaAcks = ReplicaAcks.of(store);
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "distlock-redis-" + clientId);
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void start(DriverContext context) {
        this.clock = context.config().clock();
        this.clientId = context.clientId();
        this.errorToleranceNanos = context.config().connectTimeout().plus(context.config().commandTimeout()).toNanos();
        this.rooms = new WaitRooms(store, context.clientId(), scheduler, this::attempt, this::onTimer, this::dequeue);
    }

    // ------------------------------------------------------------------ acquire

    @Override
    public CompletableFuture<Grant> acquire(AcquireRequest request) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("lock client (" + describe + ") is closed"));
        }
        String lockKey = layout.lockKey(request.name());
        Acquisition a = new Acquisition(request, lockKey, lockKey + FENCE_SUFFIX, lockKey + QUEUE_SUFFIX,
                channel(lockKey));
        attempt(a);
        return a.future;
    }

    /** Sends one acquire script for {@code a}. */
    private void attempt(Acquisition a) {
        if (a.future.isDone()) {
            rooms.leave(a);
            return;
        }
        long sentAt = clock.nanoTime();
        a.sentNanos = System.nanoTime();
        a.connectionDrops = store.commandConnectionDrops();
        CompletableFuture<Long> reply;
        try {
            // Queue mode: a waiter keeps its client queued (and leaves the queue with the lock); a
            // first attempt that will wait joins the queue if it fails; a single try never does.
            String queueMode = a.joined ? "2" : a.request.remainingNanos() > 0 ? "1" : "0";
            reply = LockScripts.ACQUIRE.run(commands, a.keys, a.request.ownerId(), a.leaseMillis, fenceRetentionMillis,
                    clientId, queueMode, QUEUE_ENTRY);
        } catch (RuntimeException e) {
            onAttempt(a, sentAt, null, e);
            return;
        }
        reply.whenComplete((r, err) -> onAttempt(a, sentAt, r, err));
    }

    private void onAttempt(Acquisition a, long sentAt, Long reply, Throwable err) {
        if (err != null) {
            boolean unknown = outcomeUnknown(err);
            if (unknown) {
                abandon(a);
            }
            if (unknown && a.joined && keepWaitingThrough(a)) {
                return;
            }
            rooms.leave(a);
            a.future.completeExceptionally(unavailable("acquire lock '" + a.request.name() + "'", err));
            return;
        }
        a.failingSinceNanos = 0;
        a.failures = 0;
        long r = reply;
        if (r > 0) {
            if (replicaAcks != null) {
                replicaAcks.confirm(a.request.name(), a.connectionDrops).thenAccept(refusal -> {
                    if (refusal == null) {
                        deliver(a, sentAt, r);
                    } else {
                        refuse(a, r, refusal);
                    }
                });
                return;
            }
            deliver(a, sentAt, r);
            return;
        }
        if (a.future.isDone()) {
            rooms.leave(a);
            return;
        }
        long remaining = a.request.remainingNanos();
        if (remaining == 0) {
            finishEmpty(a);
            return;
        }
        long ttlMillis = r == 0 ? -1 : -1 - r;
        long park = ttlMillis < 0 ? NO_TTL_RECHECK_MILLIS : Math.min(ttlMillis + 1, MAX_PARK_MILLIS);
        long parkNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(park), remaining);
        if (!a.joined) {
            a.joined = true;
            watchCancel(a);
            if (!rooms.join(a, parkNanos)) {
                a.future.completeExceptionally(new IllegalStateException("lock client (" + describe + ") is closed"));
            }
            return;
        }
        rooms.park(a, parkNanos, false);
    }

    /** Hands a granted lock to the caller, or gives it back if the acquire was cancelled meanwhile. */
    private void deliver(Acquisition a, long sentAt, long token) {
        String value = a.request.ownerId() + '#' + token;
        Grant grant = new Grant(token, sentAt, new RedisHold(a.lockKey(), value));
        boolean delivered = a.future.complete(grant);
        if (a.joined) {
            rooms.leave(a, delivered);
        }
        if (!delivered) {
            // Cancelled while the attempt was in flight: give the lock back at once.
            releaseQuietly(a.request.name(), a.lockKey(), value);
        }
    }

    /** Too few replicas acknowledged a granted lock: give it back, then fail the acquire. */
    private void refuse(Acquisition a, long token, ReplicaAckException refusal) {
        if (a.joined) {
            rooms.leave(a);
        }
        release(a.request.name(), a.lockKey(), a.request.ownerId() + '#' + token).whenComplete((ok, err) -> {
            if (err != null) {
                log.warn("could not give back lock '{}' after too few replica acknowledgements; its lease will run out",
                        a.request.name(), err);
            }
            a.future.completeExceptionally(refusal);
        });
    }

    /**
     * A waiter's retry failed in a way that may pass (timeout, connection lost): it keeps waiting
     * with a growing back-off, unless the failures have lasted longer than a connect plus a
     * command timeout (the server is down, not blinking) or its wait is over.
     *
     * @return whether the waiter goes on waiting
     */
    private boolean keepWaitingThrough(Acquisition a) {
        if (a.future.isDone()) {
            return false;
        }
        long now = System.nanoTime();
        if (a.failingSinceNanos == 0) {
            a.failingSinceNanos = now;
        } else if (now - a.failingSinceNanos > errorToleranceNanos) {
            return false;
        }
        long remaining = a.request.remainingNanos();
        if (remaining == 0) {
            finishEmpty(a);
            return true;
        }
        long backoff = Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(a.failures++, 5));
        rooms.park(a, Math.min(backoff, remaining), true);
        return true;
    }

    /** On cancel (interrupt, overrun) leave the room at once; close() fails what is left. */
    private void watchCancel(Acquisition a) {
        waiting.add(a);
        a.future.whenComplete((g, err) -> {
            waiting.remove(a);
            if (err instanceof CancellationException) {
                rooms.leave(a);
            }
        });
    }

    /** A parked waiter's timer: its deadline or the lock's TTL came. */
    private void onTimer(Acquisition a) {
        if (a.request.remainingNanos() == 0) {
            finishEmpty(a);
        } else {
            attempt(a);
        }
    }

    /** The wait is over without the lock: leave (unsubscribing if last), then answer null. */
    private void finishEmpty(Acquisition a) {
        rooms.leave(a).whenComplete((v, err) -> a.future.complete(null));
    }

    private void abandon(Acquisition a) {
        try {
            // EVAL, not EVALSHA: its reply may well time out too, so a NOSCRIPT could not be retried.
            LockScripts.ABANDON.<Long>eval(commands, new String[] {a.lockKey(), a.queueKey()}, a.request.ownerId() + '#',
                    clientId, trustReceivers)
                    .whenComplete((r, err) -> {
                        if (err == null && r == 1) {
                            log.debug("removed lock '{}' left by an acquire whose reply was lost", a.request.name());
                            rooms.wake(a.channel());
                        }
                    });
        } catch (RuntimeException e) {
            log.debug("could not clean up after a lost acquire of '{}'", a.request.name(), e);
        }
    }

    private static boolean outcomeUnknown(Throwable err) {
        Throwable c = unwrap(err);
        return c instanceof RedisCommandTimeoutException || c instanceof RedisConnectionException
                || (c instanceof RedisException && !(c instanceof io.lettuce.core.RedisCommandExecutionException));
    }

    // ------------------------------------------------------------------ renew

    @Override
    public CompletableFuture<Boolean> renew(HeldLock lock) {
        return renewAll(List.of(lock)).get(0);
    }

    /**
     * Renews in one script call per hash slot (per {@value #MAX_RENEW_BATCH} keys); outside a
     * cluster that is one command for the whole batch.
     */
    @Override
    public List<CompletableFuture<Boolean>> renewAll(List<? extends HeldLock> locks) {
        int n = locks.size();
        List<CompletableFuture<Boolean>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new CompletableFuture<>());
        }
        if (n == 0) {
            return out;
        }
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        boolean cluster = store.cluster();
        for (int i = 0; i < n; i++) {
            int slot = cluster ? SlotHash.getSlot(hold(locks.get(i)).lockKey()) : 0;
            groups.computeIfAbsent(slot, s -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : groups.values()) {
            for (int from = 0; from < group.size(); from += MAX_RENEW_BATCH) {
                renewBatch(locks, group.subList(from, Math.min(group.size(), from + MAX_RENEW_BATCH)), out);
            }
        }
        return out;
    }

    private void renewBatch(List<? extends HeldLock> locks, List<Integer> idx, List<CompletableFuture<Boolean>> out) {
        int k = idx.size();
        String[] keys = new String[k];
        String[] args = new String[2 * k];
        for (int j = 0; j < k; j++) {
            HeldLock lock = locks.get(idx.get(j));
            RedisHold h = hold(lock);
            keys[j] = h.lockKey();
            args[j] = h.value();
            args[k + j] = Long.toString(lock.leaseMillis());
        }
        CompletableFuture<List<Object>> reply;
        try {
            reply = LockScripts.RENEW.run(commands, keys, args);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((r, err) -> {
            for (int j = 0; j < k; j++) {
                CompletableFuture<Boolean> f = out.get(idx.get(j));
                if (err != null) {
                    f.completeExceptionally(unavailable("renew lock '" + locks.get(idx.get(j)).name() + "'", err));
                } else {
                    Object v = r.get(j);
                    f.complete(v instanceof Number num && num.longValue() == 1);
                }
            }
        });
    }

    // ------------------------------------------------------------------ release

    @Override
    public CompletableFuture<Boolean> release(HeldLock lock) {
        RedisHold h = hold(lock);
        return release(lock.name(), h.lockKey(), h.value());
    }

    private CompletableFuture<Boolean> release(String name, String lockKey, String value) {
        CompletableFuture<Long> reply;
        try {
            reply = LockScripts.HANDOFF.run(commands, new String[] {lockKey, lockKey + QUEUE_SUFFIX}, value, clientId,
                    trustReceivers);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("release lock '" + name + "'", e));
        }
        return reply.handle((r, err) -> {
            if (err != null) {
                throw unavailable("release lock '" + name + "'", err);
            }
            if (r == 1) {
                rooms.released(channel(lockKey));
                return true;
            }
            return false;
        });
    }

    /** This client's wake-up channel for the lock with key {@code lockKey}. */
    private String channel(String lockKey) {
        return lockKey + CHANNEL_SUFFIX + ':' + clientId;
    }

    /**
     * Takes this client out of the queue of the lock whose channel (of this client) is
     * {@code channel}, waking the next client if the lock is free: its last waiter left without
     * the lock, or a wake-up came that none of its waiters can use.
     *
     * @return completes when the server answered (errors are logged, not passed on: a stale
     *         entry is dropped by the next release that finds nobody listening, or expires)
     */
    private CompletableFuture<Void> dequeue(String channel) {
        String lockKey = channel.substring(0, channel.length() - CHANNEL_SUFFIX.length() - 1 - clientId.length());
        CompletableFuture<Long> reply;
        try {
            reply = LockScripts.DEQUEUE.run(commands, new String[] {lockKey, lockKey + QUEUE_SUFFIX}, clientId,
                    trustReceivers);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((r, err) -> {
            if (err != null) {
                log.debug("could not leave the queue of {}", lockKey, err);
            }
            return null;
        });
    }

    private void releaseQuietly(String name, String lockKey, String value) {
        release(name, lockKey, value).whenComplete((ok, err) -> {
            if (err != null) {
                log.warn("could not give back lock '{}' after its acquire was cancelled; its lease will run out", name,
                        err);
            }
        });
    }

    // ------------------------------------------------------------------ queries

    @Override
    public CompletableFuture<Boolean> isLocked(String name) {
        try {
            return commands.exists(layout.lockKey(name)).toCompletableFuture().handle((n, err) -> {
                if (err != null) {
                    throw unavailable("query lock '" + name + "'", err);
                }
                return n != null && n > 0;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("query lock '" + name + "'", e));
        }
    }

    /**
     * Allows 1% of the lease plus 1 ms (at most half the lease) for the server's clock running
     * faster than the client's: Redis expires keys by its own clock.
     */
    @Override
    public long driftNanos(long leaseNanos) {
        return Math.min(leaseNanos / 2, leaseNanos / 100 + 1_000_000L);
    }

    /**
     * Returns the number of locks this client waits for (subscribed channels); for tests.
     *
     * @return the number of wait rooms
     */
    public int waitRooms() {
        WaitRooms r = rooms;
        return r == null ? 0 : r.size();
    }

    /**
     * Returns the key layout in use.
     *
     * @return the layout
     */
    public RedisKeyLayout layout() {
        return layout;
    }

    private RedisHold hold(HeldLock lock) {
        Object handle = lock.grant().handle();
        if (handle instanceof RedisHold h) {
            return h;
        }
        String key = layout.lockKey(lock.name());
        return new RedisHold(key, lock.ownerId() + '#' + lock.grant().fencingToken());
    }

    private BackendUnavailableException unavailable(String what, Throwable err) {
        Throwable c = unwrap(err);
        if (c instanceof BackendUnavailableException b) {
            return b;
        }
        return new BackendUnavailableException(describe + " failed to " + what + ": "
                + store.endpoint().scrub(String.valueOf(c.getMessage())), c);
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        WaitRooms r = rooms;
        if (r != null) {
            r.close();
        }
        IllegalStateException ex = new IllegalStateException("lock client (" + describe + ") was closed while waiting");
        for (Acquisition a : Arrays.asList(waiting.toArray(new Acquisition[0]))) {
            a.future.completeExceptionally(ex);
        }
        scheduler.shutdownNow();
        store.close();
    }

    @Override
    public String toString() {
        return "RedisLockDriver[" + describe + ", " + layout + "]";
    }
}

package dev.distlock.redlock.internal;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClock;
import dev.distlock.LockConfig;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.redis.internal.LockScripts;
import dev.distlock.redis.internal.RedisScript;
import dev.distlock.redlock.RedlockOptions;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.DriverContext;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.ElectionDriver;
import dev.distlock.spi.LockDriver;
import dev.distlock.spi.LockUri;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redlock driver: a lock held on a majority of N independent Redis nodes (N ≥ 3), one
 * Lettuce connection per node, every operation sent to all nodes in parallel.
 *
 * <h2>Design note</h2>
 *
 * <p><b>What it stores</b> on every node, in redis-lock's key layout ({@link RedisKeyLayout}):
 * {@code P{N}} = the owner value {@code <client id>:<thread>#<attempt>} with a TTL of the lease,
 * the same value on every node; {@code P{N}:fence} = that node's fencing counter;
 * {@code P{N}:queue} = that node's queue of waiting clients (client ids scored by when their
 * wait began, in the client's wall-clock µs, the same score on every node); channel {@code P{N}:wake:<client id>} = a client's own wake-up
 * channel. redis-lock's {@code HANDOFF} (compare-and-delete + a wake-up for the queue's head
 * only), {@code DEQUEUE} and {@code RENEW} (batched compare-and-PEXPIRE) scripts are reused;
 * Redlock adds {@link RedlockScripts#ACQUIRE} ({@code SET NX PX} + counter bump + the client's
 * place in the queue, in one round trip),
 * {@link RedlockScripts#RAISE_FENCE} and {@link RedlockScripts#UNDO}. The term of a leader
 * election is such a hold under {@code P{group}:election} (counter {@code :election:fence},
 * queue {@code :election:queue}, channels {@code :election:wake:<client id>}): after the hash
 * tag, where no lock name reaches.
 *
 * <p><b>Acquire</b> (the Redlock algorithm). Read the injected clock ({@code t0}), send the
 * acquire script to every node at once. An attempt ends as soon as a majority
 * ({@code quorum = N/2 + 1} of the <em>configured</em> nodes) granted, or a majority can no
 * longer be reached, or the attempt timeout {@code min(nodeTimeout, lease/10)} passed (the
 * node timeout is 5% of the lease by default, from 50 ms to 1 s) — so a dead
 * or paused node costs at most that, never the lease. It succeeds iff a quorum granted and the
 * validity {@code lease − (now − t0) − drift} is still positive, where
 * {@code drift = lease × driftFactor + driftMin} (default 1% + 2 ms; at most half the lease)
 * covers the nodes' clocks running faster than ours. A lease that leaves less than 2 ms of
 * validity after the drift (with the defaults, one under 4 ms) is refused with an
 * {@link IllegalArgumentException} before anything is sent: no attempt could fit in it, and a
 * long wait would retry in vain. {@link Grant#leaseStartNanos()} is
 * {@code t0} and {@link #driftNanos} returns the same drift, so the front's
 * {@code isHeldByCurrentThread()}, {@code Lease.remaining()} and loss reporting use exactly the
 * Redlock validity. A failed attempt is undone on <em>every</em> node (including those that timed
 * out or failed: their {@code SET} may have happened), with a compare-and-delete that publishes
 * nothing, then retried.
 *
 * <p><b>End of a wait.</b> A wait whose last attempt failed ends "not acquired" unless a majority
 * of the nodes is unreachable; only then it fails with a {@link BackendUnavailableException}. A
 * node is reachable if it answered any attempt of the acquire without an error (also "taken", or
 * after the attempt's deadline) within the last {@code max(nodeTimeout, 1 s)} (at most the command
 * timeout); a zero or short wait first gives silent nodes until that long after the acquire began
 * to answer late. Slow nodes thus make {@code tryLock()} say no instead of throwing.
 *
 * <p><b>Waiting.</b> An acquire that may wait puts its client at the back of each node's queue
 * when its attempt fails there (in the same script), and takes it out of the queue of each node
 * that granted. After a failed first attempt the waiter subscribes to
 * {@code P{N}:wake:<client id>} on every node (one pub/sub connection per node, one subscription
 * per name and client), tries again once the subscriptions are answered, and then parks. When the
 * lock is held elsewhere it parks until a release message or the longest TTL its attempt saw (at
 * most 2 s); after a split vote or unreachable nodes it parks for a random delay in
 * {@code [retryMin, retryMax]}, so contenders do not collide again in lock step. A release
 * publishes, on each node, only to the head of that node's queue (a head nobody listens for is
 * dropped and the next tried), with one message id for all nodes; each id wakes at most one
 * parked waiter per client (duplicates from the other nodes are dropped), and this client's own
 * releases wake a local waiter directly. So a handoff costs the same with 1 or 100 waiting
 * clients. The last waiter of a name unsubscribes; if it leaves without the lock (timeout,
 * interrupt) it also takes the client out of every node's queue, waking the next client where
 * the lock is free; a wake-up that finds no waiter of this client does the same on its node.
 *
 * <p><b>Fencing tokens.</b> A node's acquire script bumps its counter ({@code last + 1}, or, if
 * it has none, a floor the client sends: its {@link LockClock#currentTimeMillis()} in µs, the
 * same on every node, so that fresh counters start equal) and returns it. The token is {@code T = max} over the granting
 * quorum; before the grant is reported, a quorum of nodes must hold a counter {@code ≥ T}: the
 * granting nodes whose counter already equals {@code T} count (in the steady state all do, so
 * this costs no extra round trip), and {@code RAISE_FENCE(T)} (set-if-greater) is sent to the
 * others. Why the max alone is not enough: counters on different nodes drift apart (a node
 * that was down or lost a race is not bumped). With counters {@code n1=10, n2=0, n3=0}, A
 * acquires on {n1, n2} and gets {@code max(11, 1) = 11}; B then acquires on {n2, n3} and gets
 * {@code max(2, 1) = 2 < 11}. The write-back makes {@code ≥ T} true on a quorum, and every later
 * quorum intersects it in at least one node, whose bump then yields more than {@code T}. This
 * holds as long as no node of that intersection lost its counter (restart without persistence,
 * counter expiry after {@code fenceRetention} of inactivity); after such a loss the floor keeps
 * tokens growing as long as the acquiring client's clock is not behind the clock of the client
 * that set the last counter by more than the acquisitions since (one per µs at most).
 *
 * <p><b>Release</b>: redis-lock's compare-and-delete on every node; {@code true} iff a quorum
 * deleted our value, {@code false} iff more than {@code N − quorum} no longer had it, otherwise
 * (unreachable nodes) a {@link BackendUnavailableException}. <b>Renewal</b> by the watchdog: a
 * compare-and-PEXPIRE batch per node; a hold is extended iff a quorum confirmed before its
 * current validity ends (the remaining validity bounds the wait); more than {@code N − quorum}
 * rejections mean the hold is lost ({@code false}); otherwise the renewal fails and the
 * watchdog retries until the validity ends.
 *
 * <p><b>What each failure does.</b>
 * <ul>
 * <li>A node down, refusing or timing out: it counts as a "no" for that attempt; with a quorum
 *     of the rest the lock still works. Commands to a disconnected node fail at once (Lettuce
 *     rejects them while reconnecting); a node unreachable at start-up is retried every second.</li>
 * <li>No quorum reachable: attempts fail until the wait ends, then the acquire fails with a
 *     {@link BackendUnavailableException} naming every node and what it answered.</li>
 * <li>A node paused past the lease and resumed: its copy expired by its own clock; the holder
 *     still has a quorum elsewhere, or its validity ran out and its next renewal is rejected.
 *     Never two holders while every node honours TTLs and keeps its data.</li>
 * <li><b>Delayed restart</b> (the Redlock requirement): a node that restarts <em>without</em>
 *     its data must stay unavailable for at least one maximum lease (plus drift) before it
 *     rejoins; otherwise a holder on {n1, n2} whose n2 restarts empty loses its quorum
 *     silently and a second client can take {n2, n3} while the first still believes it holds.
 *     Use AOF with {@code appendfsync always} or keep restarted nodes down for a lease.</li>
 * <li>A node's clock jumping forward expires its copy early; like a node loss, it is harmless
 *     while the other nodes hold a quorum. The drift allowance covers only slow drift, not
 *     jumps; run nodes with slewed (not stepped) clocks.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class RedlockDriver implements LockDriver, ElectionDriver {
    private static final Logger log = LoggerFactory.getLogger(RedlockDriver.class);
    private static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * The least validity a lease must leave after the drift allowance: a majority's round trip
     * has to fit in it, or every attempt runs out of validity and is undone, and a long wait
     * retries in vain until it ends (with the defaults, a 1 ms lease leaves 0.5 ms).
     */
    static final long MIN_VALIDITY_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long RECONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_RENEW_BATCH = 256;
    private static final int SEEN_IDS = 32;
    /**
     * How long a node's queue key outlives the last failed attempt that touched it (PEXPIRE), so
     * that queues of crashed clients vanish. Entries are scored by when their client's wait began
     * (not by expiry): Redlock nodes are standalone, so a release drops a head only when nobody
     * listens for it. Longer than any park.
     */
    static final long QUEUE_ENTRY_MILLIS = TimeUnit.NANOSECONDS.toMillis(MAX_PARK_NANOS) + 5_000;
    private static final String QUEUE_ENTRY = Long.toString(QUEUE_ENTRY_MILLIS);
    /** PUBLISH's receiver count is exact on a standalone node: a head nobody listens for is skipped. */
    private static final String TRUST_RECEIVERS = "1";

    private final List<RedlockNode> nodes;
    private final int quorum;
    private final RedlockOptions options;
    /** How long a node may stay silent before a failed acquire counts it unreachable. */
    private final long unreachableNanos;
    private final RedisKeyLayout layout;
    private final String retention;
    private final RedisClient client;
    private final ClientResources resources;
    private final ScheduledThreadPoolExecutor scheduler;
    private final AtomicLong sequence = new AtomicLong();
    private final String describe;
    /** Wait rooms by channel; guarded by itself. */
    private final Map<String, Room> rooms = new HashMap<>();
    private final Set<Acquisition> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicLong attempts = new AtomicLong();
    private volatile LockClock clock = LockClock.system();
    private volatile String clientId = "unstarted";
    private volatile boolean closed;

    private RedlockDriver(List<RedlockNode> nodes, RedlockOptions options, RedisClient client,
            ClientResources resources, String describe, Duration commandTimeout) {
        this.nodes = nodes;
        this.unreachableNanos = Math.min(commandTimeout.toNanos(), options.unreachableAfter().toNanos());
        this.quorum = nodes.size() / 2 + 1;
        this.options = options;
        this.layout = options.layout();
        this.retention = Long.toString(options.fenceRetention().toMillis());
        this.client = client;
        this.resources = resources;
        this.describe = describe;
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "distlock-redlock");
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Connects to every node of a {@code redlock://} URI in parallel and returns once a quorum is
     * connected (nodes still unreachable are retried in the background).
     *
     * @param uri the URI: at least three hosts, optional user and password (for every node),
     *        optional {@code /db}
     * @param config timeouts and client name
     * @param options Redlock settings
     * @return the driver
     * @throws IllegalArgumentException if the URI has fewer than three hosts, repeats a host or
     *         has a malformed database
     * @throws BackendUnavailableException if fewer than a quorum of nodes can be reached within
     *         the connect timeout; the message names each node and what happened
     */
    public static RedlockDriver connect(LockUri uri, LockConfig config, RedlockOptions options) {
        List<LockUri.HostPort> hosts = uri.hosts();
        if (hosts.size() < 3) {
            throw new IllegalArgumentException("redlock URI must name at least 3 nodes (host:port,host:port,host:port), "
                    + "was " + hosts.size() + " in '" + uri + "'");
        }
        int db = 0;
        String path = uri.path();
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                db = -1;
            }
            if (db < 0) {
                throw new IllegalArgumentException("redlock URI database must be a number >= 0, was '" + path + "'");
            }
        }
        // Reconnect fast (at most a second apart): a node back from a restart should count again soon.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(io.lettuce.core.resource.Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1),
                        2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).tcpNoDelay(true)
                        .keepAlive(true).build())
                // Per-node command bound: releases and renewals may wait this long. Acquire attempts
                // have their own, much shorter timer (nodeTimeout), so a slow node never eats a lease.
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).autoReconnect(true)
                .build());
        List<RedlockNode> nodes = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (LockUri.HostPort hp0 : hosts) {
            LockUri.HostPort hp = hp0.withDefaultPort(6379);
            if (!seen.add(hp.toString())) {
                shutdown(client, resources);
                throw new IllegalArgumentException("redlock URI names node " + hp + " twice; nodes must be independent");
            }
            RedisURI.Builder b = RedisURI.builder().withHost(hp.host()).withPort(hp.port()).withDatabase(db)
                    .withTimeout(config.connectTimeout());
            if (uri.password() != null) {
                if (uri.user() != null) {
                    b.withAuthentication(uri.user(), uri.password().toCharArray());
                } else {
                    b.withPassword(uri.password().toCharArray());
                }
            }
            if (config.clientName() != null) {
                b.withClientName(config.clientName());
            }
            nodes.add(new RedlockNode(nodes.size(), hp.toString(), b.build(), client));
        }
        String describe = "redlock[" + String.join(",", nodes.stream().map(n -> n.address).toList()) + "]";
        RedlockDriver driver = new RedlockDriver(List.copyOf(nodes), options, client, resources, describe,
                config.commandTimeout());
        driver.connectNodes(config.connectTimeout());
        return driver;
    }

    private void connectNodes(Duration connectTimeout) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (RedlockNode n : nodes) {
            pending.add(n.connect().whenComplete((c, err) -> {
                if (err != null) {
                    scheduleReconnect(n);
                }
            }));
        }
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        long graceEnd = Long.MAX_VALUE;
        try {
            while (true) {
                long connected = nodes.stream().filter(RedlockNode::isConnected).count();
                long done = pending.stream().filter(CompletableFuture::isDone).count();
                long now = System.nanoTime();
                if (done == nodes.size() || now - deadline >= 0) {
                    break;
                }
                if (connected >= quorum) {
                    // A quorum is enough; give the stragglers a short grace and let them join later.
                    if (graceEnd == Long.MAX_VALUE) {
                        graceEnd = now + Math.max(options.nodeTimeout().orElse(RedlockOptions.AUTO_NODE_TIMEOUT_MIN).toNanos(),
                                TimeUnit.MILLISECONDS.toNanos(100));
                    } else if (now - graceEnd >= 0) {
                        break;
                    }
                }
                try {
                    CompletableFuture.anyOf(pending.stream().filter(f -> !f.isDone()).toArray(CompletableFuture[]::new))
                            .get(10, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // look again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new BackendUnavailableException("interrupted while connecting to " + describe, e);
        }
        long connected = nodes.stream().filter(RedlockNode::isConnected).count();
        if (connected < quorum) {
            StringBuilder sb = new StringBuilder("could not connect to a majority (" + quorum + " of " + nodes.size()
                    + ") of the nodes of " + describe + " within " + connectTimeout + ":");
            for (RedlockNode n : nodes) {
                sb.append(' ').append(n.address).append(' ')
                        .append(n.isConnected() ? "connected" : n.lastError()).append(';');
            }
            close();
            throw new BackendUnavailableException(sb.substring(0, sb.length() - 1), null);
        }
    }

    private void scheduleReconnect(RedlockNode n) {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                if (!closed && !n.isConnected()) {
                    n.connect().whenComplete((c, err) -> {
                        if (err != null) {
                            scheduleReconnect(n);
                        }
                    });
                }
            }, RECONNECT_NANOS, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    @Override
    public void start(DriverContext context) {
        this.clock = context.config().clock();
        this.clientId = context.clientId();
    }

    /**
     * Returns the number of nodes that must agree.
     *
     * @return {@code N/2 + 1}
     */
    public int quorum() {
        return quorum;
    }

    /**
     * Returns how many acquire attempts (rounds over all nodes) this driver has sent; for tests.
     *
     * @return the number of attempts
     */
    public long attempts() {
        return attempts.get();
    }

    @Override
    public long driftNanos(long leaseNanos) {
        return options.driftNanos(leaseNanos);
    }

    private <T> CompletableFuture<T> run(RedlockNode n, RedisScript script, String[] keys, String... args) {
        try {
            return script.run(n.commands(), keys, args);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ------------------------------------------------------------------ acquire

    /** One pending acquire call. Room fields are guarded by {@link #rooms}. */
    private final class Acquisition {
        final AcquireRequest request;
        final CompletableFuture<Grant> future = new CompletableFuture<>();
        final String[] keys;
        final String lease;
        final long leaseNanos;
        final long attemptTimeoutNanos;
        /** When the acquire began, by the injected clock. */
        final long startNanos = clock.nanoTime();
        /** Per node: when it last answered an attempt of this acquire without an error ({@link Long#MIN_VALUE}: never). */
        final java.util.concurrent.atomic.AtomicLongArray lastAnswer = new java.util.concurrent.atomic.AtomicLongArray(nodes.size());
        Room room;
        boolean parked;
        /** The place in the nodes' queues: the first attempt's wall-clock floor (µs), the same on every node. */
        String queueScore;
        /** Whether an attempt of this acquire may have put the client in the nodes' queues. */
        volatile boolean queued;
        /** Whether it left (its room and, if it had to, the queues); guarded by {@link #rooms}. */
        boolean left;
        /** Whether its current attempt was started by a release message (or a missed one). */
        volatile boolean woken;
        /**
         * Another node's copy of the release that woke it arrived while its attempt was in flight:
         * if the attempt fails, try again at once (that node may have said "taken" before the
         * release reached it). Guarded by {@link #rooms}.
         */
        boolean recheck;
        ScheduledFuture<?> timer;

        Acquisition(AcquireRequest request, String lockKey) {
            this.request = request;
            this.keys = new String[] {lockKey, lockKey + ":fence", lockKey + ":queue"};
            this.lease = Long.toString(request.leaseMillis());
            this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(request.leaseMillis());
            this.attemptTimeoutNanos = options.attemptTimeoutNanos(request.leaseMillis());
            for (int i = 0; i < lastAnswer.length(); i++) {
                lastAnswer.set(i, Long.MIN_VALUE);
            }
        }

        /** This client's own wake-up channel for the lock (the same on every node). */
        String channel() {
            return keys[0] + ":wake:" + clientId;
        }
    }

    /** What each node answered in one attempt. */
    private static final int PENDING = 0;
    private static final int GRANTED = 1;
    private static final int TAKEN = 2;
    private static final int FAILED = 3;

    /** One round of the acquire script over all nodes. Mutable state guarded by {@code this}. */
    private final class Attempt {
        final Acquisition acq;
        final String value;
        final long t0;
        /** The counter to start from on a node that has none: the client's time in µs, the same on every node. */
        final String floor;
        final int[] state = new int[nodes.size()];
        final long[] reply = new long[nodes.size()];
        final String[] answer = new String[nodes.size()];
        /** Each node's call, completed once its answer was counted. */
        final CompletableFuture<?>[] calls = new CompletableFuture<?>[nodes.size()];
        int granted;
        int taken;
        int failed;
        boolean decided;
        /** Whether the attempt ended at its deadline (nodes still silent then timed out). */
        boolean timedOut;
        ScheduledFuture<?> deadline;

        Attempt(Acquisition acq) {
            this.acq = acq;
            this.value = acq.request.ownerId() + '#' + sequence.incrementAndGet();
            this.t0 = clock.nanoTime();
            this.floor = Long.toString(Math.multiplyExact(clock.currentTimeMillis(), 1000L));
        }

        /** A summary such as {@code 127.0.0.1:1 granted; 127.0.0.1:2 refused (…)}. */
        synchronized String summary() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < state.length; i++) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                String silent = timedOut
                        ? "timeout (no answer within " + TimeUnit.NANOSECONDS.toMillis(acq.attemptTimeoutNanos) + " ms)"
                        : "no answer yet (a majority was already out of reach)";
                sb.append(nodes.get(i).address).append(' ').append(answer[i] != null ? answer[i] : silent);
            }
            return sb.toString();
        }
    }

    @Override
    public CompletableFuture<Grant> acquire(AcquireRequest request) {
        return acquire(request, layout.lockKey(request.name()));
    }

    /**
     * Acquires the term of an election: a Redlock hold like a lock's, under the key
     * {@code P{group}:election} (its counter {@code :election:fence}, channel
     * {@code :election:wake:<client id>}, queue {@code :election:queue}), which no lock name reaches.
     */
    @Override
    public CompletableFuture<Grant> acquireTerm(AcquireRequest request) {
        return acquire(request, layout.lockKey(request.name()) + ":election");
    }

    /** A term is renewed as a lock is (the hold knows its key). */
    @Override
    public CompletableFuture<Boolean> renewTerm(HeldLock term) {
        return renew(term);
    }

    /** A term is ended as a lock is released (the hold knows its key). */
    @Override
    public CompletableFuture<Boolean> releaseTerm(HeldLock term) {
        return release(term);
    }

    private CompletableFuture<Grant> acquire(AcquireRequest request, String lockKey) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("lock client (" + describe + ") is closed"));
        }
        long leaseNanos = TimeUnit.MILLISECONDS.toNanos(request.leaseMillis());
        long validity = leaseNanos - driftNanos(leaseNanos);
        if (validity < MIN_VALIDITY_NANOS) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("lease of " + request.leaseMillis()
                    + " ms for lock '" + request.name() + "' is too short for Redlock: after the clock-drift allowance of "
                    + String.format(java.util.Locale.ROOT, "%.2f", driftNanos(leaseNanos) / 1e6) + " ms it leaves "
                    + String.format(java.util.Locale.ROOT, "%.2f", validity / 1e6) + " ms of validity, and a lease must leave"
                    + " at least " + TimeUnit.NANOSECONDS.toMillis(MIN_VALIDITY_NANOS) + " ms (with the default drift,"
                    + " a lease of at least 4 ms)"));
        }
        Acquisition acq = new Acquisition(request, lockKey);
        waiting.add(acq);
        acq.future.whenComplete((g, err) -> {
            waiting.remove(acq);
            if (err instanceof CancellationException) {
                leave(acq);
            }
        });
        attempt(acq);
        return acq.future;
    }

    private void attempt(Acquisition acq) {
        if (acq.future.isDone()) {
            leave(acq);
            return;
        }
        attempts.incrementAndGet();
        synchronized (rooms) {
            acq.recheck = false;
        }
        Attempt at = new Attempt(acq);
        try {
            at.deadline = scheduler.schedule(() -> {
                synchronized (at) {
                    at.timedOut = true;
                }
                decide(at);
            }, acq.attemptTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            acq.future.completeExceptionally(new IllegalStateException("lock client (" + describe + ") is closed"));
            return;
        }
        // A wait keeps the client in each node's queue (and takes it out with the lock); a single
        // try never joins it. A wait's first attempt ("1") joins on failure but has nothing to take
        // out on success, which keeps the uncontended path free of queue commands.
        String queueMode = acq.queued ? "2" : acq.request.remainingNanos() > 0 ? "1" : "0";
        if (acq.queueScore == null) {
            acq.queueScore = at.floor;
        }
        if (!queueMode.equals("0")) {
            acq.queued = true;
        }
        for (RedlockNode n : nodes) {
            CompletableFuture<Long> f = run(n, RedlockScripts.ACQUIRE, acq.keys, at.value, acq.lease, retention, at.floor,
                    clientId, queueMode, QUEUE_ENTRY, acq.queueScore);
            CompletableFuture<?> counted = f.whenComplete((r, err) -> onNodeAnswer(at, n.index, r, err));
            synchronized (at) {
                at.calls[n.index] = counted;
            }
        }
    }

    private void onNodeAnswer(Attempt at, int i, Long r, Throwable err) {
        boolean ready;
        synchronized (at) {
            if (err == null) {
                at.acq.lastAnswer.set(i, clock.nanoTime());
            }
            if (at.decided) {
                if (err == null && at.state[i] == PENDING && at.answer[i] == null) {
                    // slow, not unreachable (its SET was undone after it, in order)
                    at.answer[i] = (r > 0 ? "granted" : "taken") + " (after the attempt's deadline)";
                }
                return;
            }
            if (err != null) {
                at.state[i] = FAILED;
                at.answer[i] = RedlockNode.describe(err);
                at.failed++;
            } else if (r > 0) {
                at.state[i] = GRANTED;
                at.reply[i] = r;
                at.answer[i] = "granted";
                at.granted++;
            } else {
                at.state[i] = TAKEN;
                at.reply[i] = r == 0 ? -1 : -1 - r;
                at.answer[i] = r == 0 ? "taken (no TTL)" : "taken (ttl " + (-1 - r) + " ms)";
                at.taken++;
            }
            int n = nodes.size();
            ready = at.granted >= quorum || at.taken + at.failed > n - quorum || at.granted + at.taken + at.failed == n;
        }
        if (ready) {
            decide(at);
        }
    }

    /** Ends an attempt: on a quorum checks validity and fences; otherwise undoes and retries. */
    private void decide(Attempt at) {
        synchronized (at) {
            if (at.decided) {
                return;
            }
            at.decided = true;
        }
        if (at.deadline != null) {
            at.deadline.cancel(false);
        }
        Acquisition acq = at.acq;
        if (at.granted >= quorum) {
            long validity = validityLeft(at);
            if (validity > 0) {
                fence(at);
                return;
            }
            undo(at);
            retryOrFinish(at, "the validity ran out: a majority granted after "
                    + TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - at.t0) + " ms, lease " + acq.request.leaseMillis()
                    + " ms, drift " + TimeUnit.NANOSECONDS.toMillis(driftNanos(acq.leaseNanos)) + " ms");
            return;
        }
        undo(at);
        retryOrFinish(at, null);
    }

    private long validityLeft(Attempt at) {
        return at.acq.leaseNanos - (clock.nanoTime() - at.t0) - driftNanos(at.acq.leaseNanos);
    }

    /** Makes sure a quorum holds a counter of at least the token, then grants. */
    private void fence(Attempt at) {
        long token = 0;
        int atToken = 0;
        synchronized (at) {
            for (int i = 0; i < at.state.length; i++) {
                if (at.state[i] == GRANTED) {
                    token = Math.max(token, at.reply[i]);
                }
            }
            for (int i = 0; i < at.state.length; i++) {
                if (at.state[i] == GRANTED && at.reply[i] == token) {
                    atToken++;
                }
            }
        }
        if (atToken >= quorum) {
            grant(at, token);
            return;
        }
        // Write the token back wherever the counter may be lower; a quorum must confirm.
        final long t = token;
        final int have = atToken;
        String tokenText = Long.toString(token);
        int[] votes = {have, 0};
        boolean[] done = {false};
        int n = nodes.size();
        List<Integer> targets = new ArrayList<>();
        synchronized (at) {
            for (int i = 0; i < n; i++) {
                if (!(at.state[i] == GRANTED && at.reply[i] == token)) {
                    targets.add(i);
                }
            }
        }
        Runnable fail = () -> {
            undo(at);
            retryOrFinish(at, "could not write fencing token " + t + " back to a majority");
        };
        ScheduledFuture<?> timeout = scheduler.schedule(() -> {
            synchronized (votes) {
                if (done[0]) {
                    return;
                }
                done[0] = true;
            }
            fail.run();
        }, Math.max(0, Math.min(options.nodeTimeoutNanos(at.acq.request.leaseMillis()), validityLeft(at))),
                TimeUnit.NANOSECONDS);
        for (int i : targets) {
            CompletableFuture<Long> f = run(nodes.get(i), RedlockScripts.RAISE_FENCE, new String[] {at.acq.keys[1]},
                    tokenText, retention);
            f.whenComplete((r, err) -> {
                boolean ok;
                boolean lost;
                synchronized (votes) {
                    if (done[0]) {
                        return;
                    }
                    if (err == null) {
                        votes[0]++;
                    } else {
                        votes[1]++;
                    }
                    ok = votes[0] >= quorum;
                    lost = votes[1] > n - quorum || (!ok && votes[0] + votes[1] == have + targets.size());
                    if (ok || lost) {
                        done[0] = true;
                    }
                }
                if (ok) {
                    timeout.cancel(false);
                    if (validityLeft(at) > 0) {
                        grant(at, t);
                    } else {
                        undo(at);
                        retryOrFinish(at, "the validity ran out while writing fencing token " + t + " back");
                    }
                } else if (lost) {
                    timeout.cancel(false);
                    fail.run();
                }
            });
        }
    }

    private void grant(Attempt at, long token) {
        Acquisition acq = at.acq;
        long validUntil = at.t0 + acq.leaseNanos - driftNanos(acq.leaseNanos);
        RedlockHold hold = new RedlockHold(acq.keys[0], at.value, validUntil);
        boolean delivered = acq.future.complete(new Grant(token, at.t0, hold));
        if (leave(acq, delivered) && delivered && acq.queued) {
            // The granting nodes took the client out of their queues; the others (taken by a
            // contender, or silent) may still list it, and would wake it instead of a waiter.
            // A node still silent is asked only if it does not grant late (its grant left the queue).
            String[] keys = {acq.keys[0], acq.keys[2]};
            for (RedlockNode n : nodes) {
                int s;
                CompletableFuture<?> call;
                synchronized (at) {
                    s = at.state[n.index];
                    call = at.calls[n.index];
                }
                if (s == PENDING && call != null) {
                    call.whenComplete((r, err) -> {
                        if (!(r instanceof Long l && l > 0)) {
                            this.<Long>run(n, LockScripts.DEQUEUE, keys, clientId, TRUST_RECEIVERS).exceptionally(e -> 0L);
                        }
                    });
                } else if (s != GRANTED) {
                    this.<Long>run(n, LockScripts.DEQUEUE, keys, clientId, TRUST_RECEIVERS).exceptionally(err -> 0L);
                }
            }
        }
        if (!delivered) {
            // Cancelled (interrupt, overrun) while the attempt was in flight: give it back.
            release(acq.request.name(), hold);
        }
    }

    /** Undoes a failed attempt on every node, whatever it answered (its SET may have happened). */
    private void undo(Attempt at) {
        for (RedlockNode n : nodes) {
            int s;
            synchronized (at) {
                s = at.state[n.index];
            }
            if (s == TAKEN) {
                continue; // its SET NX did not happen
            }
            this.<Long>run(n, RedlockScripts.UNDO, new String[] {at.acq.keys[0]}, at.value)
                    .exceptionally(err -> 0L);
        }
    }

    /** After a failed attempt: retry (waiting as the answers suggest), or end the wait. */
    private void retryOrFinish(Attempt at, String why) {
        Acquisition acq = at.acq;
        if (acq.future.isDone()) {
            leave(acq);
            return;
        }
        int granted;
        int taken;
        int failed;
        int silent;
        long maxTtlMillis = -1;
        synchronized (at) {
            granted = at.granted;
            taken = at.taken;
            silent = nodes.size() - at.granted - at.taken - at.failed;
            // Silent nodes failed if the deadline passed; else they might have said "taken".
            failed = at.failed + (at.timedOut ? silent : 0);
            silent = at.timedOut ? 0 : silent;
            for (int i = 0; i < at.state.length; i++) {
                if (at.state[i] == TAKEN) {
                    maxTtlMillis = Math.max(maxTtlMillis, at.reply[i]);
                }
            }
        }
        long remaining = acq.request.remainingNanos();
        if (remaining == 0) {
            finish(at, why);
            return;
        }
        long park;
        boolean afterWake = acq.woken;
        acq.woken = false;
        boolean recheck;
        synchronized (rooms) {
            recheck = acq.recheck;
            acq.recheck = false;
        }
        if (recheck) {
            // Another node announced the same release during the attempt: it is free there now.
            acq.woken = true;
            park = 0;
        } else if (afterWake) {
            // A release was announced but its other nodes had not deleted yet: look again soon,
            // since the remaining copies of that message are dropped as duplicates.
            park = jitter();
        } else if (taken >= 1 && granted == 0 && failed == 0) {
            // Held elsewhere: a release message wakes us; else look again when its TTL ends.
            long ttl = maxTtlMillis < 0 ? MAX_PARK_NANOS : TimeUnit.MILLISECONDS.toNanos(maxTtlMillis + 1);
            park = Math.min(ttl, MAX_PARK_NANOS) + jitter() / 4;
        } else {
            park = jitter();
        }
        park = Math.min(park, remaining);
        if (acq.room == null) {
            join(acq).whenComplete((v, err) -> attempt(acq));
        } else {
            parkWaiter(acq, park);
        }
    }

    /**
     * Ends a wait whose last attempt failed. "Not acquired" ({@code false} from {@code tryLock})
     * unless a majority of the nodes is unreachable: only then a
     * {@link BackendUnavailableException} naming every node. A node is reachable if it answered
     * any attempt of this acquire without an error ("taken" counts, and so does an answer after
     * an attempt's deadline) within the last {@code max(nodeTimeout, 1 s)} (at most the command
     * timeout). When that is not yet a majority and the acquire began less than that ago (a
     * zero or short wait), the nodes still silent in the last attempt get until then to answer.
     * So a zero-wait try on slow (loaded) nodes says no rather than throwing, while a majority
     * down or stalled still throws — at most that long after the acquire began, or at the
     * end of a longer wait.
     */
    private void finish(Attempt at, String why) {
        Acquisition acq = at.acq;
        long lateWindow = acq.startNanos + unreachableNanos - clock.nanoTime();
        List<CompletableFuture<?>> silent = new ArrayList<>();
        if (lateWindow > 0 && reachable(acq) < quorum) {
            synchronized (at) {
                for (int i = 0; i < at.state.length; i++) {
                    if (at.state[i] == PENDING && at.calls[i] != null && !at.calls[i].isDone()) {
                        silent.add(at.calls[i]);
                    }
                }
            }
        }
        if (silent.isEmpty()) {
            verdict(at, why);
            return;
        }
        CompletableFuture.allOf(silent.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                .completeOnTimeout(null, lateWindow, TimeUnit.NANOSECONDS)
                .whenComplete((v, e) -> verdict(at, why));
    }

    private void verdict(Attempt at, String why) {
        Acquisition acq = at.acq;
        leave(acq);
        boolean unavailable = reachable(acq) < quorum;
        if (unavailable) {
            acq.future.completeExceptionally(new BackendUnavailableException("redlock could not acquire lock '"
                    + acq.request.name() + "' on a majority (" + quorum + " of " + nodes.size() + " nodes) of "
                    + describe + ": fewer than a majority of the nodes could be reached; last answers: " + at.summary(),
                    null));
        } else {
            if (log.isDebugEnabled()) {
                log.debug("redlock did not acquire lock '{}' within its wait{}; last answers: {}", acq.request.name(),
                        why != null ? " (" + why + ")" : "", at.summary());
            }
            acq.future.complete(null);
        }
    }

    /** Nodes that answered an attempt of {@code acq} without an error within the last {@link #unreachableNanos}. */
    private int reachable(Acquisition acq) {
        long now = clock.nanoTime();
        long window = unreachableNanos;
        int r = 0;
        for (int i = 0; i < acq.lastAnswer.length(); i++) {
            long t = acq.lastAnswer.get(i);
            if (t != Long.MIN_VALUE && now - t <= window) {
                r++;
            }
        }
        return r;
    }

    private long jitter() {
        long min = options.retryMin().toNanos();
        long max = options.retryMax().toNanos();
        return max > min ? ThreadLocalRandom.current().nextLong(min, max + 1) : min;
    }

    // ------------------------------------------------------------------ waiting rooms

    /** The waiters of one name in this client. Guarded by {@link #rooms}. */
    private static final class Room {
        final String channel;
        final ArrayDeque<Acquisition> parked = new ArrayDeque<>();
        /** Recent release ids and the waiter each one woke (null: none was parked). */
        final Map<String, Acquisition> seen = new LinkedHashMap<>(SEEN_IDS * 2, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Acquisition> e) {
                return size() > SEEN_IDS;
            }
        };
        int members;
        /** A release came while no waiter was parked (their attempts were in flight): the next to park retries at once. */
        boolean missedWake;
        CompletableFuture<Void> ready;

        Room(String channel) {
            this.channel = channel;
        }
    }

    /** Joins the room of the waiter's name; completes when its subscriptions were answered. */
    private CompletableFuture<Void> join(Acquisition acq) {
        Room room;
        boolean created = false;
        synchronized (rooms) {
            if (acq.future.isDone() || closed) {
                return CompletableFuture.completedFuture(null);
            }
            room = rooms.get(acq.channel());
            if (room == null) {
                room = new Room(acq.channel());
                rooms.put(room.channel, room);
                created = true;
            }
            room.members++;
            acq.room = room;
        }
        if (created) {
            room.ready = subscribeAll(room.channel, options.nodeTimeoutNanos(acq.request.leaseMillis()));
        }
        synchronized (rooms) {
            return room.ready != null ? room.ready : CompletableFuture.completedFuture(null);
        }
    }

    private CompletableFuture<Void> subscribeAll(String channel, long timeoutNanos) {
        List<CompletableFuture<?>> subs = new ArrayList<>();
        for (RedlockNode n : nodes) {
            subs.add(n.pubsub((ch, id) -> onMessage(n, ch, id)).thenCompose(c -> c.async().subscribe(channel).toCompletableFuture()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(subs.stream()
                .map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new));
        return all.completeOnTimeout(null, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void unsubscribeAll(String channel) {
        for (RedlockNode n : nodes) {
            n.pubsub((ch, id) -> onMessage(n, ch, id)).thenCompose(c -> c.async().unsubscribe(channel).toCompletableFuture())
                    .exceptionally(err -> null);
        }
    }

    private void parkWaiter(Acquisition acq, long nanos) {
        synchronized (rooms) {
            if (acq.future.isDone() || acq.room == null) {
                return;
            }
            if (acq.room.missedWake) {
                acq.room.missedWake = false;
                acq.woken = true;
                nanos = 0;
            }
            acq.parked = true;
            acq.room.parked.add(acq);
            try {
                acq.timer = scheduler.schedule(() -> onTimer(acq), nanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                acq.future.completeExceptionally(new IllegalStateException("lock client (" + describe + ") is closed"));
            }
        }
    }

    private void onTimer(Acquisition acq) {
        synchronized (rooms) {
            if (!acq.parked) {
                return; // woken by a message meanwhile
            }
            acq.parked = false;
            if (acq.room != null) {
                acq.room.parked.remove(acq);
            }
        }
        attempt(acq);
    }

    /**
     * A release message from a node, on this client's channel (the node chose this client as the
     * head of its queue): wake one parked waiter per distinct release. With no waiter here to use
     * it, the client leaves that node's queue, which wakes the next client there instead.
     */
    private void onMessage(RedlockNode n, String channel, String id) {
        if (id.startsWith(clientId + ":")) {
            return; // our own release woke a local waiter already
        }
        if (!wake(channel, id)) {
            String lockKey = channel.substring(0, channel.length() - (":wake:" + clientId).length());
            this.<Long>run(n, LockScripts.DEQUEUE, new String[] {lockKey, lockKey + ":queue"}, clientId,
                    TRUST_RECEIVERS).exceptionally(err -> 0L);
        }
    }

    /** Wakes one parked waiter of the room; false if the client has no waiter for it. */
    private boolean wake(String channel, String id) {
        Acquisition next;
        synchronized (rooms) {
            Room room = rooms.get(channel);
            if (room == null) {
                return false;
            }
            if (room.seen.containsKey(id)) {
                // Another node's copy of a release already handled: that node is free only now.
                // The waiter it woke may have found it still taken there (the release had not
                // reached it yet); dropping the copy would leave that waiter to its timer.
                Acquisition prior = room.seen.get(id);
                if (prior == null || prior.room != room || prior.future.isDone()) {
                    return true;
                }
                if (!prior.parked) {
                    prior.recheck = true;
                    return true;
                }
                next = prior;
                room.parked.remove(next);
            } else {
                next = room.parked.poll();
                room.seen.put(id, next);
                if (next == null) {
                    room.missedWake = true;
                    return true;
                }
            }
            next.parked = false;
            next.woken = true;
            if (next.timer != null) {
                next.timer.cancel(false);
            }
        }
        attempt(next);
        return true;
    }

    private void leave(Acquisition acq) {
        leave(acq, false);
    }

    /**
     * Takes a waiter out of its room; the last one out unsubscribes and, unless it leaves with
     * the lock (whose acquire took the client out of the granting nodes' queues), takes the
     * client out of every node's queue, waking the next client where the lock is free.
     *
     * @return whether {@code acq} was the last waiter of this client for the lock
     */
    private boolean leave(Acquisition acq, boolean acquired) {
        String unsubscribe = null;
        boolean dequeue;
        synchronized (rooms) {
            Room room = acq.room;
            // Leaves the queues only once, and only if no other waiter of this client still waits.
            dequeue = !acquired && acq.queued && !closed && !acq.left;
            acq.left = true;
            if (room == null) {
                dequeue &= !rooms.containsKey(acq.channel());
            }
        }
        synchronized (rooms) {
            Room room = acq.room;
            if (room == null) {
                if (dequeue) {
                    dequeueAll(acq);
                }
                return !rooms.containsKey(acq.channel());
            }
            acq.room = null;
            if (acq.parked) {
                acq.parked = false;
                room.parked.remove(acq);
            }
            if (acq.timer != null) {
                acq.timer.cancel(false);
            }
            if (--room.members == 0) {
                rooms.remove(room.channel);
                unsubscribe = room.channel;
            }
        }
        if (unsubscribe != null) {
            unsubscribeAll(unsubscribe);
            if (dequeue) {
                dequeueAll(acq);
            }
        }
        return unsubscribe != null;
    }

    /** Takes this client out of the lock's queue on every node (waking the next client where the lock is free). */
    private void dequeueAll(Acquisition acq) {
        String[] keys = {acq.keys[0], acq.keys[2]};
        for (RedlockNode n : nodes) {
            this.<Long>run(n, LockScripts.DEQUEUE, keys, clientId, TRUST_RECEIVERS).exceptionally(err -> 0L);
        }
    }

    // ------------------------------------------------------------------ renew

    @Override
    public CompletableFuture<Boolean> renew(HeldLock lock) {
        return renewAll(List.of(lock)).get(0);
    }

    /** One batch script per node (per {@value #MAX_RENEW_BATCH} holds); a hold counts on a quorum. */
    @Override
    public List<CompletableFuture<Boolean>> renewAll(List<? extends HeldLock> locks) {
        int k = locks.size();
        List<CompletableFuture<Boolean>> out = new ArrayList<>(k);
        long sentAt = clock.nanoTime();
        List<Votes> tallies = new ArrayList<>(k);
        for (HeldLock lock : locks) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            out.add(f);
            RedlockHold h = hold(lock);
            Votes v = new Votes(lock.name(), "renew", f);
            tallies.add(v);
            long leaseNanos = TimeUnit.MILLISECONDS.toNanos(lock.leaseMillis());
            f.thenAccept(ok -> {
                if (Boolean.TRUE.equals(ok)) {
                    h.extend(sentAt + leaseNanos - driftNanos(leaseNanos));
                }
            });
            // A renewal may take as long as the hold is still valid: waiting longer for a node
            // costs nothing (the nodes answer in parallel), and giving up early under load would
            // turn a slow-but-successful renewal into a lost hold.
            scheduler.schedule(v::timeout, Math.max(0, h.validUntil() - sentAt), TimeUnit.NANOSECONDS);
        }
        for (int from = 0; from < k; from += MAX_RENEW_BATCH) {
            int to = Math.min(k, from + MAX_RENEW_BATCH);
            int m = to - from;
            String[] keys = new String[m];
            String[] args = new String[2 * m];
            for (int j = 0; j < m; j++) {
                HeldLock lock = locks.get(from + j);
                RedlockHold h = hold(lock);
                keys[j] = h.lockKey();
                args[j] = h.value();
                args[m + j] = Long.toString(lock.leaseMillis());
            }
            int base = from;
            for (RedlockNode n : nodes) {
                this.<List<Object>>run(n, LockScripts.RENEW, keys, args).whenComplete((r, err) -> {
                    for (int j = 0; j < m; j++) {
                        Votes v = tallies.get(base + j);
                        if (err != null) {
                            v.failed(n, RedlockNode.describe(err));
                        } else {
                            Object x = r.get(j);
                            v.answer(n, x instanceof Number num && num.longValue() == 1, "renewed", "gone");
                        }
                    }
                });
            }
        }
        return out;
    }

    /**
     * Counts yes / no / failed answers of the nodes to one operation on one lock: {@code true}
     * at a quorum of yes, {@code false} once a quorum of yes is impossible because of no's,
     * exceptionally when it is impossible or too late because of failures.
     */
    private final class Votes {
        final String name;
        final String what;
        final CompletableFuture<Boolean> result;
        final String[] answers = new String[nodes.size()];
        int yes;
        int no;
        int failed;

        Votes(String name, String what, CompletableFuture<Boolean> result) {
            this.name = name;
            this.what = what;
            this.result = result;
        }

        synchronized void answer(RedlockNode n, boolean ok, String yesText, String noText) {
            answers[n.index] = ok ? yesText : noText;
            if (ok) {
                yes++;
            } else {
                no++;
            }
            settle();
        }

        synchronized void failed(RedlockNode n, String text) {
            answers[n.index] = text;
            failed++;
            settle();
        }

        private void settle() {
            int total = nodes.size();
            if (yes >= quorum) {
                result.complete(true);
            } else if (no > total - quorum) {
                result.complete(false);
            } else if (no + failed > total - quorum) {
                result.completeExceptionally(unavailable(null));
            }
        }

        synchronized void timeout() {
            if (!result.isDone()) {
                result.completeExceptionally(unavailable("no majority answered in time"));
            }
        }

        private BackendUnavailableException unavailable(String extra) {
            StringBuilder sb = new StringBuilder("redlock could not " + what + " lock '" + name + "' on a majority ("
                    + quorum + " of " + nodes.size() + " nodes) of " + describe);
            if (extra != null) {
                sb.append(" (").append(extra).append(')');
            }
            sb.append(':');
            for (RedlockNode n : nodes) {
                sb.append(' ').append(n.address).append(' ')
                        .append(answers[n.index] != null ? answers[n.index] : "no answer yet").append(';');
            }
            return new BackendUnavailableException(sb.substring(0, sb.length() - 1), null);
        }
    }

    // ------------------------------------------------------------------ release

    @Override
    public CompletableFuture<Boolean> release(HeldLock lock) {
        return release(lock.name(), hold(lock));
    }

    private CompletableFuture<Boolean> release(String name, RedlockHold h) {
        CompletableFuture<Boolean> out = new CompletableFuture<>();
        Votes v = new Votes(name, "release", out);
        String id = clientId + ":" + sequence.incrementAndGet();
        String[] keys = {h.lockKey(), h.lockKey() + ":queue"};
        for (RedlockNode n : nodes) {
            this.<Long>run(n, LockScripts.HANDOFF, keys, h.value(), id, TRUST_RECEIVERS).whenComplete((r, err) -> {
                if (err != null) {
                    v.failed(n, RedlockNode.describe(err));
                } else {
                    v.answer(n, r == 1, "released", "not held");
                }
            });
        }
        out.thenAccept(ok -> {
            if (Boolean.TRUE.equals(ok)) {
                wake(h.lockKey() + ":wake:" + clientId, id);
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ queries

    /** Locked iff one value sits on a quorum of nodes. */
    @Override
    public CompletableFuture<Boolean> isLocked(String name) {
        String key = layout.lockKey(name);
        CompletableFuture<Boolean> out = new CompletableFuture<>();
        String[] values = new String[nodes.size()];
        String[] errors = new String[nodes.size()];
        int[] answered = {0};
        for (RedlockNode n : nodes) {
            CompletableFuture<String> f;
            try {
                f = n.commands().get(key).toCompletableFuture();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((val, err) -> {
                synchronized (values) {
                    values[n.index] = val;
                    errors[n.index] = err == null ? null : RedlockNode.describe(err);
                    if (++answered[0] < nodes.size()) {
                        return;
                    }
                    Map<String, Integer> counts = new HashMap<>();
                    int failed = 0;
                    int best = 0;
                    for (int i = 0; i < values.length; i++) {
                        if (errors[i] != null) {
                            failed++;
                        } else if (values[i] != null) {
                            best = Math.max(best, counts.merge(values[i], 1, Integer::sum));
                        }
                    }
                    if (best >= quorum) {
                        out.complete(true);
                    } else if (best + failed < quorum) {
                        out.complete(false);
                    } else {
                        StringBuilder sb = new StringBuilder("redlock could not tell whether lock '" + name
                                + "' is held on a majority of " + describe + ":");
                        for (RedlockNode x : nodes) {
                            sb.append(' ').append(x.address).append(' ').append(errors[x.index] != null
                                    ? errors[x.index] : values[x.index] != null ? "held" : "free").append(';');
                        }
                        out.completeExceptionally(new BackendUnavailableException(sb.substring(0, sb.length() - 1),
                                null));
                    }
                }
            });
        }
        return out;
    }

    private RedlockHold hold(HeldLock lock) {
        if (lock.grant().handle() instanceof RedlockHold h) {
            return h;
        }
        throw new IllegalArgumentException("hold of lock '" + lock.name() + "' was not granted by a redlock driver");
    }

    // ------------------------------------------------------------------ close

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IllegalStateException ex = new IllegalStateException("lock client (" + describe + ") was closed while waiting");
        for (Acquisition a : waiting.toArray(new Acquisition[0])) {
            a.future.completeExceptionally(ex);
        }
        scheduler.shutdownNow();
        for (RedlockNode n : nodes) {
            n.close();
        }
        shutdown(client, resources);
    }

    private static void shutdown(RedisClient client, ClientResources resources) {
        try {
            client.shutdownAsync(0, 2000, TimeUnit.MILLISECONDS).get(2500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("redlock client shutdown did not finish cleanly", e);
        } finally {
            resources.shutdown(0, 2000, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public String toString() {
        return "RedlockDriver[" + describe + ", quorum " + quorum + ", " + options + "]";
    }
}

package dev.distlock.redis.internal;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClock;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.DriverContext;
import dev.distlock.spi.ElectionDriver;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import dev.distlock.spi.ReadWriteLockDriver;
import dev.distlock.spi.SemaphoreDriver;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis driver of read-write locks, semaphores and election terms, in front of the mutex's
 * {@link RedisLockDriver} (to which every mutex operation goes unchanged). It shares the mutex
 * driver's command connection and has its own pub/sub connection for waiters
 * ({@link CoordinationWaits}).
 *
 * <h2>Design note</h2>
 *
 * <p><b>What it stores.</b> With {@code K = } the mutex key of the name ({@code P{N}}, see
 * {@link RedisKeyLayout}), so that every key of a name lives in one Cluster slot:
 * <ul>
 * <li>read-write lock: {@code K:rw:w} the writer ({@code owner#token}, TTL the lease);
 *     {@code K:rw:r} a sorted set of readers {@code owner#token} scored by lease end (server
 *     milliseconds; the key's TTL is the last lease end); {@code K:rw:q} a sorted set of waiting
 *     writers scored by the end of their mark; {@code K:rw:fence} the last token; channel
 *     {@code K:rw:wake}.</li>
 * <li>semaphore: {@code K:sem} a sorted set of leases {@code owner#token} scored by lease end,
 *     {@code K:sem:n} a hash of each lease's permits, {@code K:sem:fence}; channel
 *     {@code K:sem:wake}. The owner of a lease is unique to it.</li>
 * <li>leader election: the group's term is a one-permit lease in keys of their own,
 *     {@code K:election}, {@code K:election:n}, {@code K:election:fence}, channel
 *     {@code K:election:wake} (the semaphore's scripts with a limit of one).</li>
 * </ul>
 * Every key of these primitives is the mutex key of the name followed by a suffix of its own; a
 * mutex's keys have no suffix after the hash tag but {@code :fence} and {@code :queue} (channels
 * {@code :wake} and {@code :wake:<client id>}), and names are escaped inside the tag, so no lock
 * name reaches them.
 *
 * <p><b>Scripts</b> ({@link CoordinationScripts}), one round trip each: acquire (prune what has
 * expired by the server's clock, grant if the rules allow, else answer how long until something
 * may change), renew (compare, then push the lease end), release (compare-and-remove, publish),
 * a writer's withdrawal, and the queries.
 *
 * <p><b>Fairness.</b> A writer that fails to get the lock leaves a mark in {@code K:rw:q} that
 * lasts {@value #WRITER_MARK_MILLIS} ms and is refreshed by each of its attempts (at least every
 * {@value #MAX_PARK_MILLIS} ms); while a mark is there, new readers are refused, so readers
 * cannot starve writers. The writer removes its mark when it gets the lock or gives up; a
 * crashed waiting writer holds readers back for at most the mark's life. A reader whose owner
 * holds the write lock is let in at once (downgrade). Writers among themselves, and semaphore
 * waiters, are not queued in order: whoever tries first after a release wins.
 *
 * <p><b>Waiting.</b> A waiter's first attempt needs no subscription; after a failure it joins
 * its channel's group (until the subscription is live it polls every
 * {@value #SUBSCRIBING_POLL_MILLIS} ms, since no message can reach it), tries again once the
 * subscription is live, then parks until a message
 * on the channel or the time the script said something may change (at most
 * {@value #MAX_PARK_MILLIS} ms). A message wakes every waiter of this client on that name, since a
 * release may admit several readers or permit requests. A message that arrives while the waiter's
 * attempt is out is kept and makes it try again as soon as the reply is handled: the decision to
 * park and the check for such a message are one step under the waiter's monitor, so no wake-up
 * falls between them (one that did would leave the waiter — and, for a waiting writer, every
 * reader its mark holds back — asleep for up to {@value #MAX_PARK_MILLIS} ms).
 *
 * <p><b>Failures.</b> A script error or timeout fails the acquire with
 * {@link BackendUnavailableException} (waiters do not ride through outages as mutex waiters do);
 * renewals and releases fail as the mutex's do and the shared front reports the loss. Leases
 * end by the server's clock even if the client is gone. A server restart without persistence
 * or a failover to a replica that missed the writes loses holds (reported at the next
 * renewal); fencing tokens keep growing under the same conditions as the mutex's.
 *
 * <p>Thread-safe.
 */
public final class RedisCoordinationDriver implements LockDriver, ReadWriteLockDriver, SemaphoreDriver, ElectionDriver {
    private static final Logger log = LoggerFactory.getLogger(RedisCoordinationDriver.class);
    /** A parked waiter tries again at least this often. */
    static final long MAX_PARK_MILLIS = 1000;
    /** A waiter whose subscription is not live yet tries again at least this often. */
    static final long SUBSCRIBING_POLL_MILLIS = 50;
    /** How long a waiting writer's mark holds new readers back without being refreshed. */
    static final long WRITER_MARK_MILLIS = 3000;

    private final RedisLockDriver mutex;
    private final RedisStore store;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final RedisKeyLayout layout;
    private final String fenceRetentionMillis;
    private final String describe;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
    private volatile CoordinationWaits waits;
    private volatile LockClock clock = LockClock.system();
    private volatile String clientId = "unstarted";
    private volatile boolean closed;

    /**
     * Makes the driver in front of a mutex driver over the same store.
     *
     * @param mutex the mutex driver; closed by {@link #close()}
     * @param store the store {@code mutex} uses
     */
    public RedisCoordinationDriver(RedisLockDriver mutex, RedisStore store) {
        this.mutex = mutex;
        this.store = store;
        this.commands = store.commands();
        this.layout = store.endpoint().options().keyLayout();
        this.fenceRetentionMillis = Long.toString(store.endpoint().options().fenceRetention().toMillis());
        this.describe = store.endpoint().describe();
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "distlock-redis-coordination-" + clientId);
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    // ------------------------------------------------------------------ the mutex, unchanged

    @Override
    public void start(DriverContext context) {
        mutex.start(context);
        this.clock = context.config().clock();
        this.clientId = context.clientId();
        this.waits = new CoordinationWaits(store, scheduler);
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

    // ------------------------------------------------------------------ keys

    private String[] rwKeys(String name) {
        String base = layout.lockKey(name) + ":rw";
        return new String[] {base + ":w", base + ":r", base + ":q", base + ":fence"};
    }

    private String rwChannel(String name) {
        return layout.lockKey(name) + ":rw:wake";
    }

    private String[] semKeys(String name) {
        String base = layout.lockKey(name) + ":sem";
        return new String[] {base, base + ":n", base + ":fence"};
    }

    private String semChannel(String name) {
        return layout.lockKey(name) + ":sem:wake";
    }

    /** An election's term: a one-permit lease set of its own, after the hash tag where no lock name reaches. */
    private String[] electionKeys(String group) {
        String base = layout.lockKey(group) + ":election";
        return new String[] {base, base + ":n", base + ":fence"};
    }

    private String electionChannel(String group) {
        return layout.lockKey(group) + ":election:wake";
    }

    private static String value(HeldLock lock) {
        return lock.ownerId() + '#' + lock.grant().fencingToken();
    }

    private static String mode(Mode mode) {
        return mode == Mode.WRITE ? "w" : "r";
    }

    // ------------------------------------------------------------------ read-write locks

    @Override
    public CompletableFuture<Grant> acquire(Mode mode, AcquireRequest request) {
        String[] keys = rwKeys(request.name());
        String m = mode(mode);
        Runnable giveUp = mode == Mode.WRITE ? () -> withdrawWriter(request, keys) : null;
        return start(request, rwChannel(request.name()), () -> CoordinationScripts.RW_ACQUIRE.run(commands, keys, m,
                request.ownerId(), Long.toString(request.leaseMillis()), fenceRetentionMillis,
                Long.toString(WRITER_MARK_MILLIS)), giveUp,
                g -> release(mode, new Released(request, g)));
    }

    private void withdrawWriter(AcquireRequest request, String[] keys) {
        try {
            CoordinationScripts.RW_WITHDRAW.<Long>run(commands, new String[] {keys[2]}, request.ownerId(), clientId,
                    rwChannel(request.name())).whenComplete((r, err) -> {
                        if (err != null) {
                            log.debug("could not withdraw the waiting writer of '{}'; its mark will run out",
                                    request.name(), err);
                        }
                    });
        } catch (RuntimeException e) {
            log.debug("could not withdraw the waiting writer of '{}'", request.name(), e);
        }
    }

    @Override
    public CompletableFuture<Boolean> renew(Mode mode, HeldLock lock) {
        String[] keys = rwKeys(lock.name());
        return bool(() -> CoordinationScripts.RW_RENEW.run(commands, new String[] {keys[0], keys[1]}, mode(mode),
                value(lock), Long.toString(lock.leaseMillis())), "renew the " + mode + " lock '" + lock.name() + "'");
    }

    @Override
    public CompletableFuture<Boolean> release(Mode mode, HeldLock lock) {
        String[] keys = rwKeys(lock.name());
        return bool(() -> CoordinationScripts.RW_RELEASE.run(commands, new String[] {keys[0], keys[1], keys[2]},
                mode(mode), value(lock), clientId, rwChannel(lock.name())),
                "release the " + mode + " lock '" + lock.name() + "'");
    }

    @Override
    public CompletableFuture<Boolean> isLocked(Mode mode, String name) {
        String[] keys = rwKeys(name);
        return bool(() -> CoordinationScripts.RW_HELD.run(commands, new String[] {keys[0], keys[1]}, mode(mode)),
                "query the " + mode + " lock '" + name + "'");
    }

    // ------------------------------------------------------------------ semaphores

    @Override
    public CompletableFuture<Grant> acquirePermits(AcquireRequest request, int permits, int limit) {
        String[] keys = semKeys(request.name());
        return start(request, semChannel(request.name()), () -> CoordinationScripts.SEM_ACQUIRE.run(commands, keys,
                request.ownerId(), Integer.toString(permits), Integer.toString(limit),
                Long.toString(request.leaseMillis()), fenceRetentionMillis), null,
                g -> releasePermits(new Released(request, g), Integer.MAX_VALUE));
    }

    @Override
    public CompletableFuture<Boolean> renewPermits(HeldLock lease) {
        String[] keys = semKeys(lease.name());
        return bool(() -> CoordinationScripts.SEM_RENEW.run(commands, new String[] {keys[0], keys[1]}, value(lease),
                Long.toString(lease.leaseMillis())), "renew permits of '" + lease.name() + "'");
    }

    @Override
    public CompletableFuture<Boolean> releasePermits(HeldLock lease, int permits) {
        String[] keys = semKeys(lease.name());
        return bool(() -> CoordinationScripts.SEM_RELEASE.run(commands, new String[] {keys[0], keys[1]}, value(lease),
                Integer.toString(permits), clientId, semChannel(lease.name())),
                "release permits of '" + lease.name() + "'");
    }

    @Override
    public CompletableFuture<Integer> availablePermits(String name, int limit) {
        String[] keys = semKeys(name);
        CompletableFuture<Long> reply;
        try {
            reply = CoordinationScripts.SEM_FREE.run(commands, new String[] {keys[0], keys[1]}, Integer.toString(limit));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("count permits of '" + name + "'", e));
        }
        return reply.handle((r, err) -> {
            if (err != null) {
                throw unavailable("count permits of '" + name + "'", err);
            }
            return r.intValue();
        });
    }

    // ------------------------------------------------------------------ election terms (one-permit leases)

    @Override
    public CompletableFuture<Grant> acquireTerm(AcquireRequest request) {
        String[] keys = electionKeys(request.name());
        return start(request, electionChannel(request.name()), () -> CoordinationScripts.SEM_ACQUIRE.run(commands, keys,
                request.ownerId(), "1", "1", Long.toString(request.leaseMillis()), fenceRetentionMillis), null,
                g -> releaseTerm(new Released(request, g)));
    }

    @Override
    public CompletableFuture<Boolean> renewTerm(HeldLock term) {
        String[] keys = electionKeys(term.name());
        return bool(() -> CoordinationScripts.SEM_RENEW.run(commands, new String[] {keys[0], keys[1]}, value(term),
                Long.toString(term.leaseMillis())), "renew the term of election '" + term.name() + "'");
    }

    @Override
    public CompletableFuture<Boolean> releaseTerm(HeldLock term) {
        String[] keys = electionKeys(term.name());
        return bool(() -> CoordinationScripts.SEM_RELEASE.run(commands, new String[] {keys[0], keys[1]}, value(term),
                Integer.toString(Integer.MAX_VALUE), clientId, electionChannel(term.name())),
                "end the term of election '" + term.name() + "'");
    }

    // ------------------------------------------------------------------ waiting

    private CompletableFuture<Boolean> bool(Supplier<CompletableFuture<Long>> script, String what) {
        CompletableFuture<Long> reply;
        try {
            reply = script.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable(what, e));
        }
        return reply.handle((r, err) -> {
            if (err != null) {
                throw unavailable(what, err);
            }
            return r != null && r == 1;
        });
    }

    private CompletableFuture<Grant> start(AcquireRequest request, String channel,
            Supplier<CompletableFuture<Long>> script, Runnable giveUp,
            java.util.function.Function<Grant, CompletableFuture<Boolean>> giveBack) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("lock client (" + describe + ") is closed"));
        }
        Waiter w = new Waiter(request, channel, script, giveUp, giveBack);
        waiting.add(w);
        w.future.whenComplete((g, err) -> {
            if (w.future.isCancelled()) {
                w.finish();
            }
        });
        w.attempt();
        return w.future;
    }

    /** One pending acquire of a read or write hold or of permits. */
    private final class Waiter implements CoordinationWaits.Member {
        final AcquireRequest request;
        final String channel;
        final Supplier<CompletableFuture<Long>> script;
        final Runnable giveUp;
        final java.util.function.Function<Grant, CompletableFuture<Boolean>> giveBack;
        final CompletableFuture<Grant> future = new CompletableFuture<>();
        final AtomicBoolean finished = new AtomicBoolean();
        /** An attempt is out, or its reply is being handled; guarded by this. */
        private boolean inFlight;
        /** A wake-up came while an attempt was out; guarded by this. */
        private boolean again;
        volatile boolean joined;
        /** The subscription of {@link #joined} is live, so releases wake this waiter. */
        volatile boolean subscribed;
        /** The park's timer; guarded by this (read unguarded only to cancel it). */
        volatile ScheduledFuture<?> timer;

        Waiter(AcquireRequest request, String channel, Supplier<CompletableFuture<Long>> script, Runnable giveUp,
                java.util.function.Function<Grant, CompletableFuture<Boolean>> giveBack) {
            this.request = request;
            this.channel = channel;
            this.script = script;
            this.giveUp = giveUp;
            this.giveBack = giveBack;
        }

        void attempt() {
            if (future.isDone()) {
                finish();
                return;
            }
            synchronized (this) {
                if (inFlight) {
                    // The reply's handler sees this before it decides to park (see park()).
                    again = true;
                    return;
                }
                inFlight = true;
                again = false;
                ScheduledFuture<?> t = timer;
                if (t != null) {
                    t.cancel(false);
                    timer = null;
                }
            }
            long sentAt = clock.nanoTime();
            CompletableFuture<Long> reply;
            try {
                reply = script.get();
            } catch (RuntimeException e) {
                onReply(sentAt, null, e);
                return;
            }
            reply.whenComplete((r, err) -> onReply(sentAt, r, err));
        }

        /**
         * Handles an attempt's reply. The attempt stays "in flight" until the handler has either
         * finished, started the next attempt, or armed the park timer, so a wake-up arriving at
         * any point meanwhile is seen (as {@code again}) rather than lost.
         */
        private void onReply(long sentAt, Long r, Throwable err) {
            if (err != null) {
                future.completeExceptionally(unavailable("acquire '" + request.name() + "'", err));
                finish();
                return;
            }
            if (r > 0) {
                Grant g = new Grant(r, sentAt, null);
                if (!future.complete(g)) {
                    giveBack.apply(g).exceptionally(e -> false);
                }
                finish();
                return;
            }
            if (future.isDone()) {
                finish();
                return;
            }
            long remaining = request.remainingNanos();
            if (remaining == 0) {
                finishEmpty();
                return;
            }
            if (!joined) {
                joined = true;
                // No wake-up can reach this waiter until the subscription is live (opening the
                // pub/sub connection can take a while on a cold or loaded client), so it polls
                // briefly meanwhile, and tries once more when the subscription is live.
                waits.join(channel, this).whenComplete((v, e) -> {
                    if (e != null) {
                        future.completeExceptionally(unavailable("subscribe for '" + request.name() + "'", e));
                        finish();
                    } else {
                        subscribed = true;
                        attempt();
                    }
                });
            }
            long parkMillis = Math.min(-r, MAX_PARK_MILLIS); // the hint, -1 - r, plus 1 ms
            if (!subscribed) {
                parkMillis = Math.min(parkMillis, SUBSCRIBING_POLL_MILLIS);
            }
            park(Math.min(TimeUnit.MILLISECONDS.toNanos(parkMillis), remaining));
        }

        /**
         * Ends the attempt in flight: tries again at once if a wake-up came while it was out,
         * else arms the timer. Both under the monitor that {@link #attempt()} takes, so a wake-up
         * either lands before (and is seen here) or after (and finds no attempt out, so starts
         * one and cancels the timer).
         */
        private void park(long parkNanos) {
            synchronized (this) {
                if (!again) {
                    inFlight = false;
                    try {
                        timer = scheduler.schedule(this::onTimer, parkNanos, TimeUnit.NANOSECONDS);
                        return;
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // fall through, outside the monitor
                    }
                } else {
                    inFlight = false;
                    again = false;
                }
            }
            if (scheduler.isShutdown()) {
                future.completeExceptionally(new IllegalStateException("lock client (" + describe + ") is closed"));
                finish();
                return;
            }
            attempt();
        }

        private void onTimer() {
            if (request.remainingNanos() == 0) {
                finishEmpty();
            } else {
                attempt();
            }
        }

        @Override
        public void wake() {
            attempt();
        }

        /** The wait is over without a grant: unsubscribe (if last), then answer null, as the mutex does. */
        private void finishEmpty() {
            CompletableFuture<Void> left = joined ? waits.leave(channel, this) : CompletableFuture.completedFuture(null);
            left.whenComplete((v, err) -> {
                future.complete(null);
                finish();
            });
        }

        void finish() {
            if (!future.isDone() || !finished.compareAndSet(false, true)) {
                return;
            }
            waiting.remove(this);
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            if (joined) {
                waits.leave(channel, this);
            }
            if (giveUp != null && (future.isCompletedExceptionally() || future.getNow(null) == null)) {
                giveUp.run();
            }
        }
    }

    /** A grant that arrived after its acquire was cancelled, as a hold to give back. */
    private static final class Released implements HeldLock {
        private final AcquireRequest request;
        private final Grant grant;

        Released(AcquireRequest request, Grant grant) {
            this.request = request;
            this.grant = grant;
        }

        @Override
        public String name() {
            return request.name();
        }

        @Override
        public String ownerId() {
            return request.ownerId();
        }

        @Override
        public Grant grant() {
            return grant;
        }

        @Override
        public long leaseMillis() {
            return request.leaseMillis();
        }

        @Override
        public boolean fixedLease() {
            return request.fixedLease();
        }

        @Override
        public void markLost(dev.distlock.LossReason reason, Throwable cause) {
        }
    }

    /**
     * Returns how many read-write lock and semaphore channels this client is subscribed to; for
     * tests.
     *
     * @return the number of subscribed channels
     */
    public int waitGroups() {
        CoordinationWaits w = waits;
        return w == null ? 0 : w.size();
    }

    private BackendUnavailableException unavailable(String what, Throwable err) {
        Throwable c = err;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof BackendUnavailableException b) {
            return b;
        }
        return new BackendUnavailableException(describe + " failed to " + what + ": "
                + store.endpoint().scrub(String.valueOf(c.getMessage())), c);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CoordinationWaits w = waits;
        if (w != null) {
            w.close();
        }
        IllegalStateException ex = new IllegalStateException("lock client (" + describe + ") was closed while waiting");
        for (Waiter waiter : waiting.toArray(new Waiter[0])) {
            waiter.future.completeExceptionally(ex);
        }
        scheduler.shutdownNow();
        mutex.close();
    }

    @Override
    public String toString() {
        return "RedisCoordinationDriver[" + describe + ", " + layout + "]";
    }
}

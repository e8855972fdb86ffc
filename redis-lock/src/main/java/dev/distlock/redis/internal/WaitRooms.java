package dev.distlock.redis.internal;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiters of one client, grouped in one room per lock channel, and the client's single
 * pub/sub connection.
 *
 * <p>A room exists while the client has at least one waiter for the lock; it holds the
 * subscription to the lock's channel (subscribed when the first waiter joins, unsubscribed when
 * the last one leaves, or {@link #LINGER_MILLIS} later if it left with the lock and nobody joined
 * meanwhile) and a queue of parked waiters. A wake-up (a release message from another
 * client, or a release by this client) takes one parked waiter off the queue and lets it try
 * again; if none is parked, a waiter still waiting for its room's subscription takes it (a
 * release needs no subscription to reach a waiter of the same client, and the pub/sub
 * connection can take a while to open); if every waiter is in flight, the room remembers one
 * pending wake-up, and the next waiter that fails parks no further but tries once more. So a
 * release wakes at most one waiter of this client and none is lost to the race between a failed
 * attempt and the message. A release by this client also leaves a time stamp, so that a thread
 * whose first attempt failed just before it, and which joins the room only afterwards, tries
 * again at once instead of waiting for the subscription. A parked waiter also has a timer, at
 * the TTL its failed attempt saw or at its deadline, whichever comes first.
 *
 * <p>Subscribe and unsubscribe commands are dispatched in the order they were decided, under
 * this object's monitor, by chaining them on the pub/sub connection future; their completions
 * run on the driver's executor, never inline. Thread-safe.
 */
final class WaitRooms {
    private static final Logger log = LoggerFactory.getLogger(WaitRooms.class);
    /**
     * How long a room stays subscribed after its last waiter left with the lock: a thread that
     * just took a contended lock is likely to wait for it again soon, and then finds the
     * subscription live (no SUBSCRIBE, no extra attempt) instead of paying an UNSUBSCRIBE now and
     * a SUBSCRIBE then.
     */
    static final long LINGER_MILLIS = 500;

    /** The waiters of one lock in this client. Guarded by the {@link WaitRooms} monitor. */
    static final class Room {
        final String channel;
        final ArrayDeque<Acquisition> parked = new ArrayDeque<>(4);
        final List<Acquisition> awaitingSubscription = new ArrayList<>(2);
        int members;
        boolean subscribed;
        /** {@link System#nanoTime()} when the subscription was confirmed, if it was. */
        long subscribedAtNanos;
        boolean live;
        /** Subscribe confirmations seen by the listener: the first answers our SUBSCRIBE, later ones are re-subscriptions. */
        int confirmations;
        boolean wakePending;
        /** {@link System#nanoTime()} of the last wake-up (release) seen by this room. */
        long lastWakeNanos;
        /** The pending unsubscribe of a room whose last waiter left with the lock, or null. */
        ScheduledFuture<?> linger;

        Room(String channel) {
            this.channel = channel;
            this.lastWakeNanos = System.nanoTime() - (1L << 62);
        }
    }

    private final RedisStore store;
    private final String clientId;
    private final ScheduledExecutorService scheduler;
    private final Consumer<Acquisition> retry;
    private final Consumer<Acquisition> timerFired;
    private final Function<String, CompletableFuture<Void>> dequeue;
    private final Map<String, Room> rooms = new HashMap<>();
    /** rooms.size(), readable without the monitor so that releases with no waiters skip it. */
    private volatile int roomCount;
    /**
     * {@link System#nanoTime()} of this client's last release of any lock; written before the
     * release looks at {@link #roomCount}, read by {@link #join} after it wrote it (both
     * volatile), so a release and a joining waiter never miss each other.
     */
    private volatile long lastLocalReleaseNanos = System.nanoTime() - (1L << 62);
    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubSub;
    private StatefulRedisPubSubConnection<String, String> openPubSub;
    private boolean closed;

    /**
     * @param dequeue takes this client out of the server-side queue of the lock with the given
     *        channel (waking the next client if the lock is free); completes when answered
     */
    WaitRooms(RedisStore store, String clientId, ScheduledExecutorService scheduler, Consumer<Acquisition> retry,
            Consumer<Acquisition> timerFired, Function<String, CompletableFuture<Void>> dequeue) {
        this.store = store;
        this.clientId = clientId;
        this.scheduler = scheduler;
        this.retry = retry;
        this.timerFired = timerFired;
        this.dequeue = dequeue;
    }

    /**
     * Makes {@code a} a waiter: joins (or opens) its room. If the room's subscription was live
     * before {@code a}'s failed attempt was sent, every later release will reach it, so it
     * parks for {@code parkNanos}; otherwise it retries as soon as the subscription is live, so
     * a release between its failed attempt and the subscription is not missed.
     *
     * @return false if the rooms are closed
     */
    boolean join(Acquisition a, long parkNanos) {
        boolean retryNow;
        boolean parkNow;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (a.future.isDone()) {
                return true;
            }
            if (a.room != null) {
                throw new IllegalStateException(a + " joined twice");
            }
            String channel = a.channel();
            Room room = rooms.get(channel);
            if (room != null && room.linger != null) {
                room.linger.cancel(false);
                room.linger = null;
            }
            if (room == null) {
                room = new Room(channel);
                rooms.put(channel, room);
                roomCount = rooms.size();
                Room r = room;
                dispatch(c -> c.subscribe(channel)).whenComplete((v, err) -> onSubscribed(r, err));
            }
            room.members++;
            a.room = room;
            // Parks only if every release after its attempt will reach it: the subscription was
            // live before the attempt, and no release came in between (a lingering room with no
            // members may have seen one that had no waiter to wake).
            parkNow = room.live && room.subscribedAtNanos - a.sentNanos < 0 && room.lastWakeNanos - a.sentNanos < 0;
            // Not subscribed yet: a release by this client after the failed attempt was sent
            // (whose wake-up found no room to go to) means the lock may be free now.
            retryNow = !parkNow && (room.subscribed || lastLocalReleaseNanos - a.sentNanos > 0);
            if (!parkNow && !retryNow) {
                room.awaitingSubscription.add(a);
            }
        }
        if (parkNow) {
            park(a, parkNanos, false);
        } else if (retryNow) {
            retry.accept(a);
        }
        return true;
    }

    private void onSubscribed(Room room, Throwable err) {
        List<Acquisition> go;
        synchronized (this) {
            // Even if SUBSCRIBE failed the waiters go on, with their timers as the only wake-up.
            room.subscribed = true;
            if (err == null) {
                room.live = true;
                room.subscribedAtNanos = System.nanoTime();
            }
            go = new ArrayList<>(room.awaitingSubscription);
            room.awaitingSubscription.clear();
        }
        if (err != null) {
            log.warn("could not subscribe to {} on {}; its waiters fall back to polling at the lock's TTL",
                    room.channel, store.endpoint().describe(), err);
        }
        for (Acquisition a : go) {
            retry.accept(a);
        }
    }

    /**
     * Parks a waiter whose attempt failed: it waits for a wake-up or {@code delayNanos}. If a
     * wake-up came while it was in flight it tries again at once instead. After a failed
     * attempt (not an error), a waiter whose room is not subscribed yet waits for the
     * subscription (or a local release) instead, and one whose attempt was sent before the
     * subscription became live tries again at once, as in {@link #join}.
     *
     * @param afterError whether the attempt ended in an error (then it always parks, as a back-off)
     */
    void park(Acquisition a, long delayNanos, boolean afterError) {
        boolean retryNow = false;
        synchronized (this) {
            Room room = a.room;
            if (room == null || a.future.isDone()) {
                return;
            }
            if (room.wakePending) {
                room.wakePending = false;
                retryNow = true;
            } else if (!afterError && !room.subscribed) {
                a.woken = false;
                room.awaitingSubscription.add(0, a);
            } else if (!afterError && room.live && room.subscribedAtNanos - a.sentNanos >= 0) {
                retryNow = true;
            } else {
                if (a.woken) {
                    room.parked.addFirst(a);
                } else {
                    room.parked.addLast(a);
                }
                a.woken = false;
                a.parked = true;
                a.timer = scheduler.schedule(() -> onTimer(a), delayNanos, TimeUnit.NANOSECONDS);
            }
        }
        if (retryNow) {
            retry.accept(a);
        }
    }

    private void onTimer(Acquisition a) {
        synchronized (this) {
            if (!a.parked) {
                return;
            }
            a.parked = false;
            a.woken = true;
            a.timer = null;
            a.room.parked.remove(a);
        }
        timerFired.accept(a);
    }

    /**
     * Removes a waiter from its room; the last one out unsubscribes.
     *
     * @return completes when the unsubscribe (if any) was answered, or at once
     */
    CompletableFuture<Void> leave(Acquisition a) {
        return leave(a, false);
    }

    /**
     * Removes a waiter from its room. The last one out unsubscribes: at once, or, if it leaves
     * with the lock ({@code acquired}), after {@link #LINGER_MILLIS} unless a waiter joins first.
     * The last one out without the lock also takes the client out of the lock's queue on the
     * server (its entry would otherwise receive the next wake-up); a woken waiter that leaves
     * without the lock while others of this client remain passes its wake-up on to one of them.
     *
     * @return completes when the unsubscribe and dequeue (if any) were answered, or at once
     */
    CompletableFuture<Void> leave(Acquisition a, boolean acquired) {
        CompletableFuture<Void> unsubscribed;
        synchronized (this) {
            Room room = a.room;
            if (room == null) {
                return CompletableFuture.completedFuture(null);
            }
            a.room = null;
            boolean wasWoken = a.woken && !a.parked;
            if (a.parked) {
                a.parked = false;
                room.parked.remove(a);
            }
            if (a.timer != null) {
                a.timer.cancel(false);
                a.timer = null;
            }
            room.awaitingSubscription.remove(a);
            if (--room.members > 0) {
                if (acquired || !wasWoken || closed) {
                    return CompletableFuture.completedFuture(null);
                }
                unsubscribed = null;
            } else if (acquired && !closed && room.live) {
                room.wakePending = false;
                if (room.linger == null) {
                    room.linger = scheduler.schedule(() -> unsubscribeIdle(room), LINGER_MILLIS, TimeUnit.MILLISECONDS);
                }
                return CompletableFuture.completedFuture(null);
            } else {
                if (room.linger != null) {
                    room.linger.cancel(false);
                    room.linger = null;
                }
                rooms.remove(room.channel);
                roomCount = rooms.size();
                if (closed) {
                    return CompletableFuture.completedFuture(null);
                }
                unsubscribed = dispatch(c -> c.unsubscribe(room.channel));
                if (acquired) {
                    return unsubscribed;
                }
            }
        }
        if (unsubscribed == null) {
            // Others of this client still wait: the release that woke this one woke no one else.
            wake(a.channel());
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(unsubscribed, dequeue.apply(a.channel()));
    }

    /**
     * A release of the lock on {@code channel} by this client: lets one waiter of this client try.
     */
    void released(String channel) {
        lastLocalReleaseNanos = System.nanoTime();
        wake(channel);
    }

    /**
     * A release of the lock on {@code channel}: lets one parked waiter of this client try, or
     * else one that waits for its subscription.
     */
    void wake(String channel) {
        if (roomCount == 0) {
            return;
        }
        Acquisition next = null;
        synchronized (this) {
            Room room = rooms.get(channel);
            if (room == null) {
                return;
            }
            room.lastWakeNanos = System.nanoTime();
            while ((next = room.parked.pollFirst()) != null) {
                next.parked = false;
                next.woken = true;
                if (next.timer != null) {
                    next.timer.cancel(false);
                    next.timer = null;
                }
                if (!next.future.isDone()) {
                    break;
                }
            }
            while (next == null && !room.awaitingSubscription.isEmpty()) {
                next = room.awaitingSubscription.remove(0);
                next.woken = true;
                if (next.future.isDone()) {
                    next = null;
                }
            }
            if (next == null && room.members > 0) {
                room.wakePending = true;
            }
        }
        if (next != null) {
            retry.accept(next);
        }
    }

    /**
     * A wake-up published to this client's channel: the server chose this client as the head of
     * the lock's queue. With no waiter here to use it (they left, or the room only lingers), the
     * client leaves the queue and the server wakes the next client instead.
     */
    private void remoteWake(String channel) {
        boolean stray;
        synchronized (this) {
            Room room = rooms.get(channel);
            stray = room == null || room.members == 0;
            if (stray && room != null) {
                room.lastWakeNanos = System.nanoTime();
            }
        }
        if (stray) {
            dequeue.apply(channel);
        } else {
            wake(channel);
        }
    }

    private void unsubscribeIdle(Room room) {
        synchronized (this) {
            if (room.linger == null || room.members > 0 || rooms.get(room.channel) != room || closed) {
                return;
            }
            room.linger = null;
            rooms.remove(room.channel);
            roomCount = rooms.size();
            dispatch(c -> c.unsubscribe(room.channel));
        }
    }

    /**
     * A subscribe confirmation for {@code channel}. The first one of a room answers its SUBSCRIBE;
     * any later one is Lettuce re-subscribing after the pub/sub connection came back, when
     * messages may have been missed: then every parked waiter tries again.
     */
    private void confirmed(String channel) {
        List<Acquisition> go = new ArrayList<>();
        synchronized (this) {
            Room room = rooms.get(channel);
            if (room == null || ++room.confirmations == 1) {
                return;
            }
            Acquisition a;
            while ((a = room.parked.pollFirst()) != null) {
                a.parked = false;
                a.woken = true;
                if (a.timer != null) {
                    a.timer.cancel(false);
                    a.timer = null;
                }
                go.add(a);
            }
        }
        for (Acquisition a : go) {
            retry.accept(a);
        }
    }

    /** The number of rooms with waiters (locks this client waits for); for tests and diagnostics. */
    synchronized int size() {
        int n = 0;
        for (Room r : rooms.values()) {
            if (r.members > 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Runs a pub/sub command after every command decided before it, on the (lazily opened)
     * pub/sub connection. Caller holds the monitor.
     */
    private CompletableFuture<Void> dispatch(
            Function<RedisPubSubAsyncCommands<String, String>, RedisFuture<Void>> command) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (pubSub == null || pubSub.isCompletedExceptionally()) {
            // Connect on the scheduler, never under this monitor: the command connection's event
            // loop takes the monitor on every release and failed attempt, and a first connect can
            // take a while (class loading, TLS, a slow server).
            CompletableFuture<StatefulRedisPubSubConnection<String, String>> connecting = new CompletableFuture<>();
            pubSub = connecting.thenApply(this::opened);
            scheduler.execute(() -> {
                try {
                    store.connectPubSub().whenComplete((c, err) -> {
                        if (err == null) {
                            connecting.complete(c);
                        } else {
                            connecting.completeExceptionally(err);
                        }
                    });
                } catch (RuntimeException e) {
                    connecting.completeExceptionally(e);
                }
            });
        }
        Executor async = scheduler;
        pubSub = pubSub.thenApply(c -> {
            try {
                command.apply(c.async()).whenCompleteAsync((v, err) -> {
                    if (err == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(err);
                    }
                }, async);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
            return c;
        });
        pubSub.whenComplete((c, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
            }
        });
        return done;
    }

    private StatefulRedisPubSubConnection<String, String> opened(StatefulRedisPubSubConnection<String, String> c) {
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                // This client's own releases already woke a local waiter.
                if (!clientId.equals(message)) {
                    remoteWake(channel);
                }
            }

            @Override
            public void subscribed(String channel, long count) {
                confirmed(channel);
            }
        });
        boolean close;
        synchronized (this) {
            close = closed;
            openPubSub = c;
        }
        if (close) {
            c.closeAsync();
        }
        return c;
    }

    /** Closes the pub/sub connection; later joins are refused. */
    void close() {
        StatefulRedisPubSubConnection<String, String> c;
        synchronized (this) {
            closed = true;
            c = openPubSub;
            for (Room room : rooms.values()) {
                for (Acquisition a : room.parked) {
                    if (a.timer != null) {
                        a.timer.cancel(false);
                    }
                }
            }
        }
        if (c != null) {
            try {
                c.closeAsync().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.debug("closing the pub/sub connection failed", e);
            }
        }
    }
}

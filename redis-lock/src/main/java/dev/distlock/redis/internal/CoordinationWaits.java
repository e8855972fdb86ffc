package dev.distlock.redis.internal;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiters of one client's read-write locks and semaphores, one group per channel, and the
 * pub/sub connection they share (opened on first need; separate from the mutex's, so the two
 * evolve independently). A group holds the subscription to its channel while it has members;
 * every message on the channel wakes every member of this client once (a release may admit
 * several readers, or several smaller permit requests). Subscribe and unsubscribe commands go
 * out in the order they were decided, chained on the connection. Thread-safe.
 */
final class CoordinationWaits {
    private static final Logger log = LoggerFactory.getLogger(CoordinationWaits.class);

    /** A member of a group: told when a message arrives on its channel. */
    interface Member {
        void wake();
    }

    private static final class Group {
        final Set<Member> members = new LinkedHashSet<>();
        CompletableFuture<Void> subscribed;
    }

    private final RedisStore store;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Group> groups = new HashMap<>();
    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> chain;
    private StatefulRedisPubSubConnection<String, String> open;
    private boolean closed;

    CoordinationWaits(RedisStore store, ScheduledExecutorService scheduler) {
        this.store = store;
        this.scheduler = scheduler;
    }

    /**
     * Adds a member to the group of {@code channel}, subscribing if it is the first.
     *
     * @return completes once the subscription is live (at once if it already was)
     */
    synchronized CompletableFuture<Void> join(String channel, Member m) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("closed"));
        }
        Group g = groups.get(channel);
        if (g == null) {
            g = new Group();
            groups.put(channel, g);
            g.subscribed = send(channel, true);
        }
        g.members.add(m);
        return g.subscribed;
    }

    /**
     * Removes a member; the last one to leave unsubscribes. Does nothing for a member that is not
     * in the group.
     *
     * @return completes once the unsubscription (if any) was answered
     */
    synchronized CompletableFuture<Void> leave(String channel, Member m) {
        Group g = groups.get(channel);
        if (g == null || !g.members.remove(m) || !g.members.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        groups.remove(channel);
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        return send(channel, false);
    }

    /** Returns how many channels this client is subscribed to; for tests. */
    synchronized int size() {
        return groups.size();
    }

    private void onMessage(String channel) {
        List<Member> toWake;
        synchronized (this) {
            Group g = groups.get(channel);
            if (g == null) {
                return;
            }
            toWake = new ArrayList<>(g.members);
        }
        for (Member m : toWake) {
            scheduler.execute(m::wake);
        }
    }

    /** Sends SUBSCRIBE or UNSUBSCRIBE after every command decided before it; caller holds the monitor. */
    private CompletableFuture<Void> send(String channel, boolean subscribe) {
        if (chain == null || chain.isCompletedExceptionally()) {
            CompletableFuture<StatefulRedisPubSubConnection<String, String>> connecting = new CompletableFuture<>();
            chain = connecting;
            // Connect on a thread of its own, never under this monitor nor on the scheduler:
            // opening a connection can block for a while on a cold client, and the scheduler
            // meanwhile runs the waiters' timers and wake-ups.
            Thread connector = new Thread(() -> {
                try {
                    store.connectPubSub().whenComplete((c, err) -> {
                        if (err != null) {
                            connecting.completeExceptionally(err);
                            return;
                        }
                        c.addListener(new RedisPubSubAdapter<>() {
                            @Override
                            public void message(String ch, String message) {
                                onMessage(ch);
                            }
                        });
                        boolean close;
                        synchronized (CoordinationWaits.this) {
                            open = c;
                            close = closed;
                        }
                        if (close) {
                            c.closeAsync();
                        }
                        connecting.complete(c);
                    });
                } catch (RuntimeException e) {
                    connecting.completeExceptionally(e);
                }
            }, "distlock-redis-coordination-connect");
            connector.setDaemon(true);
            connector.start();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        chain = chain.thenApply(c -> {
            try {
                (subscribe ? c.async().subscribe(channel) : c.async().unsubscribe(channel))
                        .whenCompleteAsync((v, err) -> {
                            if (err == null) {
                                done.complete(null);
                            } else {
                                done.completeExceptionally(err);
                            }
                        }, scheduler);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
            return c;
        });
        chain.whenComplete((c, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
            }
        });
        return done;
    }

    void close() {
        StatefulRedisPubSubConnection<String, String> c;
        synchronized (this) {
            closed = true;
            c = open;
            groups.clear();
        }
        if (c != null) {
            try {
                c.closeAsync().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.debug("closing the coordination pub/sub connection failed", e);
            }
        }
    }
}

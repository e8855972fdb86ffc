package dev.distlock.redis.internal;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.Grant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One pending {@link RedisLockDriver#acquire} call: the request, its future, its keys, and
 * where it stands among the waiters of its lock. Fields from {@code room} on are guarded by the
 * {@link WaitRooms} monitor.
 */
final class Acquisition {
    final AcquireRequest request;
    final CompletableFuture<Grant> future = new CompletableFuture<>();
    /** The lock key, the fence key and the queue key. */
    final String[] keys;
    /** This client's wake-up channel for the lock. */
    final String channel;
    final String leaseMillis;
    /** Whether it has joined a room once; touched only by the attempt chain, one step at a time. */
    boolean joined;
    /** {@link System#nanoTime()} when the last attempt was sent; attempt chain only. */
    long sentNanos;
    /** {@link RedisStore#commandConnectionDrops()} when the last attempt was sent; attempt chain only. */
    long connectionDrops;
    /** When the current run of failed retries began ({@link System#nanoTime()}), or 0; attempt chain only. */
    long failingSinceNanos;
    /** Failed retries in the current run; attempt chain only. */
    int failures;

    /** The room joined, or null while not a waiter (first attempt, or after leaving). */
    WaitRooms.Room room;
    /** Whether it sits in its room's queue, waiting for a wake-up or its timer. */
    boolean parked;
    /** Whether it was taken from the queue by a wake-up or timer (it goes back to the front). */
    boolean woken;
    /** The timer of a parked waiter. */
    ScheduledFuture<?> timer;

    Acquisition(AcquireRequest request, String lockKey, String fenceKey, String queueKey, String channel) {
        this.request = request;
        this.keys = new String[] {lockKey, fenceKey, queueKey};
        this.channel = channel;
        this.leaseMillis = Long.toString(request.leaseMillis());
    }

    String lockKey() {
        return keys[0];
    }

    String queueKey() {
        return keys[2];
    }

    String channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "Acquisition[" + request.name() + " for " + request.ownerId() + "]";
    }
}

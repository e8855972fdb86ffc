package dev.distlock.redis.internal;

import dev.distlock.redis.RedisLockOptions;
import dev.distlock.redis.ReplicaAckException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The optional wait for replica acknowledgements after a granted mutex acquisition
 * ({@link RedisLockOptions#minReplicaAcks()}).
 *
 * <p>{@code WAIT n timeout} counts the replicas that acknowledged every write sent so far on the
 * connection it is sent on, so it goes on the shared command connection right after the acquire
 * script's reply (writes of other threads in between only make it stricter). A connection that
 * dropped in between would make it count the writes of a fresh connection — none, so any
 * connected replica would do — hence the count is trusted only if
 * {@link RedisStore#commandConnectionDrops()} did not change since the acquire was sent.
 *
 * <p>Thread-safe.
 */
final class ReplicaAcks {
    private final RedisStore store;
    private final int required;
    private final long timeoutMillis;
    private final String describe;

    private ReplicaAcks(RedisStore store, int required, long timeoutMillis) {
        this.store = store;
        this.required = required;
        this.timeoutMillis = timeoutMillis;
        this.describe = store.endpoint().describe();
    }

    /** Returns the waiter the store's options ask for, or null if acquisitions do not wait. */
    static ReplicaAcks of(RedisStore store) {
        RedisLockOptions options = store.endpoint().options();
        if (options.minReplicaAcks() == 0) {
            return null;
        }
        return new ReplicaAcks(store, options.minReplicaAcks(), options.replicaAckTimeout().toMillis());
    }

    /**
     * Sends {@code WAIT} for a lock just granted.
     *
     * @param name the lock's name, for the message
     * @param dropsBefore {@link RedisStore#commandConnectionDrops()} when the acquire was sent
     * @return completes with {@code null} if enough replicas acknowledged, otherwise with the
     *         exception to fail the acquisition with; never exceptionally
     */
    CompletableFuture<ReplicaAckException> confirm(String name, long dropsBefore) {
        CompletableFuture<Long> reply;
        try {
            reply = store.commands().waitForReplication(required, timeoutMillis).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(refusal(name, -1, "WAIT could not be sent", e));
        }
        return reply.handle((n, err) -> {
            if (err != null) {
                Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                return refusal(name, -1, "WAIT failed: " + store.endpoint().scrub(String.valueOf(c.getMessage())), c);
            }
            if (store.commandConnectionDrops() != dropsBefore) {
                return refusal(name, -1, "the connection was lost between the grant and WAIT", null);
            }
            if (n == null || n < required) {
                return refusal(name, n == null ? -1 : n, (n == null ? "no" : n.toString())
                        + " acknowledged within " + timeoutMillis + " ms", null);
            }
            return null;
        });
    }

    private ReplicaAckException refusal(String name, long acknowledged, String why, Throwable cause) {
        return new ReplicaAckException(name, required, acknowledged, describe + " granted lock '" + name
                + "' but fewer than " + required + " replica(s) confirmed it (" + why
                + "); the lock is given back", cause);
    }
}

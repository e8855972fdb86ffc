package dev.distlock.redlock.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One independent Redis node of a Redlock client: its command connection (which may not exist
 * yet while the node is unreachable; the driver keeps trying), its lazily opened pub/sub
 * connection, and how it describes itself and its failures in messages.
 *
 * <p>Thread-safe.
 */
final class RedlockNode {
    /** Thrown for a command to a node that has no connection. */
    static final class NotConnectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotConnectedException(String message) {
            super(message, null, false, false);
        }
    }

    private static final java.util.List<dev.distlock.redis.internal.RedisScript> SCRIPTS = java.util.List.of(
            RedlockScripts.ACQUIRE, RedlockScripts.UNDO, RedlockScripts.RAISE_FENCE,
            dev.distlock.redis.internal.LockScripts.HANDOFF, dev.distlock.redis.internal.LockScripts.DEQUEUE,
            dev.distlock.redis.internal.LockScripts.RENEW);

    final int index;
    final String address;
    final RedisURI uri;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile RedisAsyncCommands<String, String> commands;
    private volatile String lastError = "not connected yet";
    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubsub;
    private volatile boolean closed;

    RedlockNode(int index, String address, RedisURI uri, RedisClient client) {
        this.index = index;
        this.address = address;
        this.uri = uri;
        this.client = client;
    }

    /** Starts a connect; on success the node adopts the connection. */
    CompletableFuture<StatefulRedisConnection<String, String>> connect() {
        return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture().whenComplete((c, err) -> {
            if (c != null) {
                if (closed) {
                    c.closeAsync();
                    return;
                }
                connection = c;
                RedisAsyncCommands<String, String> async = c.async();
                // Load the scripts ahead of the first acquire (queued before it on this connection),
                // so the first attempt is not slowed by a NOSCRIPT round trip.
                for (dev.distlock.redis.internal.RedisScript s : SCRIPTS) {
                    async.scriptLoad(s.body());
                }
                commands = async;
            } else {
                lastError = rootMessage(err);
            }
        });
    }

    boolean isConnected() {
        return commands != null;
    }

    String lastError() {
        return lastError;
    }

    /**
     * Returns the node's async commands.
     *
     * @throws NotConnectedException if the node was never reached
     */
    RedisAsyncCommands<String, String> commands() {
        RedisAsyncCommands<String, String> c = commands;
        if (c == null) {
            throw new NotConnectedException("refused (" + lastError + ")");
        }
        return c;
    }

    /** The pub/sub connection, opened on first call; a failed open is retried on the next call. */
    synchronized CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubsub(
            BiConsumer<String, String> onMessage) {
        if (pubsub == null || pubsub.isCompletedExceptionally()) {
            pubsub = client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture().thenApply(c -> {
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        onMessage.accept(channel, message);
                    }
                });
                if (closed) {
                    c.closeAsync();
                }
                return c;
            });
        }
        return pubsub;
    }

    /** Marks the node closed; the client's shutdown closes its connections. */
    void close() {
        closed = true;
    }

    /** What a failure looked like from this node, for messages: timeout, refused, or an error. */
    static String describe(Throwable err) {
        Throwable c = unwrap(err);
        if (c instanceof NotConnectedException) {
            return c.getMessage();
        }
        if (c instanceof RedisCommandTimeoutException || c instanceof TimeoutException) {
            return "timeout (" + c.getMessage() + ")";
        }
        if (c instanceof RedisConnectionException || c instanceof ConnectException
                || (c.getMessage() != null && c.getMessage().contains("not connected"))) {
            return "refused (" + rootMessage(c) + ")";
        }
        return "error (" + (c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName()) + ")";
    }

    static String rootMessage(Throwable t) {
        Throwable root = unwrap(t);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return address;
    }
}

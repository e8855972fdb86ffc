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
                commands = c.async();
            } else {
                lastError = describe(err);
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

    void close() {
        closed = true;
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.closeAsync();
        }
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> p;
        synchronized (this) {
            p = pubsub;
        }
        if (p != null) {
            p.thenAccept(StatefulRedisPubSubConnection::closeAsync);
        }
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
            Throwable root = c;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "refused (" + (root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName())
                    + ")";
        }
        return "error (" + (c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName()) + ")";
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

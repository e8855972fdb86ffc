package dev.distlock.samples;

import dev.distlock.embedded.EmbeddedRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The samples' shared "database": an embedded Redis server that the simulated application
 * instances read and write with plain {@code GET} and {@code SET}, each over its own connection,
 * as separate servers would. It offers no atomic read-modify-write on purpose: the samples show
 * what a distributed lock adds around one.
 *
 * <p>Thread-safe. {@link #close()} closes the connections and stops the server.
 */
public final class Database implements AutoCloseable {
    private final EmbeddedRedisServer server;
    private final RedisClient client;
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

    private Database(EmbeddedRedisServer server) {
        this.server = server;
        this.client = RedisClient.create(server.uri());
    }

    /**
     * Starts an empty database on a free loopback port.
     *
     * @return the running database
     */
    public static Database start() {
        return new Database(EmbeddedRedisServer.builder().port(0).build().start());
    }

    /**
     * Opens a new connection, as one application instance would.
     *
     * @return synchronous commands over a connection of its own, closed with this database
     */
    public synchronized RedisCommands<String, String> connect() {
        StatefulRedisConnection<String, String> c = client.connect();
        connections.add(c);
        return c.sync();
    }

    /**
     * Returns the server's URI, for example {@code redis://127.0.0.1:40123}.
     *
     * @return the URI
     */
    public String uri() {
        return server.uri();
    }

    @Override
    public synchronized void close() {
        for (StatefulRedisConnection<String, String> c : connections) {
            c.close();
        }
        connections.clear();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        server.close();
    }
}

package dev.distlock.samples;

import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.EmbeddedZooKeeper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lock stores a sample runs on: by default embedded servers started in this JVM (one Redis
 * server for {@code redis}, three for {@code redlock}, one ZooKeeper server for
 * {@code zookeeper}); or the servers named by URIs given on the command line.
 *
 * <p>Not thread-safe: used by a sample's main thread. {@link #close()} stops what it started.
 */
public final class LockServers implements AutoCloseable {
    private final Map<String, String> uris = new LinkedHashMap<>();
    private final List<AutoCloseable> started = new ArrayList<>();

    private LockServers() {
    }

    /**
     * Starts the embedded servers of the three backends.
     *
     * @param progress told about each server as it starts (for example {@code System.out::println})
     * @return the servers, by backend name: {@code redis}, {@code redlock}, {@code zookeeper}
     */
    public static LockServers embedded(java.util.function.Consumer<String> progress) {
        LockServers s = new LockServers();
        try {
            EmbeddedRedisServer redis = s.track(EmbeddedRedisServer.builder().port(0).build().start());
            s.uris.put("redis", redis.uri());
            progress.accept("  started an embedded Redis server at " + redis.uri());
            StringBuilder nodes = new StringBuilder("redlock://");
            for (int i = 0; i < 3; i++) {
                EmbeddedRedisServer node = s.track(EmbeddedRedisServer.builder().port(0).build().start());
                nodes.append(i == 0 ? "" : ",").append(node.host()).append(':').append(node.port());
            }
            // A roomier per-node timeout than the 50 ms default: the demo must not fail on a loaded laptop or CI box.
            s.uris.put("redlock", nodes + "?nodeTimeout=1s");
            progress.accept("  started 3 embedded Redis nodes for Redlock: " + nodes);
            EmbeddedZooKeeper zk = s.track(EmbeddedZooKeeper.standalone().start());
            s.uris.put("zookeeper", "zk://" + zk.connectString());
            progress.accept("  started an embedded ZooKeeper server at zk://" + zk.connectString());
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Uses servers that already run, named by URI; nothing is started.
     *
     * @param uris lock store URIs such as {@code redis://127.0.0.1:6379} or {@code zk://127.0.0.1:2181}
     * @return the servers, each named by its backend and, when two share a backend, its position
     * @throws IllegalArgumentException if {@code uris} is empty or a URI has no scheme
     */
    public static LockServers of(List<String> uris) {
        if (uris == null || uris.isEmpty()) {
            throw new IllegalArgumentException("uris must not be empty");
        }
        LockServers s = new LockServers();
        for (String uri : uris) {
            String name = backendOf(uri);
            String key = name;
            for (int n = 2; s.uris.containsKey(key); n++) {
                key = name + "-" + n;
            }
            s.uris.put(key, uri);
        }
        return s;
    }

    /**
     * Returns the backend a URI selects, by its scheme: {@code zk} is {@code zookeeper}.
     *
     * @param uri a lock store URI
     * @return the backend's name
     * @throws IllegalArgumentException if the URI has no scheme
     */
    static String backendOf(String uri) {
        int colon = uri == null ? -1 : uri.indexOf("://");
        if (colon <= 0) {
            throw new IllegalArgumentException("uri must look like scheme://host:port, was " + uri);
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "zk" -> "zookeeper";
            case "rediss" -> "redis";
            default -> scheme;
        };
    }

    /**
     * Returns the URIs by backend name, in the order the sample runs them.
     *
     * @return an unmodifiable view
     */
    public Map<String, String> uris() {
        return java.util.Collections.unmodifiableMap(uris);
    }

    private <T extends AutoCloseable> T track(T server) {
        started.add(server);
        return server;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("could not stop " + started.get(i) + ": " + e);
            }
        }
        started.clear();
    }
}

package dev.distlock.tests.redlock;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.redis.RedisKeyLayout;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * N independent Redis nodes for Redlock tests: real {@code redis-server} processes or embedded
 * servers, with one way to run a command on each and to build the {@code redlock://} URI.
 */
final class RedlockNodes implements AutoCloseable {
    static final RedisKeyLayout LAYOUT = RedisKeyLayout.defaults();

    final List<RedisProcess> processes = new ArrayList<>();
    final List<EmbeddedRedisServer> embedded = new ArrayList<>();
    private final java.util.Map<Integer, StatefulRedisConnection<String, String>> connections = new java.util.HashMap<>();
    private RedisClient lettuce;

    private RedlockNodes() {
    }

    /** Starts {@code n} real redis-server processes, or skips the test if the binary is absent. */
    static RedlockNodes processes(int n) {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        RedlockNodes nodes = new RedlockNodes();
        try {
            for (int i = 0; i < n; i++) {
                nodes.processes.add(RedisProcess.startDefault());
            }
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
        return nodes;
    }

    /** Starts {@code n} embedded servers. */
    static RedlockNodes embedded(int n) {
        RedlockNodes nodes = new RedlockNodes();
        try {
            for (int i = 0; i < n; i++) {
                nodes.embedded.add(EmbeddedRedisServer.builder().build().start());
            }
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
        return nodes;
    }

    int size() {
        return processes.isEmpty() ? embedded.size() : processes.size();
    }

    int port(int i) {
        return processes.isEmpty() ? embedded.get(i).port() : processes.get(i).port();
    }

    /** The redlock URI of all nodes, with extra query parameters (e.g. {@code nodeTimeout=250ms}). */
    String uri(String params) {
        StringBuilder sb = new StringBuilder("redlock://");
        for (int i = 0; i < size(); i++) {
            sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(port(i));
        }
        return params == null || params.isEmpty() ? sb.toString() : sb + "?" + params;
    }

    private StatefulRedisConnection<String, String> connection(int i) {
        synchronized (connections) {
            return connections.computeIfAbsent(i, k -> {
                if (lettuce == null) {
                    lettuce = RedisClient.create();
                }
                return lettuce.connect(RedisURI.create("redis://127.0.0.1:" + embedded.get(k).port()));
            });
        }
    }

    /** Deletes a key on node {@code i}; returns how many keys were deleted. */
    long del(int i, String key) {
        return processes.isEmpty() ? connection(i).sync().del(key) : (Long) processes.get(i).call("DEL", key);
    }

    /** Reads a string key on node {@code i}. */
    String get(int i, String key) {
        return processes.isEmpty() ? connection(i).sync().get(key) : (String) processes.get(i).call("GET", key);
    }

    /** Counts the subscribers of a channel on node {@code i}. */
    long subscribers(int i, String channel) {
        if (processes.isEmpty()) {
            return connection(i).sync().pubsubNumsub(channel).getOrDefault(channel, 0L);
        }
        return ((Number) ((List<?>) processes.get(i).call("PUBSUB", "NUMSUB", channel)).get(1)).longValue();
    }

    /**
     * Counts the subscribers of a lock's wake-up channels on node {@code i}: {@code channel}
     * itself and every client's own channel for the lock ({@code channel:<client id>}).
     */
    long wakeSubscribers(int i, String channel) {
        List<String> channels = new ArrayList<>();
        if (processes.isEmpty()) {
            channels.addAll(connection(i).sync().pubsubChannels(channel + "*"));
        } else {
            for (Object c : (List<?>) processes.get(i).call("PUBSUB", "CHANNELS", channel + "*")) {
                channels.add(c instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(c));
            }
        }
        long n = 0;
        for (String c : channels) {
            n += subscribers(i, c);
        }
        return n;
    }

    /** Every command node {@code i} ran (scripts' inner commands included), less INFO. */
    long commands(int i) {
        if (!processes.isEmpty()) {
            String info = String.valueOf(processes.get(i).call("INFO", "commandstats"));
            long total = 0;
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
                    int from = line.indexOf("calls=") + "calls=".length();
                    total += Long.parseLong(line.substring(from, line.indexOf(',', from)));
                }
            }
            return total;
        }
        throw new UnsupportedOperationException("command counts need redis-server processes");
    }

    /** The number of clients in the queue of lock {@code name} on node {@code i}. */
    long queued(int i, String name) {
        String key = LAYOUT.queueKey(name);
        return processes.isEmpty() ? connection(i).sync().zcard(key) : (Long) processes.get(i).call("ZCARD", key);
    }

    /** The client ids in the queue of lock {@code name} on node {@code i}, head first. */
    List<String> queueOrder(int i, String name) {
        String key = LAYOUT.queueKey(name);
        if (processes.isEmpty()) {
            return connection(i).sync().zrange(key, 0, -1);
        }
        List<String> ids = new ArrayList<>();
        for (Object c : (List<?>) processes.get(i).call("ZRANGE", key, "0", "-1")) {
            ids.add(c instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(c));
        }
        return ids;
    }

    /** The {@code CLIENT LIST} text of node {@code i}. */
    String clientList(int i) {
        return processes.isEmpty() ? connection(i).sync().clientList() : String.valueOf(processes.get(i).call("CLIENT", "LIST"));
    }

    /** Applies {@code f} to every node index and sums the results. */
    long sum(Function<Integer, Long> f) {
        long s = 0;
        for (int i = 0; i < size(); i++) {
            s += f.apply(i);
        }
        return s;
    }

    /** The value of the lock key on node {@code i}, or null. */
    String lockValue(int i, String name) {
        return get(i, LAYOUT.lockKey(name));
    }

    /** How many nodes hold the lock key of {@code name}. */
    int holders(String name) {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            if (lockValue(i, name) != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (lettuce != null) {
            lettuce.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
        }
        for (RedisProcess p : processes) {
            p.close();
        }
        for (EmbeddedRedisServer s : embedded) {
            s.close();
        }
    }
}

package dev.distlock.bench.internal;

import dev.distlock.bench.ServerCounter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The server counters: Redis through {@code INFO commandstats} and {@code INFO cpu}, ZooKeeper
 * through the {@code srvr} four-letter word (on ZooKeeper's default whitelist), and the pure
 * parsers behind them.
 *
 * <p>Redis counts the commands a Lua script runs ({@code redis.call}) as well as the
 * {@code EVALSHA} itself, in both {@code commandstats} and {@code total_commands_processed}:
 * "server commands" here is that number, a measure of server work, not of round trips. The
 * probe's own {@code INFO} calls are left out.
 */
public final class Counters {
    private Counters() {
    }

    /**
     * Sums the {@code calls=} of every {@code cmdstat_*} line of an {@code INFO commandstats}
     * reply, leaving out {@code cmdstat_info} (the probe itself).
     *
     * @param info the reply text
     * @return the sum, or -1 if the text has no {@code cmdstat_} line with a call count
     * @throws IllegalArgumentException if info is null
     */
    public static long sumCommandStats(String info) {
        if (info == null) {
            throw new IllegalArgumentException("info must not be null");
        }
        long total = 0;
        boolean any = false;
        for (String line : info.split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring("cmdstat_".length(), colon);
            long calls = field(line.substring(colon + 1), "calls");
            if (calls < 0) {
                continue;
            }
            any = true;
            if (!name.equals("info")) {
                total += calls;
            }
        }
        return any ? total : -1;
    }

    /**
     * Reads the {@code calls=} of every {@code cmdstat_*} line of an {@code INFO commandstats}
     * reply by command name ({@code evalsha}, {@code client|setinfo}, ...), leaving out
     * {@code cmdstat_info} (the probe itself).
     *
     * @param info the reply text
     * @return the counts by command name, empty if there is none
     * @throws IllegalArgumentException if info is null
     */
    public static java.util.Map<String, Long> commandStats(String info) {
        if (info == null) {
            throw new IllegalArgumentException("info must not be null");
        }
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("cmdstat_") || colon < 0) {
                continue;
            }
            String name = line.substring("cmdstat_".length(), colon);
            long calls = field(line.substring(colon + 1), "calls");
            if (calls >= 0 && !name.equals("info")) {
                out.put(name, calls);
            }
        }
        return out;
    }

    /**
     * Reads a numeric {@code name:value} line of an {@code INFO} reply, for example
     * {@code used_cpu_user:0.12} or {@code total_commands_processed:42}.
     *
     * @param info the reply text
     * @param name the field name
     * @return the value, or NaN if absent or not a number
     * @throws IllegalArgumentException if an argument is null
     */
    public static double infoNumber(String info, String name) {
        if (info == null || name == null) {
            throw new IllegalArgumentException("info and name must not be null");
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                try {
                    return Double.parseDouble(line.substring(name.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    /**
     * Reads the {@code Received: N} line of a ZooKeeper {@code srvr} reply: requests received
     * from clients, pings included.
     *
     * @param srvr the reply text
     * @return the count, or -1 if absent
     * @throws IllegalArgumentException if srvr is null
     */
    public static long zkReceived(String srvr) {
        if (srvr == null) {
            throw new IllegalArgumentException("srvr must not be null");
        }
        for (String line : srvr.split("\r?\n")) {
            if (line.startsWith("Received:")) {
                try {
                    return Long.parseLong(line.substring("Received:".length()).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static long field(String csv, String key) {
        for (String kv : csv.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(key)) {
                try {
                    return Long.parseLong(kv.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * Opens a counter on a Redis server.
     *
     * @param uri          the server, {@code redis://[user:pass@]host:port}
     * @param ownProcess   whether the server runs in a process of its own (its CPU is then reported)
     * @return the counter; close it
     * @throws RuntimeException if the server cannot be reached
     */
    public static ServerCounter redis(String uri, boolean ownProcess) {
        return new RedisCounter(uri, ownProcess);
    }

    /**
     * Opens a counter on a ZooKeeper server (one member).
     *
     * @param hostPort {@code host:port}
     * @return the counter
     * @throws IllegalArgumentException if hostPort is not host:port
     */
    public static ServerCounter zookeeper(String hostPort) {
        int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("hostPort must be host:port, was " + hostPort);
        }
        return new ZkCounter(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Asks a Redis server over one Lettuce connection of its own. */
    private static final class RedisCounter implements ServerCounter {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> conn;
        private final boolean ownProcess;
        private long probes;

        RedisCounter(String uri, boolean ownProcess) {
            RedisURI u = RedisURI.create(uri);
            u.setTimeout(Duration.ofSeconds(5));
            this.client = RedisClient.create(u);
            this.conn = client.connect();
            this.ownProcess = ownProcess;
        }

        @Override
        public synchronized long commands() {
            String stats = conn.sync().info("commandstats");
            probes++;
            long sum = sumCommandStats(stats);
            if (sum >= 0) {
                return sum;
            }
            // A server without commandstats: fall back to the total, minus our own INFO calls.
            double total = infoNumber(conn.sync().info("stats"), "total_commands_processed");
            probes++;
            return Double.isNaN(total) ? -1 : (long) total - probes;
        }

        @Override
        public synchronized java.util.Map<String, Long> commandCounts() {
            String stats = conn.sync().info("commandstats");
            probes++;
            return commandStats(stats);
        }

        @Override
        public synchronized double cpuSeconds() {
            if (!ownProcess) {
                return Double.NaN;
            }
            String cpu = conn.sync().info("cpu");
            probes++;
            return infoNumber(cpu, "used_cpu_user") + infoNumber(cpu, "used_cpu_sys");
        }

        @Override
        public synchronized void close() {
            conn.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** Asks a ZooKeeper server with the {@code srvr} four-letter word, a fresh socket each time. */
    private static final class ZkCounter implements ServerCounter {
        private final String host;
        private final int port;

        ZkCounter(String host, int port) {
            this.host = host;
            this.port = port;
        }

        @Override
        public long commands() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("srvr".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return zkReceived(buf.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("ZooKeeper srvr on " + host + ":" + port + " failed", e);
            }
        }

        @Override
        public double cpuSeconds() {
            return Double.NaN;
        }

        @Override
        public void close() {
        }
    }
}

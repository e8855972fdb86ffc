package dev.distlock.embedded;

import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedRedisServer} as a standalone process, for redis-cli, redis-benchmark
 * or any Redis client:
 *
 * <pre>
 * mvn -q -pl embedded-store exec:java -Dexec.args="--port 6390"
 * </pre>
 *
 * <p>Options: {@code --port N} (default 6379; 0 for a free one), {@code --bind ADDRESS}
 * (default 127.0.0.1), {@code --requirepass PASSWORD}, {@code --databases N},
 * {@code --replicaof HOST:PORT} (another embedded server), {@code --appendonly DIR} with
 * {@code --appendfsync always|everysec|no} (default everysec), {@code --dir DIR} (snapshots).
 * Prints the URI on the first line of standard output and serves until the process is stopped.
 */
public final class Main {
    private Main() {
    }

    /**
     * Starts the server and waits forever.
     *
     * @param args the options above
     * @throws IllegalArgumentException on an unknown option or a bad value
     * @throws InterruptedException     if the main thread is interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder().port(6379);
        java.nio.file.Path aofDir = null;
        AppendFsync fsync = AppendFsync.EVERYSEC;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port" -> b.port(Integer.parseInt(required(a, v)));
                case "--bind" -> b.bindAddress(required(a, v));
                case "--requirepass" -> b.requirePass(required(a, v));
                case "--databases" -> b.databases(Integer.parseInt(required(a, v)));
                case "--replicaof" -> {
                    String hp = required(a, v);
                    int colon = hp.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("--replicaof needs HOST:PORT: " + hp);
                    }
                    b.replicaOf(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
                }
                case "--appendonly" -> aofDir = java.nio.file.Path.of(required(a, v));
                case "--appendfsync" -> fsync = AppendFsync.valueOf(required(a, v).toUpperCase(java.util.Locale.ROOT));
                case "--dir" -> b.dataDir(java.nio.file.Path.of(required(a, v)));
                case "--help", "-h" -> {
                    System.out.println("usage: Main [--port N] [--bind ADDRESS] [--requirepass PASSWORD] [--databases N]"
                            + " [--replicaof HOST:PORT] [--appendonly DIR] [--appendfsync always|everysec|no] [--dir DIR]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
            i++;
        }
        if (aofDir != null) {
            b.appendOnly(aofDir, fsync);
        }
        EmbeddedRedisServer server = b.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-redis-shutdown"));
        System.out.println(server.uri());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}

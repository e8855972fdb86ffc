package dev.distlock.tests.safety;

import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.zookeeper.ZkLockNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * A lock store for a safety run, started in this JVM, with the faults that are specific to it.
 * The worker faults (SIGSTOP past the lease, kill -9) are added by {@link SafetyRun} for every
 * backend.
 *
 * <p>Not thread-safe: one run drives it.
 */
public abstract class SafetyBackend implements AutoCloseable {
    /** The lease of the workers' locks (watchdog-renewed every third of it). */
    static final long LEASE_MS = 3_000;

    private final String name;

    SafetyBackend(String name) {
        this.name = name;
    }

    /**
     * Starts the named backend: {@code redis} (one embedded Redis-protocol server),
     * {@code redlock} (three of them) or {@code zookeeper} (a three-member embedded ensemble).
     *
     * @param name the backend
     * @return the started backend; close it when done
     * @throws IllegalArgumentException if the name is none of those
     */
    public static SafetyBackend start(String name) {
        return switch (name == null ? "" : name) {
            case "redis" -> new Redis();
            case "redlock" -> new Redlock();
            case "zookeeper" -> new ZooKeeperEnsemble();
            default -> throw new IllegalArgumentException("backend must be redis, redlock or zookeeper, was " + name);
        };
    }

    /**
     * Returns the backend's name.
     *
     * @return {@code redis}, {@code redlock} or {@code zookeeper}
     */
    public final String name() {
        return name;
    }

    /**
     * Returns the URI the workers connect to.
     *
     * @return the URI
     */
    public abstract String uri();

    /**
     * Returns the lease the workers use.
     *
     * @return the lease in milliseconds
     */
    public long leaseMs() {
        return LEASE_MS;
    }

    /**
     * Returns how long a stopped worker stays stopped: long enough for its hold to be gone on
     * the store.
     *
     * @return milliseconds
     */
    public long stallMs() {
        return leaseMs() + 2_000;
    }

    /**
     * Returns the faults of the store itself, in the order a round injects them.
     *
     * @return the faults
     */
    public abstract List<Fault> storeFaults();

    /** Removes any fault still active (a pause, a partition), so the workers can finish. */
    public abstract void heal();

    /** Stops the store. Idempotent. */
    @Override
    public abstract void close();

    private static void hold(long millis) throws InterruptedException {
        Thread.sleep(millis); // the fault lasts this long: time passing is the point
    }

    /** One embedded Redis-protocol server. */
    static final class Redis extends SafetyBackend {
        private final EmbeddedRedisServer server = EmbeddedRedisServer.builder().build().start();

        Redis() {
            super("redis");
        }

        @Override
        public String uri() {
            return server.uri();
        }

        @Override
        public List<Fault> storeFaults() {
            return List.of(
                    new Fault("redis-restart-keep-data", run -> {
                        server.faults().stop();
                        hold(1_000);
                        server.faults().restart(true);
                        return "server (down 1 s, data kept)";
                    }),
                    new Fault("redis-drop-connections", run -> "server (" + server.faults().dropConnections()
                            + " connections)"),
                    new Fault("redis-restart-lose-data", run -> {
                        server.faults().stop();
                        hold(1_000);
                        server.faults().restart(false);
                        return "server (down 1 s, data lost)";
                    }));
        }

        @Override
        public void heal() {
            server.faults().clear();
            if (!server.isRunning()) {
                server.faults().restart(true);
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** Three embedded Redis-protocol servers for Redlock. */
    static final class Redlock extends SafetyBackend {
        private final List<EmbeddedRedisServer> nodes = new ArrayList<>();

        Redlock() {
            super("redlock");
            for (int i = 0; i < 3; i++) {
                nodes.add(EmbeddedRedisServer.builder().build().start());
            }
        }

        @Override
        public String uri() {
            return "redlock://" + nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
        }

        private Fault pause(String name, int... which) {
            return new Fault(name, run -> {
                Duration d = Duration.ofMillis(2_000);
                for (int i : which) {
                    nodes.get(i).faults().pause(d.plusSeconds(5));
                }
                hold(d.toMillis());
                for (int i : which) {
                    nodes.get(i).faults().resume();
                }
                return "nodes " + java.util.Arrays.toString(which) + " paused 2 s";
            });
        }

        private Fault partition(String name, int... which) {
            return new Fault(name, run -> {
                for (int i : which) {
                    nodes.get(i).faults().partition();
                }
                hold(2_000);
                for (int i : which) {
                    nodes.get(i).faults().acceptConnections();
                }
                return "nodes " + java.util.Arrays.toString(which) + " partitioned 2 s";
            });
        }

        @Override
        public List<Fault> storeFaults() {
            return List.of(pause("redlock-pause-minority", 0), partition("redlock-partition-minority", 1),
                    pause("redlock-pause-majority", 0, 1), partition("redlock-partition-majority", 1, 2));
        }

        @Override
        public void heal() {
            for (EmbeddedRedisServer n : nodes) {
                n.faults().clear();
                n.faults().acceptConnections();
            }
        }

        @Override
        public void close() {
            nodes.forEach(EmbeddedRedisServer::close);
        }
    }

    /** A three-member embedded ZooKeeper ensemble. */
    static final class ZooKeeperEnsemble extends SafetyBackend {
        private static final String NAMESPACE = "/safety";
        private static final long SESSION_MS = 3_000;
        private final EmbeddedZooKeeper zk = EmbeddedZooKeeper.builder().ensemble(3)
                .sessionTimeouts(Duration.ofMillis(500), Duration.ofSeconds(30)).build().start();
        private ZooKeeper admin;

        ZooKeeperEnsemble() {
            super("zookeeper");
        }

        @Override
        public String uri() {
            return "zk://" + zk.connectString() + NAMESPACE + "?sessionTimeout=" + SESSION_MS + "ms";
        }

        @Override
        public long stallMs() {
            return Math.max(leaseMs(), SESSION_MS) + 2_000;
        }

        @Override
        public List<Fault> storeFaults() {
            return List.of(
                    new Fault("zk-expire-holder-session", run -> {
                        long session = holderSession(run.lockName());
                        if (session == 0) {
                            return "nobody held the lock";
                        }
                        zk.expireSession(session);
                        return "session 0x" + Long.toHexString(session);
                    }),
                    new Fault("zk-kill-leader", run -> {
                        int leader = zk.leader();
                        zk.kill(leader);
                        hold(2_000);
                        zk.restart(leader);
                        return "member " + leader + " (down 2 s)";
                    }));
        }

        /** The session owning the lowest lock node, or 0 if there is none. */
        private long holderSession(String lockName) throws Exception {
            ZooKeeper z = admin();
            String parent = ZkLockNames.lockPath(ZkLockNames.namespaceRoot(NAMESPACE), lockName);
            try {
                List<String> children = new ArrayList<>(z.getChildren(parent, false));
                children.removeIf(c -> ZkLockNames.sequenceOf(c) < 0);
                children.sort(Comparator.comparingLong(ZkLockNames::sequenceOf));
                for (String c : children) {
                    Stat stat = z.exists(parent + "/" + c, false);
                    if (stat != null) {
                        return stat.getEphemeralOwner();
                    }
                }
                return 0;
            } catch (KeeperException.NoNodeException e) {
                return 0;
            }
        }

        private ZooKeeper admin() throws Exception {
            if (admin == null || !admin.getState().isAlive()) {
                CountDownLatch connected = new CountDownLatch(1);
                admin = new ZooKeeper(zk.connectString(), 20_000, e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                });
                if (!connected.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("admin session could not connect to " + zk.connectString());
                }
            }
            return admin;
        }

        @Override
        public void heal() {
            for (int i = 0; i < zk.size(); i++) {
                if (!zk.isRunning(i)) {
                    zk.restart(i);
                }
            }
        }

        @Override
        public void close() {
            try {
                if (admin != null) {
                    admin.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            zk.close();
        }
    }
}

package dev.distlock.embedded;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;

/**
 * One peer of an ensemble, run the way {@code zkServer.sh} runs it ({@link QuorumPeerMain}
 * with a parsed configuration), on a thread of its own.
 */
final class EmbeddedZooKeeperQuorumNode extends EmbeddedZooKeeperNode {
    private final Properties properties;
    private Main main;
    private Thread thread;

    EmbeddedZooKeeperQuorumNode(int index, int clientPort, Path dataDir, Properties ensembleProperties) {
        super(index, clientPort, dataDir);
        this.properties = new Properties();
        this.properties.putAll(ensembleProperties);
        this.properties.setProperty("dataDir", dataDir.toAbsolutePath().toString());
        this.properties.setProperty("clientPort", Integer.toString(clientPort));
        this.properties.setProperty("clientPortAddress", LoopbackPorts.loopback().getHostAddress());
    }

    /** The ZooKeeper server id ({@code myid}) of this member. */
    long serverId() {
        return index + 1L;
    }

    @Override
    void start() throws Exception {
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("myid"), Long.toString(serverId()), StandardCharsets.US_ASCII);
        QuorumPeerConfig config = new QuorumPeerConfig();
        config.parseProperties(properties);
        Main m = new Main();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                m.runFromConfig(config); // returns when the peer stops
            } catch (Throwable e) { // a bind failure or bad config: report it to start()
                failure.set(e);
            }
        }, "embedded-zk-peer-" + serverId());
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            QuorumPeer p = m.peer;
            if (failure.get() != null || !t.isAlive()) {
                m.close();
                throw new IllegalStateException("ZooKeeper peer " + serverId() + " did not start", failure.get());
            }
            if (p != null && p.isAlive()) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                m.close();
                throw new IllegalStateException("ZooKeeper peer " + serverId() + " did not start within 30 s");
            }
            Thread.sleep(2);
        }
        this.main = m;
        this.thread = t;
    }

    @Override
    void shutdown(boolean abrupt) {
        Main m = main;
        if (m == null) {
            return;
        }
        main = null;
        // Shutting a peer down closes its listener and every client connection at once, so a
        // crash and a clean stop look the same to clients here.
        m.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    @Override
    boolean running() {
        return main != null;
    }

    @Override
    boolean serving() {
        QuorumPeer peer = peer();
        return peer != null && peer.isRunning() && isRunning(peer.getActiveServer());
    }

    @Override
    boolean leading() {
        QuorumPeer peer = peer();
        return peer != null && peer.getPeerState() == QuorumPeer.ServerState.LEADING && serving();
    }

    @Override
    ZooKeeperServer activeServer() {
        QuorumPeer peer = peer();
        return peer == null ? null : peer.getActiveServer();
    }

    private QuorumPeer peer() {
        Main m = main;
        return m == null ? null : m.peer;
    }

    /** Captures the peer that {@link QuorumPeerMain#runFromConfig} creates. */
    private static final class Main extends QuorumPeerMain {
        volatile QuorumPeer peer;

        @Override
        protected QuorumPeer getQuorumPeer() throws javax.security.sasl.SaslException {
            QuorumPeer p = super.getQuorumPeer();
            peer = p;
            return p;
        }
    }
}

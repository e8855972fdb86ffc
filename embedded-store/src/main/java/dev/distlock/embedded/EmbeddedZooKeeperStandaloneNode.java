package dev.distlock.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.zookeeper.server.ContainerManager;
import org.apache.zookeeper.server.RequestProcessor;
import org.apache.zookeeper.server.ServerCnxn;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/**
 * A single ZooKeeper server built from ZooKeeper's own classes (what {@code ZooKeeperServerMain}
 * does, minus the admin server, JMX and the blocking main thread), plus a container manager
 * with a short interval.
 */
final class EmbeddedZooKeeperStandaloneNode extends EmbeddedZooKeeperNode {
    private final EmbeddedZooKeeper.Builder config;
    private ServerCnxnFactory factory;
    private Server server;
    private FileTxnSnapLog txnLog;
    private ContainerManager containers;

    EmbeddedZooKeeperStandaloneNode(EmbeddedZooKeeper.Builder config, int clientPort, java.nio.file.Path dataDir) {
        super(0, clientPort, dataDir);
        this.config = config;
    }

    @Override
    void start() throws Exception {
        txnLog = new FileTxnSnapLog(dataDir.resolve("log").toFile(), dataDir.resolve("snap").toFile());
        server = new Server(txnLog, config);
        factory = ServerCnxnFactory.createFactory(new InetSocketAddress(LoopbackPorts.loopback(), clientPort), 0);
        try {
            factory.startup(server);
        } catch (IOException | InterruptedException | RuntimeException e) {
            shutdown(true);
            throw e;
        }
        containers = new ContainerManager(server.getZKDatabase(), server.firstProcessor(),
                (int) config.containerCheckInterval.toMillis(), 100_000,
                0); // as real ZooKeeper: a container that never had a child is kept
        containers.start();
    }

    @Override
    void shutdown(boolean abrupt) {
        if (containers != null) {
            containers.stop();
            containers = null;
        }
        if (factory != null) {
            if (abrupt) {
                factory.closeAll(ServerCnxn.DisconnectReason.SERVER_SHUTDOWN);
            }
            factory.shutdown(); // also shuts the attached server down
            factory = null;
        }
        if (server != null) {
            server.shutdown();
            try {
                server.getZKDatabase().close();
            } catch (IOException | RuntimeException ignored) {
                // the database is being thrown away; a failing close leaves nothing to clean
            }
            server = null;
        }
        if (txnLog != null) {
            try {
                txnLog.close();
            } catch (IOException ignored) {
                // as above
            }
            txnLog = null;
        }
    }

    @Override
    boolean running() {
        return factory != null;
    }

    @Override
    boolean serving() {
        return isRunning(server);
    }

    @Override
    boolean leading() {
        return serving();
    }

    @Override
    ZooKeeperServer activeServer() {
        return server;
    }

    /** Exposes the first request processor (for the container manager) and skips JMX. */
    private static final class Server extends ZooKeeperServer {
        Server(FileTxnSnapLog txnLog, EmbeddedZooKeeper.Builder config) {
            super(txnLog, config.tickMillis(), config.minSessionMillis(), config.maxSessionMillis(), -1,
                    new org.apache.zookeeper.server.ZKDatabase(txnLog), "");
        }

        RequestProcessor firstProcessor() {
            return firstProcessor;
        }

        @Override
        protected void registerJMX() {
            // one JVM may run many of these; JMX names would clash and nobody reads them
        }

        @Override
        protected void unregisterJMX() {
            // nothing was registered
        }
    }
}

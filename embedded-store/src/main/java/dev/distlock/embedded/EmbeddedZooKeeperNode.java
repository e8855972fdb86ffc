package dev.distlock.embedded;

import java.nio.file.Path;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * One member of an {@link EmbeddedZooKeeper}: a standalone server or a quorum peer. Its ports
 * and data directory never change, so stopping and starting it again keeps both.
 *
 * <p>Not thread-safe: {@link EmbeddedZooKeeper} calls it under its own lock.
 */
abstract class EmbeddedZooKeeperNode {
    final int index;
    final int clientPort;
    final Path dataDir;

    EmbeddedZooKeeperNode(int index, int clientPort, Path dataDir) {
        this.index = index;
        this.clientPort = clientPort;
        this.dataDir = dataDir;
    }

    /** Starts the member and returns once it listens (it may not serve yet: a quorum may be missing). */
    abstract void start() throws Exception;

    /**
     * Stops the member; {@code abrupt} drops client connections first, as a crash would.
     * Idempotent.
     */
    abstract void shutdown(boolean abrupt);

    /** True once {@link #start()} returned and until {@link #shutdown(boolean)}. */
    abstract boolean running();

    /** True when the member answers client requests (it is part of a working quorum). */
    abstract boolean serving();

    /** True when the member is the quorum's leader (always true for a serving standalone server). */
    abstract boolean leading();

    /** The server that owns sessions on this member, or null while it does not serve. */
    abstract ZooKeeperServer activeServer();

    static boolean isRunning(ZooKeeperServer server) {
        return server != null && server.isRunning();
    }
}

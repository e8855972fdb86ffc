package dev.distlock.tests.zookeeper;

import dev.distlock.zookeeper.ZkLockNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * An operator's view of the lock nodes, through a separate Curator session: lists, inspects
 * and deletes the nodes of a lock. Reads are preceded by a {@code sync}, so that on an ensemble
 * they see every write committed before.
 */
final class ZkAdmin implements AutoCloseable {
    private final CuratorFramework curator;
    private final String root;

    ZkAdmin(String connectString, String root) {
        this(connectString, root, null);
    }

    /** With {@code digest} ({@code user:password}), the admin session authenticates as that user. */
    ZkAdmin(String connectString, String root, String digest) {
        this.root = root;
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder().connectString(connectString)
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100));
        if (digest != null) {
            b.authorization("digest", digest.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        this.curator = b.build();
        curator.start();
        try {
            if (!curator.blockUntilConnected(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("admin client could not connect to " + connectString);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The namespace root, for example {@code /contract-1234}. */
    String root() {
        return root;
    }

    /** The path of the lock's parent node. */
    String lockPath(String name) {
        return ZkLockNames.lockPath(root, name);
    }

    /** The lock nodes of {@code name}, lowest sequence first; empty if the parent does not exist. */
    List<String> lockNodes(String name) {
        String parent = lockPath(name);
        try {
            ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
            CompletableFuture<Void> synced = new CompletableFuture<>();
            zk.sync(parent, (rc, p, ctx) -> synced.complete(null), null);
            synced.get(10, TimeUnit.SECONDS);
            List<String> children = new ArrayList<>(zk.getChildren(parent, false));
            children.removeIf(c -> ZkLockNames.sequenceOf(c) < 0);
            children.sort(Comparator.comparingLong(ZkLockNames::sequenceOf));
            return children;
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new IllegalStateException("could not list " + parent, e);
        }
    }

    /** Lock nodes other than the lowest (the holder's). */
    int leftovers(String name) {
        return Math.max(0, lockNodes(name).size() - 1);
    }

    /** The stat of a lock node, or null if it is gone. */
    Stat stat(String name, String node) {
        try {
            return curator.checkExists().forPath(lockPath(name) + "/" + node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The session that owns the current holder's node. */
    long holderSession(String name) {
        List<String> nodes = lockNodes(name);
        if (nodes.isEmpty()) {
            throw new AssertionError("lock " + name + " has no nodes");
        }
        Stat stat = stat(name, nodes.get(0));
        if (stat == null) {
            throw new AssertionError("holder node of " + name + " vanished");
        }
        return stat.getEphemeralOwner();
    }

    /** Deletes the holder's node, as an operator would. */
    void deleteHolderNode(String name) {
        List<String> nodes = lockNodes(name);
        if (nodes.isEmpty()) {
            throw new AssertionError("lock " + name + " was not held");
        }
        try {
            curator.delete().forPath(lockPath(name) + "/" + nodes.get(0));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ACL of a node. */
    List<org.apache.zookeeper.data.ACL> acl(String path) {
        try {
            return curator.getACL().forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the lock's parent node exists. */
    boolean parentExists(String name) {
        try {
            return curator.checkExists().forPath(lockPath(name)) != null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        curator.close();
    }
}

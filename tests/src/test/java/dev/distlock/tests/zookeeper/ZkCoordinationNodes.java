package dev.distlock.tests.zookeeper;

import dev.distlock.zookeeper.ZkLockNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;

/**
 * Looks at the nodes the ZooKeeper backend keeps for read-write locks and semaphores, through a
 * session of its own, and counts the waiters among them (the nodes that do not hold), by the
 * rules of {@code ZkCoordinationDriver}.
 */
final class ZkCoordinationNodes implements AutoCloseable {
    private final CuratorFramework curator;
    private final String root;

    ZkCoordinationNodes(String connectString, String root) {
        this.root = root;
        this.curator = CuratorFrameworkFactory.builder().connectString(connectString).sessionTimeoutMs(10_000)
                .connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100)).build();
        curator.start();
        try {
            if (!curator.blockUntilConnected(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not connect to " + connectString);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long seq(String child) {
        return Long.parseLong(child.substring(child.length() - 10));
    }

    private static String plain(String child) {
        // Curator's protection prefix: _c_, a 36-character UUID, a dash.
        return child.startsWith("_c_") && child.length() > 40 ? child.substring(40) : child;
    }

    private List<String> children(String parent) throws Exception {
        curator.sync().forPath(parent);
        List<String> children = new ArrayList<>(curator.getChildren().forPath(parent));
        children.sort(Comparator.comparingLong(ZkCoordinationNodes::seq));
        return children;
    }

    /** Waiting nodes of the read-write lock and the semaphore {@code name}. */
    int waiters(String name) {
        return rwWaiters(name) + semWaiters(name);
    }

    private int rwWaiters(String name) {
        try {
            List<String> nodes = children(root + "/rwlocks/" + ZkLockNames.encode(name));
            int waiting = 0;
            for (int i = 0; i < nodes.size(); i++) {
                String me = plain(nodes.get(i));
                String owner = me.substring(2, me.length() - 11);
                boolean blocked = false;
                for (int j = 0; j < i; j++) {
                    String below = plain(nodes.get(j));
                    if (me.startsWith("w-") || (below.startsWith("w-") && !below.substring(2, below.length() - 11)
                            .equals(owner))) {
                        blocked = true;
                        break;
                    }
                }
                if (blocked) {
                    waiting++;
                }
            }
            return waiting;
        } catch (KeeperException.NoNodeException e) {
            return 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int semWaiters(String name) {
        String parent = root + "/semaphores/" + ZkLockNames.encode(name);
        try {
            // The limit is not stored on the server, so every node but the lowest counts: right
            // for the suite, whose semaphore waiters always queue behind one lease of every permit.
            return Math.max(0, children(parent).size() - 1);
        } catch (KeeperException.NoNodeException e) {
            return 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The session that owns the lowest node under the semaphore or read-write lock {@code name}. */
    long lowestNodeSession(String name) {
        for (String parent : new String[] {root + "/semaphores/" + ZkLockNames.encode(name),
                root + "/rwlocks/" + ZkLockNames.encode(name)}) {
            try {
                List<String> nodes = children(parent);
                if (!nodes.isEmpty()) {
                    return curator.checkExists().forPath(parent + "/" + nodes.get(0)).getEphemeralOwner();
                }
            } catch (KeeperException.NoNodeException e) {
                // try the other kind
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no node for " + name);
    }

    @Override
    public void close() {
        curator.close();
    }
}

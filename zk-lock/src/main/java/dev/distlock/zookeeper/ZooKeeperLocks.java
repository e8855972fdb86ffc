package dev.distlock.zookeeper;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.LockException;
import dev.distlock.spi.LockDrivers;
import dev.distlock.spi.LockUri;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Connects {@link LockClient}s to ZooKeeper. Most code uses
 * {@code LockClients.connect("zk://h1:2181,h2:2181/myapp")}; this class adds the
 * ZooKeeper-specific {@link ZkLockOptions}.
 *
 * <p>URI: {@code zk://[user:password@]host[:port][,host[:port]…][/namespace][?options]}. The
 * port defaults to 2181; the namespace (default {@code distlock}) is the root under which lock
 * nodes live; {@code user:password} turns on digest authentication, and lock nodes are then
 * created with {@code CREATOR_ALL_ACL}. Options: see {@link ZkLockOptions}.
 *
 * <p>The client is built on Curator framework, which keeps the session (reconnects, fails over
 * between hosts, reports suspension and loss). Locks are ephemeral sequential nodes; see
 * {@link ZkLockNames} for the layout and the README of this module for the recipe and its
 * failure behaviour.
 *
 * <p>Thread-safe.
 */
public final class ZooKeeperLocks {
    /** The URI scheme served. */
    public static final String SCHEME = "zk";
    /** The backend name reported by {@link LockClient#backend()}. */
    public static final String BACKEND = "zookeeper";
    /** The port used when a host has none. */
    public static final int DEFAULT_PORT = 2181;

    private ZooKeeperLocks() {
    }

    /**
     * Connects with the given settings.
     *
     * @param uri a {@code zk://} URI
     * @param config the shared settings (connect and command timeouts, watchdog lease, clock)
     * @param options the ZooKeeper settings; URI parameters override them
     * @return a connected client; close it to end the session (which deletes its lock nodes)
     * @throws IllegalArgumentException if an argument is null, the URI is not a valid
     *         {@code zk://} URI (the message names the part and the rule), or an option is invalid
     * @throws BackendUnavailableException if no ZooKeeper server answers within the connect
     *         timeout, or the namespace cannot be created
     */
    public static LockClient connect(String uri, LockConfig config, ZkLockOptions options) {
        if (uri == null) {
            throw new IllegalArgumentException("uri must not be null");
        }
        return connect(LockUri.parse(uri), config, options);
    }

    /**
     * Connects with the given settings.
     *
     * @param uri a parsed {@code zk://} URI
     * @param config the shared settings
     * @param options the ZooKeeper settings; URI parameters override them
     * @return a connected client
     * @throws IllegalArgumentException if an argument is null or invalid (see
     *         {@link #connect(String, LockConfig, ZkLockOptions)})
     * @throws BackendUnavailableException if no ZooKeeper server answers within the connect
     *         timeout
     */
    public static LockClient connect(LockUri uri, LockConfig config, ZkLockOptions options) {
        if (uri == null) {
            throw new IllegalArgumentException("uri must not be null");
        }
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (!SCHEME.equals(uri.scheme())) {
            throw new IllegalArgumentException("uri scheme must be '" + SCHEME + "', was '" + uri.scheme() + "'");
        }
        if (uri.hosts().isEmpty()) {
            throw new IllegalArgumentException("zk uri must name at least one host, as in zk://127.0.0.1:2181, was " + uri);
        }
        boolean auth = uri.password() != null;
        if (auth && uri.user() == null) {
            throw new IllegalArgumentException("zk uri credentials must be user:password (digest authentication), was " + uri);
        }
        String root = ZkLockNames.namespaceRoot(uri.path());
        ZkLockOptions merged = options.withUriParameters(uri.params());
        StringJoiner hosts = new StringJoiner(",");
        for (LockUri.HostPort hp : uri.hosts()) {
            hosts.add(hp.withDefaultPort(DEFAULT_PORT).toString());
        }
        String connectString = hosts.toString();
        long connectMillis = config.connectTimeout().toMillis();
        // The recipe waits for some replies with ZooKeeper's synchronous API (fewer thread
        // hand-offs); the request timeout bounds those waits by the command timeout.
        ZKClientConfig zkConfig = new ZKClientConfig();
        zkConfig.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT,
                Long.toString(Math.max(1, config.commandTimeout().toMillis())));
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .zkClientConfig(zkConfig)
                .sessionTimeoutMs((int) Math.min(Integer.MAX_VALUE, merged.sessionTimeout().toMillis()))
                .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, connectMillis))
                // used only by Curator's own requests (creating parents); the recipe retries by itself
                .retryPolicy(new ExponentialBackoffRetry(50, 3));
        if (auth) {
            builder.authorization("digest", (uri.user() + ":" + uri.password()).getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework curator = builder.build();
        curator.start();
        try {
            if (!curator.blockUntilConnected((int) Math.min(Integer.MAX_VALUE, connectMillis), TimeUnit.MILLISECONDS)) {
                throw new BackendUnavailableException(
                        "ZooKeeper at " + connectString + " did not answer within " + config.connectTimeout(), null);
            }
            ensureNamespace(curator, root, auth);
        } catch (InterruptedException e) {
            curator.close();
            Thread.currentThread().interrupt();
            throw new LockException("interrupted while connecting to ZooKeeper at " + connectString, e);
        } catch (RuntimeException e) {
            curator.close();
            throw e;
        }
        ZkLockDriver driver = new ZkLockDriver(curator, root, merged, config, auth);
        try {
            // Read-write locks and semaphores sit in front of the mutex driver (issue 10).
            return LockDrivers.newClient(BACKEND, config, new ZkCoordinationDriver(driver, curator, root));
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    private static void ensureNamespace(CuratorFramework curator, String root, boolean auth) {
        String locks = root + "/" + ZkLockNames.LOCKS;
        try {
            if (curator.checkExists().forPath(locks) == null) {
                curator.create().creatingParentsIfNeeded()
                        .withACL(auth ? ZkLockDriver.ACL_CREATOR : ZkLockDriver.ACL_OPEN).forPath(locks);
            }
        } catch (KeeperException.NodeExistsException e) {
            // created meanwhile by another client
        } catch (Exception e) {
            throw new BackendUnavailableException("could not create the lock namespace " + locks + ": " + e, e);
        }
    }
}

/**
 * The ZooKeeper backend of distlock, on Curator framework: {@code zk://host:port[,…][/namespace]}.
 *
 * <p>Public: {@link dev.distlock.zookeeper.ZooKeeperLocks} (connect with options),
 * {@link dev.distlock.zookeeper.ZkLockOptions} and {@link dev.distlock.zookeeper.SuspendPolicy}
 * (session behaviour), {@link dev.distlock.zookeeper.ZkLockNames} (node layout and name
 * encoding), {@link dev.distlock.zookeeper.ZkRequestStats} (request counts) and the
 * {@link dev.distlock.zookeeper.ZooKeeperLockClientProvider} found by
 * {@link dev.distlock.LockClients}. The recipe itself is package-private; its design note is on
 * {@code ZkLockDriver}.
 */
package dev.distlock.zookeeper;

package dev.distlock.embedded.internal;

import dev.distlock.embedded.AppendFsync;
import dev.distlock.embedded.StoreClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The checked settings of a server (see {@code EmbeddedRedisServer.Builder}).
 *
 * @param port               the port, 0 for a free one
 * @param bindAddress        the address to listen on
 * @param requirePass        the default user's password, or null for none
 * @param users              further users and their passwords (all permissions)
 * @param clock              the time source
 * @param busyThreshold      how long a script runs before other clients get BUSY
 * @param scriptTimeLimit    how long a script may run before it is stopped
 * @param databases          the number of logical databases
 * @param replicaOfHost      the primary to replicate at start, or null
 * @param replicaOfPort      its port (when replicaOfHost is set)
 * @param backlogSize        the replication backlog in bytes
 * @param minReplicasToWrite min-replicas-to-write (0 = off)
 * @param minReplicasMaxLag  min-replicas-max-lag
 * @param aofDir             the directory of the append-only file, or null for none
 * @param appendFsync        the fsync policy of the append-only file
 * @param dataDir            the directory of snapshots, or null (then aofDir)
 */
public record ServerConfig(int port, String bindAddress, String requirePass, Map<String, String> users,
                           StoreClock clock, Duration busyThreshold, Duration scriptTimeLimit, int databases,
                           String replicaOfHost, int replicaOfPort, int backlogSize, int minReplicasToWrite,
                           Duration minReplicasMaxLag, Path aofDir, AppendFsync appendFsync, Path dataDir) {
    /** @return whether clients must authenticate before other commands */
    public boolean authRequired() {
        return requirePass != null;
    }

    /** @return where snapshots go: the data dir, else the append-only file's dir, else null */
    public Path snapshotDir() {
        return dataDir != null ? dataDir : aofDir;
    }
}

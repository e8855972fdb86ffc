package dev.distlock.tests.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClient;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.zookeeper.ZkLockOptions;
import dev.distlock.zookeeper.ZooKeeperLocks;
import java.util.UUID;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Digest authentication from {@code zk://user:password@…}: nodes are the creator's alone. */
class ZooKeeperAuthIT {
    private static EmbeddedZooKeeper zk;

    @BeforeAll
    static void startServer() {
        zk = EmbeddedZooKeeper.standalone().start();
    }

    @AfterAll
    static void stopServer() {
        zk.close();
    }

    private static LockClient connect(String credentials, String namespace) {
        return ZooKeeperLocks.connect("zk://" + credentials + zk.connectString() + namespace, ZkClients.CONFIG,
                ZkLockOptions.defaults());
    }

    @Test
    void locksOfAnAuthenticatedUserAreClosedToOthers() throws Exception {
        String ns = "/auth-" + UUID.randomUUID().toString().substring(0, 8);
        try (LockClient alice = connect("alice:secret@", ns); LockClient alice2 = connect("alice:secret@", ns)) {
            Mutex m = alice.mutex("payroll");
            assertThat(m.tryLock()).isTrue();
            assertThat(alice2.mutex("payroll").tryLock()).as("same user, other client").isFalse();
            try (ZkAdmin admin = new ZkAdmin(zk.connectString(), ns, "alice:secret")) {
                String node = admin.lockNodes("payroll").get(0);
                assertThat(admin.acl(admin.lockPath("payroll") + "/" + node))
                        .allSatisfy(acl -> assertThat(acl.getId().getScheme()).isEqualTo("digest"))
                        .allSatisfy(acl -> assertThat(acl.getPerms()).isEqualTo(ZooDefs.Perms.ALL));
            }
            // Other users cannot even look at the namespace: connecting fails, naming the cause.
            assertThatThrownBy(() -> connect("mallory:guess@", ns)).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("NoAuth");
            assertThatThrownBy(() -> connect("", ns)).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("NoAuth");
            m.unlock();
            assertThat(alice2.mutex("payroll").tryLock()).isTrue();
            alice2.mutex("payroll").unlock();
        }
    }

    @Test
    void aPasswordWithoutUserIsRejected() {
        assertThatThrownBy(() -> connect("secret@", "/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user:password");
    }
}

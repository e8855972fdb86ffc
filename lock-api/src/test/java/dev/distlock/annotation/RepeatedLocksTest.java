package dev.distlock.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.LockListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several locks on one method: stable order, reverse release, rollback, per-lock policies, named clients. */
@Timeout(60)
class RepeatedLocksTest {
    private TestClients clients;
    private LockClient client;
    private LockClient other;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    /** Transfers lock both accounts; the order of the annotations must not matter. */
    public static class Bank {
        LockClient client;

        @DistributedLock(key = "'account:' + #to", waitTime = "0s")
        @DistributedLock(key = "'account:' + #from", waitTime = "0s")
        public boolean transfer(String from, String to) {
            return client.mutex("account:" + from).isHeldByCurrentThread()
                    && client.mutex("account:" + to).isHeldByCurrentThread();
        }

        @DistributedLock(key = "'a:' + #id", waitTime = "0s")
        @DistributedLock(key = "'b:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public String mixed(String id) {
            return "ran";
        }

        @DistributedLock(key = "'same'")
        @DistributedLock(key = "'same'")
        public int twice() {
            return client.mutex("same").getHoldCount();
        }
    }

    /** One lock on the default client, one on the client named "second". */
    public static class TwoClients {
        @DistributedLock(key = "'x:' + #id", client = "second")
        @DistributedLock(key = "'x:' + #id")
        public String twoClients(String id) {
            return "ran";
        }
    }

    @BeforeEach
    void setUp() {
        clients = new TestClients();
        client = clients.client();
        other = clients.client();
        client.addListener(new LockListener() {
            @Override
            public void acquired(String lockName, long fencingToken, long waitNanos) {
                events.add("+" + lockName);
            }

            @Override
            public void released(String lockName, long fencingToken, long holdNanos) {
                events.add("-" + lockName);
            }
        });
    }

    @AfterEach
    void tearDown() {
        clients.close();
    }

    private Bank bank() {
        Bank b = new Bank();
        b.client = client;
        return LockProxies.wrap(b, client);
    }

    @Test
    void locksAreTakenInNameOrderAndReleasedInReverse() {
        Bank bank = bank();
        assertThat(bank.transfer("zed", "amy")).isTrue();
        assertThat(events).containsExactly("+account:amy", "+account:zed", "-account:zed", "-account:amy");
        events.clear();
        assertThat(bank.transfer("amy", "zed")).isTrue();
        assertThat(events).containsExactly("+account:amy", "+account:zed", "-account:zed", "-account:amy");
    }

    @Test
    void locksAlreadyTakenAreReleasedWhenALaterOneFails() {
        Bank bank = bank();
        assertThat(other.mutex("account:zed").tryLock()).isTrue();
        assertThatThrownBy(() -> bank.transfer("amy", "zed"))
                .isInstanceOfSatisfying(LockAcquisitionException.class,
                        e -> assertThat(e.lockName()).isEqualTo("account:zed"));
        assertThat(events).containsExactly("+account:amy", "-account:amy");
        assertThat(client.mutex("account:amy").isLocked()).isFalse();
    }

    @Test
    void theFailingLocksOwnPolicyApplies() {
        Bank bank = bank();
        assertThat(other.mutex("b:1").tryLock()).isTrue();
        assertThat(bank.mixed("1")).as("b's SKIP").isNull();
        assertThat(events).containsExactly("+a:1", "-a:1");
        assertThat(other.mutex("a:2").tryLock()).isTrue();
        assertThatThrownBy(() -> bank.mixed("2")).as("a's THROW").isInstanceOf(LockAcquisitionException.class);
    }

    @Test
    void theSameNameTwiceIsReentry() {
        Bank bank = bank();
        assertThat(bank.twice()).isEqualTo(2);
        assertThat(events).containsExactly("+same", "-same");
        assertThat(client.mutex("same").getHoldCount()).isZero();
    }

    @Test
    void eachLockUsesTheClientItNames() {
        TestClients secondStore = new TestClients();
        LockClient second = secondStore.client();
        List<String> secondEvents = Collections.synchronizedList(new ArrayList<>());
        second.addListener(new LockListener() {
            @Override
            public void acquired(String lockName, long fencingToken, long waitNanos) {
                secondEvents.add("+" + lockName);
            }
        });
        TwoClients both = LockProxies.wrap(new TwoClients(), LockClientRegistry.of(client, Map.of("second", second)));
        assertThat(both.twoClients("1")).isEqualTo("ran");
        assertThat(events).containsExactly("+x:1", "-x:1");
        assertThat(secondEvents).containsExactly("+x:1");
        secondStore.close();
    }
}

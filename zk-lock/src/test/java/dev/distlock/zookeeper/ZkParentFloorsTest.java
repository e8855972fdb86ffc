package dev.distlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.zookeeper.ZkParentFloors.Floor;
import org.junit.jupiter.api.Test;

class ZkParentFloorsTest {
    private static final long EPOCH = 3L << 32;

    @Test
    void theNextSequenceWithOnlyOurDeleteBetweenIsAlone() {
        Floor f = new Floor(7, EPOCH + 100, true);
        // our delete of node 7 was zxid 101, our create is 102
        assertThat(ZkParentFloors.provesAlone(f, 8, EPOCH + 102)).isTrue();
    }

    @Test
    void aSkippedSequenceMeansAnotherCreateHappened() {
        Floor f = new Floor(7, EPOCH + 100, true);
        assertThat(ZkParentFloors.provesAlone(f, 9, EPOCH + 103)).isFalse();
        assertThat(ZkParentFloors.provesAlone(f, 7, EPOCH + 103)).isFalse();
        assertThat(ZkParentFloors.provesAlone(null, 8, EPOCH + 102)).isFalse();
    }

    @Test
    void enoughTransactionsToRecreateTheParentForceAListing() {
        // floor 0: a re-created parent needs 0 + 4 transactions to hand out sequence 1 again
        Floor f = new Floor(0, EPOCH + 100, true);
        assertThat(ZkParentFloors.provesAlone(f, 1, EPOCH + 104)).isTrue(); // 3 between
        assertThat(ZkParentFloors.provesAlone(f, 1, EPOCH + 105)).isFalse(); // 4 between
        Floor high = new Floor(1000, EPOCH + 100, true);
        assertThat(ZkParentFloors.provesAlone(high, 1001, EPOCH + 900)).isTrue();
        assertThat(ZkParentFloors.provesAlone(high, 1001, EPOCH + 1105)).isFalse();
    }

    @Test
    void anotherLeaderEpochForcesAListing() {
        Floor f = new Floor(7, EPOCH + 100, true);
        assertThat(ZkParentFloors.provesAlone(f, 8, (4L << 32) + 1)).isFalse();
    }

    @Test
    void floorsKeepTheNewestReleaseAndRememberContention() {
        ZkParentFloors floors = new ZkParentFloors();
        ZkNode older = new ZkNode("/p", "lk-a-1-0000000003", 3, 1, EPOCH + 10);
        ZkNode newer = new ZkNode("/p", "lk-a-2-0000000005", 5, 1, EPOCH + 20);
        newer.aloneAtGrant = true;
        floors.released("/p", newer);
        floors.released("/p", older);
        assertThat(floors.get("/p")).isEqualTo(new Floor(5, EPOCH + 20, true));
        floors.contended("/p");
        assertThat(floors.get("/p").trySync()).isFalse();
        assertThat(floors.get("/q")).isNull();
    }
}

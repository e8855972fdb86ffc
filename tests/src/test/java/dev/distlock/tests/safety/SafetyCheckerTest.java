package dev.distlock.tests.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checker on hand-made histories: a safe one passes, and each kind of violation is found. */
class SafetyCheckerTest {
    private final SafetyChecker checker = new SafetyChecker(1_000);
    private final List<Hold> holds = new ArrayList<>();
    private final List<StoreOp> ops = new ArrayList<>();
    private long seq;
    private long highest = Long.MIN_VALUE;

    /** A hold of {@code worker} with {@code token} from {@code t0} to {@code t1} ms, with its store ops. */
    private Hold hold(String id, long token, long t0, long t1, boolean lost) {
        Hold h = new Hold(id, Hold.workerOf(id), 0, token, t0 * 1000 - 500, t0 * 1000, t1 * 1000, lost,
                lost ? "listener" : "-", true);
        holds.add(h);
        return h;
    }

    private void read(String id, long token) {
        ops.add(new StoreOp(++seq, StoreOp.Kind.READ, id, token, true, highest, 0, seq));
    }

    /** A write as an honest store judges it. */
    private void write(String id, long token) {
        boolean ok = token >= highest;
        ops.add(new StoreOp(++seq, StoreOp.Kind.WRITE, id, token, ok, highest, 1, seq));
        if (ok) {
            highest = token;
        }
    }

    private SafetyChecker.Result check(String... killed) {
        return checker.check(holds, ops, Set.of(killed));
    }

    @Test
    void aSafeHistoryWithAFencedStaleWritePasses() {
        hold("w1-t0-1", 10, 0, 10, false);
        read("w1-t0-1", 10);
        write("w1-t0-1", 10);
        // w2 was paused past its lease while w3 took the lock; w2's late write is refused, and w2 was told.
        hold("w2-t0-1", 11, 20, 200, true);
        read("w2-t0-1", 11);
        hold("w3-t0-1", 12, 100, 110, false);
        read("w3-t0-1", 12);
        write("w3-t0-1", 12);
        write("w2-t0-1", 11);

        SafetyChecker.Result r = check();

        assertThat(r.violations()).isEmpty();
        assertThat(r.staleWritesRejected()).isEqualTo(1);
        assertThat(r.holds()).isEqualTo(3);
        assertThat(r.storeOps()).isEqualTo(6);
    }

    @Test
    void overlappingValidHoldsAreFoundByStoreOrderAndByTime() {
        hold("w1-t0-1", 10, 0, 50, false);
        hold("w2-t0-1", 11, 20, 70, false);
        read("w1-t0-1", 10);
        read("w2-t0-1", 11);
        write("w1-t0-1", 10);
        write("w2-t0-1", 11);

        List<Violation> overlaps = check().of(Violation.Kind.OVERLAP);

        assertThat(overlaps).hasSize(2);
        assertThat(overlaps).allMatch(v -> v.detail().contains("w1-t0-1") && v.detail().contains("w2-t0-1"));
    }

    @Test
    void anOverlapIsAllowedWhenOneHolderWasToldOfItsLoss() {
        hold("w1-t0-1", 10, 0, 50, true);
        hold("w2-t0-1", 11, 20, 70, false);
        read("w1-t0-1", 10);
        read("w2-t0-1", 11);
        write("w2-t0-1", 11);
        write("w1-t0-1", 10);

        assertThat(check().violations()).isEmpty();
    }

    @Test
    void anOverlapWithinTheMarginIsNotReportedByTimeButIsByStoreOrder() {
        hold("w1-t0-1", 10, 0, 50, false);
        holds.add(new Hold("w2-t0-1", "w2", 0, 11, 49_400, 49_500, 80_000, false, "-", true));
        read("w1-t0-1", 10);
        write("w1-t0-1", 10);
        read("w2-t0-1", 11);
        write("w2-t0-1", 11);

        assertThat(check().violations()).isEmpty();
    }

    @Test
    void aTokenThatGoesBackIsFound() {
        hold("w1-t0-1", 20, 0, 10, false);
        read("w1-t0-1", 20);
        write("w1-t0-1", 20);
        hold("w2-t0-1", 15, 20, 30, false);
        read("w2-t0-1", 15);
        write("w2-t0-1", 15);

        SafetyChecker.Result r = check();

        assertThat(r.of(Violation.Kind.TOKEN_ORDER)).isNotEmpty()
                .allMatch(v -> v.detail().contains("w2-t0-1") && v.detail().contains("w1-t0-1"));
        // the store refused w2's write, and w2 was never told: a fencing violation as well
        assertThat(r.of(Violation.Kind.STALE_WRITE_UNTOLD)).hasSize(1);
    }

    @Test
    void aTokenThatGoesBackIsFoundEvenWhenTheLaterHolderWasToldOfLoss() {
        hold("w1-t0-1", 20, 0, 10, false);
        hold("w2-t0-1", 15, 20, 30, true);

        assertThat(check().of(Violation.Kind.TOKEN_ORDER)).hasSize(1);
    }

    @Test
    void aTokenGrantedTwiceIsFound() {
        hold("w1-t0-1", 20, 0, 10, false);
        hold("w2-t0-1", 20, 20, 30, false);

        assertThat(check().of(Violation.Kind.DUPLICATE_TOKEN)).hasSize(1);
    }

    @Test
    void aRefusedWriteOfAHolderNeverToldOfLossIsFound() {
        hold("w1-t0-1", 10, 0, 200, false);
        read("w1-t0-1", 10);
        hold("w2-t0-1", 11, 100, 110, true);
        read("w2-t0-1", 11);
        write("w2-t0-1", 11);
        write("w1-t0-1", 10);

        SafetyChecker.Result r = check();

        assertThat(r.of(Violation.Kind.STALE_WRITE_UNTOLD)).hasSize(1)
                .allMatch(v -> v.detail().contains("w1-t0-1"));
        assertThat(r.staleWritesRejected()).isEqualTo(1);
    }

    @Test
    void aStoreThatAcceptsAStaleWriteOrRefusesACurrentOneIsFound() {
        hold("w1-t0-1", 10, 0, 10, false);
        hold("w2-t0-1", 9, 20, 30, true);
        hold("w3-t0-1", 12, 40, 50, false);
        ops.add(new StoreOp(1, StoreOp.Kind.WRITE, "w1-t0-1", 10, true, Long.MIN_VALUE, 1, 1));
        ops.add(new StoreOp(2, StoreOp.Kind.WRITE, "w2-t0-1", 9, true, 10, 2, 2));
        ops.add(new StoreOp(3, StoreOp.Kind.WRITE, "w3-t0-1", 12, false, 10, 3, 3));

        SafetyChecker.Result r = check();

        assertThat(r.of(Violation.Kind.STORE_ACCEPTED_STALE)).hasSize(1);
        assertThat(r.of(Violation.Kind.STORE_REJECTED_CURRENT)).hasSize(1);
    }

    @Test
    void operationsOfAKilledWorkerNeedNoHistoryButOthersDo() {
        hold("w2-t0-1", 11, 100, 110, false);
        read("w1-t0-4", 10);
        read("w2-t0-1", 11);
        write("w2-t0-1", 11);
        write("w1-t0-4", 10);
        read("w3-t0-1", 12);

        SafetyChecker.Result r = check("w1");

        assertThat(r.of(Violation.Kind.MISSING_HISTORY)).hasSize(1).allMatch(v -> v.detail().contains("w3-t0-1"));
        assertThat(r.unattributedRejections()).isEqualTo(1);
        assertThat(r.violations()).hasSize(1);
    }

    @Test
    void historyLinesRoundTripAndBadInputIsRefused() {
        Hold h = new Hold("w1-t2-3", "w1", 2, 42, 1, 2, 3, true, "unlock", false);
        StoreOp op = new StoreOp(7, StoreOp.Kind.WRITE, "w1-t2-3", 42, false, 50, 9, 123);
        assertThat(Hold.parse(h.toLine())).isEqualTo(h);
        assertThat(StoreOp.parse(op.toLine())).isEqualTo(op);
        assertThatThrownBy(() -> new SafetyChecker(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("marginMicros");
        assertThatThrownBy(() -> new Hold("w1 x", "w1", 0, 1, 1, 2, 3, false, "-", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holdId");
        assertThatThrownBy(() -> new Hold("w1-t0-1", "w1", 0, 1, 3, 2, 1, false, "-", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request <= acquired <= end");
        assertThatThrownBy(() -> StoreOp.parse("1\tREAD")).isInstanceOf(IllegalArgumentException.class);
        hold("w1-t0-1", 1, 0, 1, false);
        hold("w1-t0-1", 2, 2, 3, false);
        assertThatThrownBy(this::check).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w1-t0-1");
    }
}

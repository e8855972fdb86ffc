package dev.distlock.tests.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fenced store: refuses lower tokens, logs everything in one order, survives reopening. */
class FencedStoreTest {
    @TempDir
    Path dir;

    @Test
    void refusesWritesBelowTheHighestTokenAndLogsThem() {
        try (FencedStore store = FencedStore.open(dir)) {
            assertThat(store.read("w1-t0-1", 5).value()).isZero();
            assertThat(store.write("w1-t0-1", 5, 1).accepted()).isTrue();
            assertThat(store.write("w1-t0-1", 5, 2).accepted()).as("the same token again").isTrue();
            StoreOp stale = store.write("w2-t0-1", 4, 99);
            assertThat(stale.accepted()).isFalse();
            assertThat(stale.highestBefore()).isEqualTo(5);
            assertThat(store.read("w3-t0-1", 6).value()).as("the refused write changed nothing").isEqualTo(2);
            assertThat(store.lastOperation()).isEqualTo("w3-t0-1 READ");
        }
        try (FencedStore again = FencedStore.open(dir)) {
            assertThat(again.write("w4-t0-1", 4, 7).accepted()).as("highest token kept across opens").isFalse();
        }
        List<StoreOp> log = FencedStore.readLog(dir);
        assertThat(log).extracting(StoreOp::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(log).filteredOn(StoreOp::rejectedWrite).extracting(StoreOp::holdId)
                .containsExactly("w2-t0-1", "w4-t0-1");
        assertThatThrownBy(() -> FencedStore.open(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentWritersGetOneGapFreeOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FencedStore a = FencedStore.open(dir); FencedStore b = FencedStore.open(dir)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                FencedStore s = t % 2 == 0 ? a : b;
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        s.write("w" + thread + "-t0-" + i, i, i);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<StoreOp> log = FencedStore.readLog(dir);
        assertThat(log).hasSize(200);
        for (int i = 0; i < log.size(); i++) {
            assertThat(log.get(i).seq()).isEqualTo(i + 1);
        }
        assertThat(new SafetyChecker(0).check(List.of(), log, java.util.Set.of("w0", "w1", "w2", "w3"))
                .of(Violation.Kind.STORE_ACCEPTED_STALE)).isEmpty();
    }
}

package dev.distlock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void smallValuesAreExactAndPercentilesUseNearestRank() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 50; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(50);
        assertThat(h.percentile(0)).isEqualTo(1);
        assertThat(h.percentile(50)).isEqualTo(25);   // rank ceil(25) = 25
        assertThat(h.percentile(99)).isEqualTo(50);   // rank ceil(49.5) = 50
        assertThat(h.percentile(100)).isEqualTo(50);
        assertThat(h.max()).isEqualTo(50);
    }

    @Test
    void largeValuesAreWithinOneAndAHalfPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 10_000; v++) {
            h.record(v * 1_000);  // 1 µs .. 10 ms
        }
        assertThat((double) h.percentile(50)).isCloseTo(5_000_000, within(5_000_000 * 0.016));
        assertThat((double) h.percentile(99)).isCloseTo(9_900_000, within(9_900_000 * 0.016));
        assertThat(h.percentile(100)).isEqualTo(10_000_000);
    }

    @Test
    void aSingleOutlierShowsInP99OnlyWhenItIsMoreThanOnePercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 99; i++) {
            h.record(100_000);
        }
        h.record(50_000_000);
        assertThat(h.percentile(99)).isCloseTo(100_000, within(2_000L));
        h.record(50_000_000);
        assertThat(h.percentile(99)).isCloseTo(50_000_000, within(800_000L));
    }

    @Test
    void mergingAddsCountsAndKeepsTheMaximum() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        a.record(10);
        a.record(20);
        b.record(30);
        b.record(1_000_000);
        a.add(b);
        assertThat(a.count()).isEqualTo(4);
        assertThat(a.max()).isEqualTo(1_000_000);
        assertThat(a.percentile(50)).isEqualTo(20);
        assertThat(b.count()).isEqualTo(2);
    }

    @Test
    void bucketsCoverEveryLongWithoutGapsOrOverlap() {
        for (long v : new long[] {0, 63, 64, 65, 127, 128, 1_000_003, Long.MAX_VALUE}) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.lowest(i)).isLessThanOrEqualTo(v);
            if (i + 1 < 64 + 57 * 64) {
                assertThat(LatencyHistogram.lowest(i + 1)).isGreaterThan(v);
            }
        }
    }

    @Test
    void emptyAndBadInput() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.percentile(99)).isEqualTo(-1);
        assertThatThrownBy(() -> h.record(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nanos");
        assertThatThrownBy(() -> h.percentile(100.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..100");
        assertThatThrownBy(() -> h.percentile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        h.record(5);
        h.reset();
        assertThat(h.count()).isZero();
        assertThat(h.percentile(50)).isEqualTo(-1);
    }
}

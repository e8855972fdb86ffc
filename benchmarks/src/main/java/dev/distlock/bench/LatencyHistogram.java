package dev.distlock.bench;

import java.util.Arrays;

/**
 * A fixed-size, log-linear histogram of non-negative durations in nanoseconds, for the p50/p99
 * columns of the report: values below 64 are kept exactly, larger ones in buckets 1/64 of
 * their power of two wide, so a reported percentile is within 1.6% of the recorded value that
 * ranks there. Memory stays at a few kilobytes however many values are recorded, so every
 * thread of a run can keep its own and they are {@linkplain #add merged} at the end.
 *
 * <p>Percentiles use the nearest-rank definition: the p-th percentile of n values is the value
 * of rank {@code ceil(p/100 * n)} in ascending order (the smallest value for p = 0).
 *
 * <p>Not thread-safe: one instance per recording thread.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS; // 64 buckets per power of two
    private static final int BUCKETS = SUB + (63 - SUB_BITS) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    /** Creates an empty histogram. */
    public LatencyHistogram() {
    }

    /**
     * Records one value.
     *
     * @param nanos the duration in nanoseconds
     * @throws IllegalArgumentException if nanos is negative
     */
    public void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos must be >= 0, was " + nanos);
        }
        counts[index(nanos)]++;
        total++;
        if (nanos > max) {
            max = nanos;
        }
    }

    /**
     * Adds every value recorded in {@code other} to this histogram.
     *
     * @param other the histogram to merge in; not modified
     * @throws IllegalArgumentException if other is null
     */
    public void add(LatencyHistogram other) {
        if (other == null) {
            throw new IllegalArgumentException("other must not be null");
        }
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    /**
     * Returns how many values were recorded.
     *
     * @return the count
     */
    public long count() {
        return total;
    }

    /**
     * Returns the largest recorded value, exactly.
     *
     * @return the maximum in nanoseconds, 0 if empty
     */
    public long max() {
        return max;
    }

    /**
     * Returns the nearest-rank percentile: the middle of the bucket holding the value of rank
     * {@code ceil(p/100 * count)}, never above {@link #max()}.
     *
     * @param p the percentile, 0 to 100
     * @return the value in nanoseconds, or -1 if nothing was recorded
     * @throws IllegalArgumentException if p is outside 0..100 or not a number
     */
    public long percentile(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("p must be within 0..100, was " + p);
        }
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, middle(i));
            }
        }
        return max;
    }

    /** Clears all recorded values. */
    public void reset() {
        Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = exp - SUB_BITS;
        int sub = (int) (v >>> shift) - SUB;          // 0..63
        return SUB + shift * SUB + sub;
    }

    static long lowest(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = (index - SUB) / SUB;
        int sub = (index - SUB) % SUB;
        return (long) (SUB + sub) << shift;
    }

    static long middle(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = (index - SUB) / SUB;
        return lowest(index) + ((1L << shift) - 1) / 2;
    }
}

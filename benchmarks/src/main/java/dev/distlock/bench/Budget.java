package dev.distlock.bench;

import java.time.Duration;
import java.util.List;

/**
 * Keeps a timed run (quick, smoke) within its time budget: it learns what a point costs besides
 * its measurement windows — a fixed part plus a part per client opened, since the 100-client
 * points spend seconds on connecting — and shortens the windows of the remaining points in
 * proportion when the rest would not fit, never below a floor (60 ms warm-up, 150 ms measured,
 * 1.1 s held window: just over one renewal interval).
 *
 * <p>Not thread-safe; one run's loop uses it.
 */
final class Budget {
    private double fixedSum;
    private int fixedCount;
    private double perClientSum;
    private int perClientCount;

    /** Records that a point with {@code clients} clients took {@code overheadSeconds} beyond its windows. */
    void record(int clients, double overheadSeconds) {
        double over = Math.max(0, overheadSeconds);
        if (clients <= 4) {
            fixedSum += over;
            fixedCount++;
        } else {
            perClientSum += Math.max(0, over - fixed()) / clients;
            perClientCount++;
        }
    }

    /** The learnt fixed overhead per point, seconds (0.4 until something was recorded). */
    double fixed() {
        return fixedCount == 0 ? 0.4 : fixedSum / fixedCount;
    }

    /** The learnt overhead per client opened, seconds (0.03 until something was recorded). */
    double perClient() {
        return perClientCount == 0 ? 0.03 : perClientSum / perClientCount;
    }

    /**
     * Returns the settings for the next point: {@code full} if the remaining points fit into
     * {@code secondsLeft} at full length, else every window scaled down by the same factor.
     *
     * @param full        the settings the mode asks for
     * @param secondsLeft what is left of the budget
     * @param remaining   the scenarios of the remaining points, this one included
     * @return the settings to use
     */
    Harness.Settings fit(Harness.Settings full, double secondsLeft, List<Scenario> remaining) {
        double overhead = 0;
        double windows = 0;
        for (Scenario s : remaining) {
            overhead += fixed() + perClient() * (s.clientPerThread() ? s.threads() : 1);
            windows += windows(full, s);
        }
        if (windows <= 0 || secondsLeft - overhead >= windows) {
            return full;
        }
        return scaled(full, Math.max(0, secondsLeft - overhead) / windows);
    }

    static double windows(Harness.Settings s, Scenario scenario) {
        return scenario.kind() == Scenario.Kind.HELD ? s.heldWindow().toMillis() / 1000.0
                : (s.warmup().toMillis() + s.measure().toMillis()) / 1000.0;
    }

    static Harness.Settings scaled(Harness.Settings full, double factor) {
        Duration warmup = Duration.ofMillis(Math.max(60, (long) (full.warmup().toMillis() * factor)));
        Duration measure = Duration.ofMillis(Math.max(150, (long) (full.measure().toMillis() * factor)));
        Duration held = Duration.ofMillis(Math.max(1100, (long) (full.heldWindow().toMillis() * factor)));
        return new Harness.Settings(warmup, measure, full.heldLocks(), held, full.patience());
    }
}

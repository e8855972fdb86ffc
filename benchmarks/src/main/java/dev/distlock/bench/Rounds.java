package dev.distlock.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Combines the rounds of a scenario that ran several times in alternating order: the row a
 * contender gets in the tables (its median round), and the ratios the targets are judged on (the
 * median of the per-round ratios, with their range).
 *
 * <p>Stateless and thread-safe.
 */
public final class Rounds {
    private Rounds() {
    }

    /**
     * A ratio taken round by round.
     *
     * @param median the median of the per-round ratios (the mean of the middle two for an even count)
     * @param min    the smallest per-round ratio
     * @param max    the largest per-round ratio
     * @param count  how many rounds had both contenders
     */
    public record Ratio(double median, double min, double max, int count) {
        /**
         * Describes the spread for the report, e.g. {@code "median of 3 alternating rounds, 1.41–1.90×"}.
         *
         * @return the words
         */
        public String spread() {
            return String.format(Locale.ROOT, "median of %d alternating rounds, %s–%s", count, Report.ratio(min),
                    Report.ratio(max));
        }
    }

    /**
     * Returns a contender's row for the tables: its round with the median throughput (the lower
     * middle one for an even count), with a note saying so when there were several.
     *
     * @param c      the contender
     * @param rounds the scenario's rounds, each mapping contenders to their result
     * @return the result, or null if the contender has none
     * @throws IllegalArgumentException if an argument is null
     */
    public static Result median(Contender c, List<Map<Contender, Result>> rounds) {
        if (c == null || rounds == null) {
            throw new IllegalArgumentException("contender and rounds must not be null");
        }
        List<Result> mine = new ArrayList<>();
        for (Map<Contender, Result> round : rounds) {
            Result r = round.get(c);
            if (r != null) {
                mine.add(r);
            }
        }
        if (mine.isEmpty()) {
            return null;
        }
        if (mine.size() == 1) {
            return mine.get(0);
        }
        mine.sort(Comparator.comparingDouble(r -> Double.isNaN(r.throughput()) ? Double.NEGATIVE_INFINITY : r.throughput()));
        Result m = mine.get((mine.size() - 1) / 2);
        String note = "median of " + mine.size() + " rounds" + (m.note().isEmpty() ? "" : "; " + m.note());
        return new Result(m.contender(), m.scenario(), m.throughput(), m.p50Nanos(), m.p99Nanos(), m.commandsPerOp(),
                m.clientCpu(), m.serverCpu(), m.operations(), m.errors(), m.violations(), note);
    }

    /**
     * Returns the ratio {@code value(a) ÷ value(b)} taken in every round where both have a
     * positive, finite value, or null if no round has.
     *
     * @param rounds the scenario's rounds
     * @param a      the numerator's contender
     * @param b      the denominator's contender
     * @param value  what to compare (throughput, p99, …)
     * @return the ratio, or null
     * @throws IllegalArgumentException if an argument is null
     */
    public static Ratio ratio(List<Map<Contender, Result>> rounds, Contender a, Contender b,
                              java.util.function.ToDoubleFunction<Result> value) {
        if (rounds == null || a == null || b == null || value == null) {
            throw new IllegalArgumentException("arguments must not be null");
        }
        List<Double> ratios = new ArrayList<>();
        for (Map<Contender, Result> round : rounds) {
            Result ra = round.get(a);
            Result rb = round.get(b);
            if (ra == null || rb == null) {
                continue;
            }
            double x = value.applyAsDouble(ra);
            double y = value.applyAsDouble(rb);
            if (x > 0 && y > 0 && Double.isFinite(x) && Double.isFinite(y)) {
                ratios.add(x / y);
            }
        }
        if (ratios.isEmpty()) {
            return null;
        }
        ratios.sort(null);
        int n = ratios.size();
        double median = n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
        return new Ratio(median, ratios.get(0), ratios.get(n - 1), n);
    }
}

package dev.distlock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The performance targets written in the backend issues (redis-lock, zk-lock, redlock), checked
 * against one run's results. A target whose contenders were not both measured is "n/a", never
 * "met". Speed is reported, never enforced: nothing fails because a target is missed.
 *
 * <p>Stateless and thread-safe.
 */
public final class Targets {
    /** The outcome of one target. */
    public enum Status {
        /** Measured and reached. */
        MET,
        /** Measured and not reached. */
        NOT_MET,
        /** A contender it needs was not measured. */
        NOT_AVAILABLE,
        /** Not a target: what the machine allows at most (a ratio of floors), shown beside a target. */
        BOUND
    }

    /**
     * One checked target.
     *
     * @param issue    where it is written, for example {@code "redis-lock (issue 4)"}
     * @param target   the target in words
     * @param measured the measured ratio in words, or why it is missing
     * @param status   the outcome
     */
    public record Check(String issue, String target, String measured, Status status) {
    }

    private Targets() {
    }

    /**
     * Checks every target against {@code results}.
     *
     * @param results the run's results, by contender and scenario
     * @return one check per target, in the issues' order
     * @throws IllegalArgumentException if results is null
     */
    public static List<Check> check(Map<Contender, Map<Scenario, Result>> results) {
        return check(results, Map.of());
    }

    /**
     * Checks every target against {@code results}; where a target's scenario ran in several
     * alternating rounds, the ratio is the median of the per-round ratios (and the report shows
     * their range).
     *
     * @param results the run's results, by contender and scenario
     * @param rounds  the rounds of the scenarios that had several, each mapping contenders to results
     * @return one check per target, in the issues' order
     * @throws IllegalArgumentException if an argument is null
     */
    public static List<Check> check(Map<Contender, Map<Scenario, Result>> results,
                                    Map<Scenario, List<Map<Contender, Result>>> rounds) {
        if (results == null || rounds == null) {
            throw new IllegalArgumentException("results and rounds must not be null");
        }
        List<Check> checks = new ArrayList<>();
        String redis = "redis-lock (issue 4)";
        checks.add(rate(results, rounds, redis, Contender.DISTLOCK_REDIS, Contender.REDISSON, Scenario.UNCONTENDED_1, 1.5));
        checks.add(rate(results, rounds, redis, Contender.DISTLOCK_REDIS, Contender.REDISSON, Scenario.UNCONTENDED_8, 2.0));
        for (Scenario s : List.of(Scenario.HANDOFF_4_PER_CLIENT, Scenario.HANDOFF_4_SHARED)) {
            checks.add(rate(results, rounds, redis, Contender.DISTLOCK_REDIS, Contender.REDISSON, s, 2.0));
            checks.add(p99(results, rounds, redis, Contender.DISTLOCK_REDIS, Contender.REDISSON, s, 1.0 / 3));
        }
        String zk = "zk-lock (issue 5)";
        checks.add(rate(results, rounds, zk, Contender.DISTLOCK_ZOOKEEPER, Contender.CURATOR, Scenario.UNCONTENDED_1, 1.5));
        checks.add(rate(results, rounds, zk, Contender.DISTLOCK_ZOOKEEPER, Contender.CURATOR, Scenario.HANDOFF_4_PER_CLIENT, 1.5));
        checks.add(rate(results, rounds, zk, Contender.DISTLOCK_ZOOKEEPER, Contender.CURATOR, Scenario.HANDOFF_4_SHARED, 1.5));
        String redlock = "redlock (issue 6)";
        checks.add(rate(results, rounds, redlock, Contender.DISTLOCK_REDLOCK, Contender.DISTLOCK_REDIS, Scenario.UNCONTENDED_1,
                1 / 1.5));
        checks.add(redlockBound(results, redlock));
        checks.add(rate(results, rounds, redlock, Contender.DISTLOCK_REDLOCK, Contender.REDISSON_REDLOCK,
                Scenario.UNCONTENDED_1, 2.0));
        for (Contender c : List.of(Contender.DISTLOCK_REDIS, Contender.DISTLOCK_ZOOKEEPER, Contender.DISTLOCK_REDLOCK)) {
            checks.add(flat(results, c));
        }
        return checks;
    }

    private static Optional<Result> find(Map<Contender, Map<Scenario, Result>> results, Contender c, Scenario s) {
        Map<Scenario, Result> byScenario = results.get(c);
        return Optional.ofNullable(byScenario == null ? null : byScenario.get(s));
    }

    private static Check rate(Map<Contender, Map<Scenario, Result>> results,
                              Map<Scenario, List<Map<Contender, Result>>> rounds, String issue, Contender who,
                              Contender anchor, Scenario s, double atLeast) {
        String target = s.title() + ": " + who.label() + " throughput ≥ " + Report.ratio(atLeast) + " "
                + anchor.label();
        Optional<Result> a = find(results, who, s);
        Optional<Result> b = find(results, anchor, s);
        if (a.isEmpty() || b.isEmpty() || !(a.get().throughput() > 0) || !(b.get().throughput() > 0)) {
            return new Check(issue, target, missing(a, b, who, anchor), Status.NOT_AVAILABLE);
        }
        Rounds.Ratio rr = roundRatio(rounds, s, who, anchor, Result::throughput);
        if (rr != null) {
            return new Check(issue, target, Report.ratio(rr.median()) + " (" + rr.spread() + ")",
                    rr.median() >= atLeast ? Status.MET : Status.NOT_MET);
        }
        double r = a.get().throughput() / b.get().throughput();
        return new Check(issue, target, Report.ratio(r), r >= atLeast ? Status.MET : Status.NOT_MET);
    }

    /**
     * The machine's bound for the Redlock-against-one-node target: three PINGs in parallel against
     * one PING, as lock+unlock (two rounds each), in the same run; with how much of it distlock
     * redlock reaches.
     */
    private static Check redlockBound(Map<Contender, Map<Scenario, Result>> results, String issue) {
        Scenario s = Scenario.UNCONTENDED_1;
        String target = "bound for the target above, " + s.title() + ": " + Contender.REDLOCK_PING_FLOOR.label()
                + " ÷ " + Contender.REDIS_PING_FLOOR.label() + " (the same ratio for bare round trips; target for the"
                + " locks ≥ " + Report.ratio(1 / 1.5) + ")";
        Optional<Result> three = find(results, Contender.REDLOCK_PING_FLOOR, s);
        Optional<Result> one = find(results, Contender.REDIS_PING_FLOOR, s);
        if (three.isEmpty() || one.isEmpty() || !(three.get().throughput() > 0) || !(one.get().throughput() > 0)) {
            return new Check(issue, target, missing(three, one, Contender.REDLOCK_PING_FLOOR,
                    Contender.REDIS_PING_FLOOR), Status.NOT_AVAILABLE);
        }
        double bound = three.get().throughput() / one.get().throughput();
        String measured = Report.ratio(bound);
        Optional<Result> redlock = find(results, Contender.DISTLOCK_REDLOCK, s);
        Optional<Result> redis = find(results, Contender.DISTLOCK_REDIS, s);
        if (redlock.isPresent() && redis.isPresent() && redlock.get().throughput() > 0
                && redis.get().throughput() > 0) {
            double locks = redlock.get().throughput() / redis.get().throughput();
            measured += String.format(java.util.Locale.ROOT, " (the locks' %s is %.0f%% of it)", Report.ratio(locks),
                    100 * locks / bound);
        }
        return new Check(issue, target, measured, Status.BOUND);
    }

    private static Rounds.Ratio roundRatio(Map<Scenario, List<Map<Contender, Result>>> rounds, Scenario s,
                                           Contender who, Contender anchor,
                                           java.util.function.ToDoubleFunction<Result> value) {
        List<Map<Contender, Result>> rs = rounds.get(s);
        Rounds.Ratio rr = rs == null ? null : Rounds.ratio(rs, who, anchor, value);
        return rr != null && rr.count() >= 2 ? rr : null;
    }

    private static Check p99(Map<Contender, Map<Scenario, Result>> results,
                             Map<Scenario, List<Map<Contender, Result>>> rounds, String issue, Contender who,
                             Contender anchor, Scenario s, double atMost) {
        String target = s.title() + ": " + who.label() + " p99 ≤ " + Report.ratio(atMost) + " " + anchor.label();
        Optional<Result> a = find(results, who, s);
        Optional<Result> b = find(results, anchor, s);
        if (a.isEmpty() || b.isEmpty() || a.get().p99Nanos() <= 0 || b.get().p99Nanos() <= 0) {
            return new Check(issue, target, missing(a, b, who, anchor), Status.NOT_AVAILABLE);
        }
        Rounds.Ratio rr = roundRatio(rounds, s, who, anchor, x -> x.p99Nanos());
        if (rr != null) {
            return new Check(issue, target, Report.ratio(rr.median()) + " (" + rr.spread() + ")",
                    rr.median() <= atMost ? Status.MET : Status.NOT_MET);
        }
        double r = (double) a.get().p99Nanos() / b.get().p99Nanos();
        return new Check(issue, target, Report.ratio(r), r <= atMost ? Status.MET : Status.NOT_MET);
    }

    private static Check flat(Map<Contender, Map<Scenario, Result>> results, Contender who) {
        String target = who.label() + ": server commands per handoff flat from 1 to 100 waiters (≤ 1.5× growth)";
        Optional<Result> one = find(results, who, Scenario.WAITERS_1);
        Optional<Result> hundred = find(results, who, Scenario.WAITERS_100);
        if (one.isEmpty() || hundred.isEmpty() || !(one.get().commandsPerOp() > 0)
                || !(hundred.get().commandsPerOp() >= 0)) {
            return new Check("issue 8", target, one.isEmpty() ? who.label() + " not measured"
                    : "commands per handoff not measured", Status.NOT_AVAILABLE);
        }
        double r = hundred.get().commandsPerOp() / one.get().commandsPerOp();
        return new Check("issue 8", target, String.format(java.util.Locale.ROOT, "%.1f → %.1f (%s)",
                one.get().commandsPerOp(), hundred.get().commandsPerOp(), Report.ratio(r)),
                r <= 1.5 ? Status.MET : Status.NOT_MET);
    }

    private static String missing(Optional<Result> a, Optional<Result> b, Contender who, Contender anchor) {
        if (a.isEmpty()) {
            return who.label() + " not measured";
        }
        if (b.isEmpty()) {
            return anchor.label() + " not measured";
        }
        return "no throughput or latency measured";
    }
}

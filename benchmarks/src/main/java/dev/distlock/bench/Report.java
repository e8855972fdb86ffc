package dev.distlock.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders {@code results.md}: the machine and servers, the targets of the backend issues, a
 * summary of distlock's ratios against Redisson and Curator, and one table per scenario.
 *
 * <p>Ratios: "rate ×" is this contender's throughput divided by its anchor's (higher is better);
 * "p99 ×" is its p99 divided by its anchor's (lower is better). The anchor of the single-Redis
 * family is Redisson {@code RLock}, of Redlock {@code RedissonRedLock}, of ZooKeeper Curator's
 * {@code InterProcessMutex}; distlock memory has none.
 *
 * <p>Stateless and thread-safe.
 */
public final class Report {
    private Report() {
    }

    /**
     * Renders the whole report.
     *
     * @param info    what to say about the run
     * @param results every measured point, in any order
     * @return the Markdown text
     * @throws IllegalArgumentException if an argument is null
     */
    public static String markdown(RunInfo info, List<Result> results) {
        if (info == null || results == null) {
            throw new IllegalArgumentException("info and results must not be null");
        }
        Map<Contender, Map<Scenario, Result>> byContender = index(results);
        StringBuilder md = new StringBuilder();
        md.append("# distlock benchmark results\n\n");
        md.append("- **Run**: ").append(info.mode()).append(", started ").append(info.startedAt())
                .append(", took ").append(seconds(info.took())).append('\n');
        md.append("- **Command**: `").append(info.command()).append("`\n");
        md.append("- **Machine**: ").append(info.machine().describe()).append('\n');
        for (String s : info.servers()) {
            md.append("- **Server**: ").append(s).append('\n');
        }
        for (String s : info.settings()) {
            md.append("- ").append(s).append('\n');
        }
        if (!info.skipped().isEmpty()) {
            md.append("\n**Not measured:**\n\n");
            for (String s : info.skipped()) {
                md.append("- ").append(s).append('\n');
            }
        }
        md.append("\nNumbers from one noisy machine: compare the ratios within this run, not the absolute values"
                + " across runs. Rate × = throughput ÷ the anchor's (higher is better); p99 × = p99 ÷ the"
                + " anchor's (lower is better). Anchors: Redisson RLock for Redis, Redisson RedLock for"
                + " Redlock, Curator InterProcessMutex for ZooKeeper; in the coordination scenarios Redisson"
                + " RReadWriteLock and RPermitExpirableSemaphore for Redis (Redisson has no leader election),"
                + " Curator InterProcessReadWriteLock, InterProcessSemaphoreV2 and LeaderLatch for ZooKeeper"
                + " (Redlock has no anchor there).\n");

        md.append("\n## Targets from the backend issues\n\n");
        md.append("| issue | target | measured | status |\n|---|---|---|---|\n");
        for (Targets.Check c : Targets.check(byContender)) {
            md.append("| ").append(c.issue()).append(" | ").append(cell(c.target())).append(" | ")
                    .append(cell(c.measured())).append(" | ").append(switch (c.status()) {
                        case MET -> "met";
                        case NOT_MET -> "**not met**";
                        case NOT_AVAILABLE -> "n/a";
                        case BOUND -> "machine bound, not a target";
                    }).append(" |\n");
        }

        appendSummary(md, byContender);

        for (Scenario s : Scenario.values()) {
            List<Result> rows = new ArrayList<>();
            for (Contender c : Contender.values()) {
                Result r = byContender.getOrDefault(c, Map.of()).get(s);
                if (r != null) {
                    rows.add(r);
                }
            }
            if (rows.isEmpty()) {
                continue;
            }
            md.append("\n## ").append(s.title()).append("\n\n");
            if (s.kind() == Scenario.Kind.HELD) {
                md.append("| contender | ").append(s.throughputUnit())
                        .append(" | client CPU (cores) | server CPU (cores) | cmds/s × | notes |\n")
                        .append("|---|---:|---:|---:|---:|---|\n");
                for (Result r : rows) {
                    md.append("| ").append(r.contender().label(r.scenario())).append(" | ").append(rate(r.throughput()))
                            .append(" | ").append(cores(r.clientCpu())).append(" | ").append(cores(r.serverCpu()))
                            .append(" | ").append(rateRatio(r, byContender)).append(" | ").append(notes(r))
                            .append(" |\n");
                }
            } else {
                md.append("| contender | ").append(s.throughputUnit())
                        .append(" | p50 µs | p99 µs | server cmds/op | rate × | p99 × | notes |\n")
                        .append("|---|---:|---:|---:|---:|---:|---:|---|\n");
                for (Result r : rows) {
                    md.append("| ").append(r.contender().label(r.scenario())).append(" | ").append(rate(r.throughput()))
                            .append(" | ").append(micros(r.p50Nanos())).append(" | ").append(micros(r.p99Nanos()))
                            .append(" | ").append(perOp(r.commandsPerOp())).append(" | ")
                            .append(rateRatio(r, byContender)).append(" | ").append(p99Ratio(r, byContender))
                            .append(" | ").append(notes(r)).append(" |\n");
                }
            }
        }
        return md.toString();
    }

    private static void appendSummary(StringBuilder md, Map<Contender, Map<Scenario, Result>> byContender) {
        List<Contender> cols = new ArrayList<>();
        for (Contender c : Contender.values()) {
            if (c.isDistlock() && c.anchor() != null && byContender.containsKey(c)) {
                cols.add(c);
            }
        }
        if (cols.isEmpty()) {
            return;
        }
        md.append("\n## Summary: distlock against its anchor (rate ×; p99 ×)\n\n| scenario |");
        for (Contender c : cols) {
            md.append(' ').append(c.label()).append(" ÷ ").append(c.anchor().label()).append(" |");
        }
        md.append("\n|---|");
        md.append("---:|".repeat(cols.size()));
        md.append('\n');
        for (Scenario s : Scenario.values()) {
            if (cols.stream().noneMatch(c -> byContender.get(c).containsKey(s))) {
                continue;
            }
            md.append("| ").append(s.title()).append(summaryAnchors(s)).append(" |");
            for (Contender c : cols) {
                Result r = byContender.get(c).get(s);
                if (r == null) {
                    md.append(" — |");
                } else if (s.kind() == Scenario.Kind.HELD) {
                    md.append(' ').append(rateRatio(r, byContender)).append(" (cmds/s) |");
                } else {
                    md.append(' ').append(rateRatio(r, byContender)).append("; ").append(p99Ratio(r, byContender))
                            .append(" |");
                }
            }
            md.append('\n');
        }
    }

    /** In a coordination row the columns' anchors are other recipes than the column headers say: name them. */
    private static String summaryAnchors(Scenario s) {
        return switch (s.kind()) {
            case READ_WRITE, SEMAPHORE -> " (anchors: " + Contender.REDISSON.label(s) + ", " + Contender.CURATOR.label(s)
                    + "; none for Redlock)";
            case ELECTION -> " (anchor: " + Contender.CURATOR.label(s) + "; none for Redis and Redlock)";
            default -> "";
        };
    }

    static Map<Contender, Map<Scenario, Result>> index(List<Result> results) {
        Map<Contender, Map<Scenario, Result>> m = new EnumMap<>(Contender.class);
        for (Result r : results) {
            m.computeIfAbsent(r.contender(), c -> new EnumMap<>(Scenario.class)).put(r.scenario(), r);
        }
        return m;
    }

    private static String rateRatio(Result r, Map<Contender, Map<Scenario, Result>> all) {
        Contender anchor = r.contender().anchor();
        if (anchor == null) {
            return "—";
        }
        Result a = all.getOrDefault(anchor, Map.of()).get(r.scenario());
        if (a == null || !(a.throughput() > 0) || !(r.throughput() >= 0)) {
            return "—";
        }
        return ratio(r.throughput() / a.throughput());
    }

    private static String p99Ratio(Result r, Map<Contender, Map<Scenario, Result>> all) {
        Contender anchor = r.contender().anchor();
        if (anchor == null) {
            return "—";
        }
        Result a = all.getOrDefault(anchor, Map.of()).get(r.scenario());
        if (a == null || a.p99Nanos() <= 0 || r.p99Nanos() <= 0) {
            return "—";
        }
        return ratio((double) r.p99Nanos() / a.p99Nanos());
    }

    private static String notes(Result r) {
        Set<String> parts = new LinkedHashSet<>();
        if (!r.note().isEmpty()) {
            parts.add(r.note());
        }
        if (r.errors() > 0) {
            parts.add(r.errors() + " errors");
        }
        if (r.violations() > 0) {
            parts.add("**" + r.violations() + " mutual-exclusion violations**");
        }
        return cell(String.join("; ", parts));
    }

    /**
     * Formats a ratio with two decimals and a multiplication sign, for example {@code "1.52×"}.
     *
     * @param r the ratio
     * @return the text, or "—" if r is not a finite number
     */
    public static String ratio(double r) {
        if (!Double.isFinite(r)) {
            return "—";
        }
        return String.format(Locale.ROOT, r >= 100 ? "%.0f×" : r >= 10 ? "%.1f×" : "%.2f×", r);
    }

    /**
     * Formats an operations-per-second rate with thousands separators and three significant
     * digits at most, for example {@code "12,300"} or {@code "3.45"}.
     *
     * @param perSecond the rate
     * @return the text, or "—" if the rate is not a finite non-negative number
     */
    public static String rate(double perSecond) {
        if (!Double.isFinite(perSecond) || perSecond < 0) {
            return "—";
        }
        if (perSecond < 10) {
            return String.format(Locale.ROOT, "%.2f", perSecond);
        }
        if (perSecond < 1000) {
            return String.format(Locale.ROOT, "%.0f", perSecond);
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(perSecond)) - 2);
        return String.format(Locale.ROOT, "%,d", Math.round(Math.round(perSecond / magnitude) * magnitude));
    }

    /**
     * Formats nanoseconds as microseconds, for example {@code "123"} or {@code "4.5"}.
     *
     * @param nanos the duration, negative for "not measured"
     * @return the text, or "—" if negative
     */
    public static String micros(long nanos) {
        if (nanos < 0) {
            return "—";
        }
        double us = nanos / 1000.0;
        return String.format(Locale.ROOT, us >= 100 ? "%,.0f" : us >= 10 ? "%.1f" : "%.2f", us);
    }

    private static String perOp(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v) : "—";
    }

    private static String cores(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "—";
    }

    private static String seconds(java.time.Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}

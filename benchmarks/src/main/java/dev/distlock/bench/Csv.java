package dev.distlock.bench;

import java.util.List;
import java.util.Locale;

/**
 * Renders results as CSV (one row per contender and scenario), for scripts and spreadsheets.
 *
 * <p>Stateless and thread-safe.
 */
final class Csv {
    private Csv() {
    }

    static String render(List<Result> results) {
        StringBuilder b = new StringBuilder(
                "contender,scenario,throughput,unit,p50_us,p99_us,server_cmds_per_op,client_cpu_cores,"
                        + "server_cpu_cores,operations,errors,violations,note\n");
        for (Result r : results) {
            b.append(r.contender().name()).append(',').append(r.scenario().name()).append(',')
                    .append(num(r.throughput())).append(',').append(r.scenario().throughputUnit()).append(',')
                    .append(r.p50Nanos() < 0 ? "" : num(r.p50Nanos() / 1000.0)).append(',')
                    .append(r.p99Nanos() < 0 ? "" : num(r.p99Nanos() / 1000.0)).append(',')
                    .append(num(r.commandsPerOp())).append(',').append(num(r.clientCpu())).append(',')
                    .append(num(r.serverCpu())).append(',').append(r.operations()).append(',').append(r.errors())
                    .append(',').append(r.violations()).append(',').append(quote(r.note())).append('\n');
        }
        return b.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}

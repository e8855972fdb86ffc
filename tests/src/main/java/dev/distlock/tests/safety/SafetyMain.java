package dev.distlock.tests.safety;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the safety harness from the command line and prints a summary per backend; exits with 1
 * if any violation was found.
 *
 * <pre>
 * SafetyMain [--backend all|redis|redlock|zookeeper] [--duration 10m] [--workers 3]
 *            [--threads 3] [--gap 2s] [--dir DIR]
 * </pre>
 *
 * <p>Durations take {@code ms}, {@code s}, {@code m} or {@code h}. The class path must hold the
 * backends (redis-lock, redlock, zk-lock) and embedded-store, as the tests module's test class
 * path does; the workers are started with the same class path.
 */
public final class SafetyMain {
    private SafetyMain() {
    }

    /**
     * Runs the harness.
     *
     * @param args the options in the class comment
     * @throws Exception if a run cannot start
     */
    public static void main(String[] args) throws Exception {
        String backend = "all";
        Duration duration = Duration.ofMinutes(1);
        Duration gap = Duration.ofSeconds(2);
        int workers = 3;
        int threads = 3;
        Path dir = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--backend" -> backend = v;
                case "--duration" -> duration = parseDuration(v);
                case "--gap" -> gap = parseDuration(v);
                case "--workers" -> workers = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--dir" -> dir = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<SafetySummary> summaries = runAll(backend, duration, workers, threads, gap, dir);
        summaries.forEach(System.out::println);
        System.exit(summaries.stream().mapToInt(SafetySummary::violations).sum() == 0 ? 0 : 1);
    }

    /**
     * Runs the harness on one backend or on all of them, one after another.
     *
     * @param backend {@code all}, {@code redis}, {@code redlock} or {@code zookeeper}
     * @param duration how long faults keep coming, per backend
     * @param workers worker processes (at least 3)
     * @param threads threads per worker
     * @param gap the pause between faults
     * @param dir where to keep the histories (a new temporary directory if null)
     * @return one summary per backend
     * @throws IllegalArgumentException if an argument is out of range
     * @throws Exception if a run cannot start
     */
    public static List<SafetySummary> runAll(String backend, Duration duration, int workers, int threads,
            Duration gap, Path dir) throws Exception {
        List<String> names = backend.equals("all") ? List.of("redis", "redlock", "zookeeper") : List.of(backend);
        List<SafetySummary> out = new ArrayList<>();
        for (String name : names) {
            Path runDir = dir == null ? Files.createTempDirectory("distlock-safety-" + name)
                    : Files.createDirectories(dir.resolve(name));
            try (SafetyBackend b = SafetyBackend.start(name);
                    SafetyRun run = new SafetyRun(b, new SafetyRun.Options(duration, workers, threads, gap, runDir))) {
                out.add(run.run());
            }
        }
        return out;
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}.
     *
     * @param text the duration
     * @return the duration
     * @throws IllegalArgumentException if the text is not a number with one of those units
     */
    public static Duration parseDuration(String text) {
        if (text == null || !text.matches("\\d+(ms|s|m|h)")) {
            throw new IllegalArgumentException("duration must be a number followed by ms, s, m or h, was " + text);
        }
        String unit = text.replaceAll("\\d+", "");
        long n = Long.parseLong(text.substring(0, text.length() - unit.length()));
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}

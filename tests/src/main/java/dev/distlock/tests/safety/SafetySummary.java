package dev.distlock.tests.safety;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a {@link SafetyRun} did and found, printed at the end of each run.
 *
 * @param backend the backend's name
 * @param elapsed the run's wall time, worker start to check
 * @param workersStarted worker processes started (replacements included)
 * @param threadsPerWorker threads per worker
 * @param holds critical sections recorded
 * @param holdsToldLost critical sections whose worker was told its lease was lost
 * @param failedAttempts failed acquisitions and unlocks by reason ({@code timeout} or the
 *        exception's simple name)
 * @param faults the faults injected, in order
 * @param check the checker's result
 * @param directory where the histories, store log and worker logs are
 */
public record SafetySummary(String backend, Duration elapsed, int workersStarted, int threadsPerWorker, int holds,
        int holdsToldLost, Map<String, Integer> failedAttempts, List<Fault.Injected> faults, SafetyChecker.Result check,
        Path directory) {
    /**
     * Copies the collections.
     *
     * @throws NullPointerException if a collection is null
     */
    public SafetySummary {
        failedAttempts = Map.copyOf(failedAttempts);
        faults = List.copyOf(faults);
    }

    /**
     * Returns the number of violations found.
     *
     * @return the count (0 for a safe run)
     */
    public int violations() {
        return check.violations().size();
    }

    /**
     * Returns the number of lock operations the workers attempted: acquisitions that succeeded
     * or failed.
     *
     * @return the count
     */
    public int operations() {
        return holds + failedAttempts.entrySet().stream().filter(e -> !e.getKey().startsWith("unlock-"))
                .mapToInt(Map.Entry::getValue).sum();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("== safety run: ").append(backend).append(" ==\n");
        b.append(String.format("elapsed %.1f s, %d workers started × %d threads%n", elapsed.toMillis() / 1000.0,
                workersStarted, threadsPerWorker));
        b.append("operations: ").append(operations()).append(" acquisition attempts, ").append(holds)
                .append(" critical sections (").append(holdsToldLost).append(" told of a lost lease), ")
                .append(check.storeOps()).append(" store operations\n");
        b.append("failed attempts: ").append(failedAttempts.isEmpty() ? "none" : failedAttempts.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(", "))).append('\n');
        b.append("faults injected: ").append(faults.size()).append('\n');
        faults.forEach(f -> b.append("  ").append(f).append('\n'));
        b.append("stale writes rejected: ").append(check.staleWritesRejected());
        if (check.unattributedRejections() > 0) {
            b.append(" (").append(check.unattributedRejections()).append(" by killed workers)");
        }
        b.append('\n');
        b.append("violations: ").append(violations()).append('\n');
        check.violations().stream().limit(20).forEach(v -> b.append("  ").append(v).append('\n'));
        b.append("history: ").append(directory).append('\n');
        return b.toString();
    }
}

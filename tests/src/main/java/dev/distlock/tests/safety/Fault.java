package dev.distlock.tests.safety;

/**
 * One fault of a schedule: a name and what it does. The action runs to completion (a pause
 * includes its resume) on the thread that drives the run.
 *
 * @param name a short name for the summary, such as {@code sigstop-holder}
 * @param action the fault; returns what it hit (a worker, a node, a session)
 */
public record Fault(String name, Action action) {
    /** What a fault does. */
    @FunctionalInterface
    public interface Action {
        /**
         * Injects the fault and undoes it where it is temporary.
         *
         * @param run the run, for its workers and store
         * @return what was hit, for the summary
         * @throws Exception if the fault could not be injected
         */
        String inject(SafetyRun run) throws Exception;
    }

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if an argument is null or the name is blank
     */
    public Fault {
        if (name == null || name.isBlank() || action == null) {
            throw new IllegalArgumentException("name must not be blank and action must not be null");
        }
    }

    /**
     * A fault that was injected during a run.
     *
     * @param name the fault's name
     * @param target what it hit, or why it hit nothing
     * @param startMicros when it began ({@link Micros})
     * @param endMicros when it was over
     */
    public record Injected(String name, String target, long startMicros, long endMicros) {
        @Override
        public String toString() {
            return name + " → " + target + " (" + (endMicros - startMicros) / 1000 + " ms)";
        }
    }
}

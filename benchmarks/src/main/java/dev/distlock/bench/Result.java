package dev.distlock.bench;

/**
 * One measured point: a contender in a scenario.
 *
 * @param contender     who ran
 * @param scenario      what ran
 * @param throughput    operations per second in the scenario's {@linkplain Scenario#throughputUnit() unit};
 *                      NaN if not measured
 * @param p50Nanos      median latency of one operation (lock+unlock, or release→next acquire for a
 *                      handoff), -1 if not measured
 * @param p99Nanos      99th percentile of the same, -1 if not measured
 * @param commandsPerOp server commands per operation (all servers of the family), NaN if the
 *                      server cannot be asked
 * @param clientCpu     CPU used by this JVM during the measurement, in cores (1.0 = one core busy),
 *                      NaN if not measured
 * @param serverCpu     CPU used by the server processes during the measurement, in cores, NaN if
 *                      unknown (in-process servers are part of {@code clientCpu})
 * @param operations    how many operations were counted
 * @param errors        operations that threw (the loop carried on)
 * @param violations    times two holders were seen at once (must be 0)
 * @param note          extra words for the report (empty if none)
 */
public record Result(Contender contender, Scenario scenario, double throughput, long p50Nanos, long p99Nanos,
                     double commandsPerOp, double clientCpu, double serverCpu, long operations, long errors,
                     long violations, String note) {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if contender, scenario or note is null
     */
    public Result {
        if (contender == null || scenario == null || note == null) {
            throw new IllegalArgumentException("contender, scenario and note must not be null");
        }
    }

    /**
     * Returns a result with only a throughput and latencies, for tests and simple rows.
     *
     * @param contender  who ran
     * @param scenario   what ran
     * @param throughput operations per second
     * @param p50Nanos   median latency, -1 if none
     * @param p99Nanos   99th percentile latency, -1 if none
     * @return the result
     * @throws IllegalArgumentException if contender or scenario is null
     */
    public static Result of(Contender contender, Scenario scenario, double throughput, long p50Nanos, long p99Nanos) {
        return new Result(contender, scenario, throughput, p50Nanos, p99Nanos, Double.NaN, Double.NaN, Double.NaN,
                0, 0, 0, "");
    }

    /**
     * Returns a copy with a different server-command count per operation.
     *
     * @param perOp commands per operation, NaN if unknown
     * @return the new result
     */
    public Result withCommandsPerOp(double perOp) {
        return new Result(contender, scenario, throughput, p50Nanos, p99Nanos, perOp, clientCpu, serverCpu,
                operations, errors, violations, note);
    }
}

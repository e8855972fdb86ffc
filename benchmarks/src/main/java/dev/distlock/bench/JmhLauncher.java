package dev.distlock.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH suite ({@code dev.distlock.bench.jmh}) on servers started once here and handed
 * to every fork through system properties, with the {@code contender} parameter limited to the
 * contenders that can run (the others are listed as skipped). Floors run only the uncontended
 * benchmarks, in a second JMH run; the coordination suite ({@code CoordinationBenchmarks}) runs in one
 * of its own, with the contenders that have the primitives. Any JMH option may be given,
 * for example {@code -p contender=REDISSON,DISTLOCK_REDIS -f 1 -wi 2 -i 3 LockBenchmarks.uncontended1}.
 *
 * <p>Not thread-safe; one run per JVM.
 */
final class JmhLauncher {
    private static final String SUITE = "dev\\.distlock\\.bench\\.jmh\\.LockBenchmarks";
    private static final String COORDINATION = "dev\\.distlock\\.bench\\.jmh\\.CoordinationBenchmarks";

    private JmhLauncher() {
    }

    static void run(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        try (BenchServers servers = BenchServers.start(BenchServers.Options.fromSystemProperties(),
                EnumSet.allOf(Contender.Family.class), m -> System.out.println("# " + m))) {
            List<String> locks = new ArrayList<>();
            List<String> floors = new ArrayList<>();
            for (Contender c : Contender.values()) {
                String why = LockAdapters.unavailable(c, servers);
                if (why == null) {
                    (c.isFloor() ? floors : locks).add(c.name());
                } else {
                    System.out.println("# SKIP " + c.label() + ": " + why);
                }
            }
            List<String> jvmArgs = new ArrayList<>(servers.systemPropertyArgs());
            jvmArgs.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
            String[] forks = jvmArgs.toArray(String[]::new);
            if (cli.getParameter("contender").hasValue()) {
                System.out.println("# contenders as given with -p contender=…");
                ChainedOptionsBuilder b = new OptionsBuilder().parent(cli).jvmArgsAppend(forks);
                if (cli.getIncludes().isEmpty()) {
                    b.include(SUITE + ".*");
                }
                new Runner(b.build()).run();
                return;
            }
            // Floors are round trips, not locks: they run only the uncontended benchmarks.
            if (!locks.isEmpty()) {
                ChainedOptionsBuilder b = new OptionsBuilder().parent(cli).jvmArgsAppend(forks)
                        .param("contender", locks.toArray(String[]::new));
                if (cli.getIncludes().isEmpty()) {
                    b.include(SUITE + ".*");
                }
                new Runner(b.build()).run();
            }
            // The coordination suite, for the contenders that have read-write locks, semaphores or elections.
            List<String> coordination = new ArrayList<>();
            for (String c : locks) {
                Contender k = Contender.valueOf(c);
                if (CoordinationAdapters.supports(k, Scenario.READ_WRITE_8)
                        || CoordinationAdapters.supports(k, Scenario.ELECTION_FAILOVER_3)) {
                    coordination.add(c);
                }
            }
            if (!coordination.isEmpty() && cli.getIncludes().isEmpty()) {
                new Runner(new OptionsBuilder().parent(cli).jvmArgsAppend(forks)
                        .param("contender", coordination.toArray(String[]::new)).include(COORDINATION + ".*").build())
                        .run();
            }
            if (!floors.isEmpty()) {
                ChainedOptionsBuilder b = new OptionsBuilder().parent(cli).jvmArgsAppend(forks)
                        .param("contender", floors.toArray(String[]::new));
                if (cli.getIncludes().isEmpty()) {
                    b.include(SUITE + "\\.uncontended.*");
                } else {
                    System.out.println("# floors: run them with -p contender=REDIS_PING_FLOOR,REDLOCK_PING_FLOOR,ZK_EXISTS_FLOOR"
                            + " on the uncontended benchmarks");
                    return;
                }
                new Runner(b.build()).run();
            }
        }
    }
}

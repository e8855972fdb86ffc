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
 * contenders that can run (the others are listed as skipped). Any JMH option may be given,
 * for example {@code -p contender=REDISSON,DISTLOCK_REDIS -f 1 -wi 2 -i 3 LockBenchmarks.uncontended1}.
 *
 * <p>Not thread-safe; one run per JVM.
 */
final class JmhLauncher {
    private JmhLauncher() {
    }

    static void run(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        try (BenchServers servers = BenchServers.start(BenchServers.Options.fromSystemProperties(),
                EnumSet.allOf(Contender.Family.class), m -> System.out.println("# " + m))) {
            List<String> available = new ArrayList<>();
            for (Contender c : Contender.values()) {
                String why = LockAdapters.unavailable(c, servers);
                if (why == null) {
                    available.add(c.name());
                } else {
                    System.out.println("# SKIP " + c.label() + ": " + why);
                }
            }
            List<String> jvmArgs = new ArrayList<>(servers.systemPropertyArgs());
            jvmArgs.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
            ChainedOptionsBuilder b = new OptionsBuilder().parent(cli).jvmArgsAppend(jvmArgs.toArray(String[]::new));
            if (cli.getParameter("contender").hasValue()) {
                System.out.println("# contenders as given with -p contender=…");
            } else {
                b.param("contender", available.toArray(String[]::new));
            }
            if (cli.getIncludes().isEmpty()) {
                b.include("dev\\.distlock\\.bench\\.jmh\\..*");
            }
            new Runner(b.build()).run();
        }
    }
}

package dev.distlock.bench;

import java.lang.management.ManagementFactory;

/**
 * The machine a run measured on, as printed at the top of {@code results.md}.
 *
 * @param cores       processors available to the JVM
 * @param memoryBytes physical memory, -1 if unknown
 * @param jdk         JVM name, vendor and version
 * @param os          operating system name, version and architecture
 */
public record Machine(int cores, long memoryBytes, String jdk, String os) {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if cores is below 1 or a text is null
     */
    public Machine {
        if (cores < 1 || jdk == null || os == null) {
            throw new IllegalArgumentException("cores must be >= 1 and jdk, os non-null, was " + cores + ", " + jdk
                    + ", " + os);
        }
    }

    /**
     * Describes the machine this JVM runs on.
     *
     * @return the description
     */
    public static Machine current() {
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        return new Machine(Runtime.getRuntime().availableProcessors(), memory, jdk, os);
    }

    /**
     * Returns a one-line description, for example
     * {@code "2 cores, 23.4 GiB, OpenJDK 64-Bit Server VM 17.0.15 (Debian), Linux 6.1 amd64"}.
     *
     * @return the line
     */
    public String describe() {
        String mem = memoryBytes > 0
                ? String.format(java.util.Locale.ROOT, "%.1f GiB", memoryBytes / (1024.0 * 1024 * 1024))
                : "memory unknown";
        return cores + (cores == 1 ? " core, " : " cores, ") + mem + ", " + jdk + ", " + os;
    }
}

package dev.distlock.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the report says about a run besides its numbers.
 *
 * @param mode      {@code "quick"}, {@code "smoke"} or {@code "full"}
 * @param command   the command line that produced it
 * @param startedAt when it started
 * @param took      how long it took
 * @param machine   the machine
 * @param servers   one line per server used (kind, version, address)
 * @param settings  one line per setting worth knowing (windows, lease, held locks)
 * @param skipped   one line per contender or scenario that did not run, with the reason
 */
public record RunInfo(String mode, String command, Instant startedAt, Duration took, Machine machine,
                      List<String> servers, List<String> settings, List<String> skipped) {

    /**
     * Checks the arguments and copies the lists.
     *
     * @throws IllegalArgumentException if any argument is null
     */
    public RunInfo {
        if (mode == null || command == null || startedAt == null || took == null || machine == null
                || servers == null || settings == null || skipped == null) {
            throw new IllegalArgumentException("no RunInfo component may be null");
        }
        servers = List.copyOf(servers);
        settings = List.copyOf(settings);
        skipped = List.copyOf(skipped);
    }
}

package dev.distlock.embedded.internal;

import dev.distlock.embedded.StoreClock;
import java.time.Duration;
import java.util.Map;

/**
 * The checked settings of a server (see {@code EmbeddedRedisServer.Builder}).
 *
 * @param port            the port, 0 for a free one
 * @param bindAddress     the address to listen on
 * @param requirePass     the default user's password, or null for none
 * @param users           further users and their passwords (all permissions)
 * @param clock           the time source
 * @param busyThreshold   how long a script runs before other clients get BUSY
 * @param scriptTimeLimit how long a script may run before it is stopped
 * @param databases       the number of logical databases
 */
public record ServerConfig(int port, String bindAddress, String requirePass, Map<String, String> users,
                           StoreClock clock, Duration busyThreshold, Duration scriptTimeLimit, int databases) {
    /** @return whether clients must authenticate before other commands */
    public boolean authRequired() {
        return requirePass != null;
    }
}

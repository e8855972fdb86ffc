package dev.distlock;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings shared by every backend: the watchdog's lease and renewal interval, connection and
 * command timeouts, the client name and the clock. Immutable; build one with
 * {@link #builder()}, which checks every value when it is set.
 *
 * <pre>{@code
 * LockConfig config = LockConfig.builder()
 *         .leaseTime(Duration.ofSeconds(10))     // renewed every 10s / 3 while held
 *         .commandTimeout(Duration.ofSeconds(2))
 *         .build();
 * LockClient client = LockClients.connect("redis://127.0.0.1:6379", config);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class LockConfig {
    /** The longest lease or renewal interval accepted: 365 days. */
    public static final Duration MAX_LEASE = Duration.ofDays(365);
    /** The default watchdog lease: 30 seconds. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** The default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The default command timeout: 5 seconds. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private static final LockConfig DEFAULTS = builder().build();

    private final Duration leaseTime;
    private final Duration renewInterval;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final String clientName;
    private final LockClock clock;

    private LockConfig(Builder b) {
        this.leaseTime = b.leaseTime;
        this.renewInterval = b.renewInterval != null ? b.renewInterval : b.leaseTime.dividedBy(3);
        this.connectTimeout = b.connectTimeout;
        this.commandTimeout = b.commandTimeout;
        this.clientName = b.clientName;
        this.clock = b.clock;
    }

    /**
     * Returns the default settings: 30 s lease renewed every 10 s, 10 s connect timeout, 5 s
     * command timeout, client name {@code distlock}, the system clock.
     *
     * @return the shared default config
     */
    public static LockConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with the default settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder with this config's settings.
     *
     * @return a new builder holding a copy of these settings
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.leaseTime = leaseTime;
        b.renewInterval = renewInterval;
        b.connectTimeout = connectTimeout;
        b.commandTimeout = commandTimeout;
        b.clientName = clientName;
        b.clock = clock;
        return b;
    }

    /**
     * Returns the lease a lock gets when no lease is given; the watchdog renews it while held.
     *
     * @return the watchdog lease
     */
    public Duration leaseTime() {
        return leaseTime;
    }

    /**
     * Returns how often the watchdog renews a held lease (default: a third of the lease).
     *
     * @return the renewal interval, shorter than {@link #leaseTime()}
     */
    public Duration renewInterval() {
        return renewInterval;
    }

    /**
     * Returns how long connecting to the store may take before it fails.
     *
     * @return the connect timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Returns how long a single command may take before it fails.
     *
     * @return the command timeout
     */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /**
     * Returns the name the client announces to the store, where the store supports one.
     *
     * @return the client name
     */
    public String clientName() {
        return clientName;
    }

    /**
     * Returns the clock used for leases, renewals and drift.
     *
     * @return the clock
     */
    public LockClock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "LockConfig[leaseTime=" + leaseTime + ", renewInterval=" + renewInterval
                + ", connectTimeout=" + connectTimeout + ", commandTimeout=" + commandTimeout
                + ", clientName=" + clientName + "]";
    }

    /**
     * Builds a {@link LockConfig}. Each setter checks its argument at once and throws
     * {@link IllegalArgumentException} naming the setting and the rule.
     *
     * <p>Not thread-safe; use one builder from one thread.
     */
    public static final class Builder {
        private Duration leaseTime = DEFAULT_LEASE;
        private Duration renewInterval;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private String clientName = "distlock";
        private LockClock clock = LockClock.system();

        private Builder() {
        }

        /**
         * Sets the watchdog lease. Unless {@link #renewInterval} is set too, renewals happen
         * every third of it.
         *
         * @param leaseTime the lease, at least 1 ms and at most {@link #MAX_LEASE}
         * @return this builder
         * @throws IllegalArgumentException if {@code leaseTime} is null, shorter than 1 ms or
         *         longer than {@link #MAX_LEASE}
         */
        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = checkLease("leaseTime", leaseTime);
            return this;
        }

        /**
         * Sets how often the watchdog renews a held lease.
         *
         * @param renewInterval the interval, at least 1 ms and shorter than the lease
         * @return this builder
         * @throws IllegalArgumentException if {@code renewInterval} is null or shorter than 1 ms
         *         (that it is shorter than the lease is checked by {@link #build()})
         */
        public Builder renewInterval(Duration renewInterval) {
            this.renewInterval = checkLease("renewInterval", renewInterval);
            return this;
        }

        /**
         * Sets how long connecting may take.
         *
         * @param connectTimeout the timeout, at least 1 ms
         * @return this builder
         * @throws IllegalArgumentException if {@code connectTimeout} is null or shorter than 1 ms
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = checkPositive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * Sets how long one command may take.
         *
         * @param commandTimeout the timeout, at least 1 ms
         * @return this builder
         * @throws IllegalArgumentException if {@code commandTimeout} is null or shorter than 1 ms
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = checkPositive("commandTimeout", commandTimeout);
            return this;
        }

        /**
         * Sets the name the client announces to the store.
         *
         * @param clientName a name of 1 to 64 characters from {@code [A-Za-z0-9._:-]}
         * @return this builder
         * @throws IllegalArgumentException if {@code clientName} is null, empty, longer than 64
         *         characters or has other characters
         */
        public Builder clientName(String clientName) {
            if (clientName == null || !clientName.matches("[A-Za-z0-9._:-]{1,64}")) {
                throw new IllegalArgumentException(
                        "clientName must be 1 to 64 characters from [A-Za-z0-9._:-], was " + quote(clientName));
            }
            this.clientName = clientName;
            return this;
        }

        /**
         * Sets the clock for leases, renewals and drift.
         *
         * @param clock the clock
         * @return this builder
         * @throws IllegalArgumentException if {@code clock} is null
         */
        public Builder clock(LockClock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            this.clock = clock;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return an immutable config
         * @throws IllegalArgumentException if the renewal interval is not shorter than the lease
         */
        public LockConfig build() {
            if (renewInterval != null && renewInterval.compareTo(leaseTime) >= 0) {
                throw new IllegalArgumentException("renewInterval must be shorter than leaseTime, was "
                        + renewInterval + " with leaseTime " + leaseTime);
            }
            return new LockConfig(this);
        }

        private static Duration checkLease(String what, Duration d) {
            checkPositive(what, d);
            if (d.compareTo(MAX_LEASE) > 0) {
                throw new IllegalArgumentException(what + " must be at most " + MAX_LEASE + ", was " + d);
            }
            return d;
        }

        private static Duration checkPositive(String what, Duration d) {
            if (d == null || d.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException(what + " must be at least 1ms, was " + d);
            }
            return d;
        }

        private static String quote(String s) {
            return s == null ? "null" : "'" + s + "'";
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LockConfig other)) {
            return false;
        }
        return leaseTime.equals(other.leaseTime) && renewInterval.equals(other.renewInterval)
                && connectTimeout.equals(other.connectTimeout) && commandTimeout.equals(other.commandTimeout)
                && clientName.equals(other.clientName) && clock.equals(other.clock);
    }

    @Override
    public int hashCode() {
        return Objects.hash(leaseTime, renewInterval, connectTimeout, commandTimeout, clientName, clock);
    }
}

package dev.distlock.zookeeper;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the ZooKeeper backend beyond the shared {@link dev.distlock.LockConfig}: the
 * session timeout and what happens to held locks while the connection is suspended. Immutable;
 * build one with {@link #builder()}, which checks every value when it is set.
 *
 * <p>The same settings can be given as URI parameters:
 * {@code zk://h1:2181,h2:2181/ns?sessionTimeout=20s&onSuspended=wait&suspendGrace=3s}
 * ({@code onSuspended} is {@code lose} or {@code wait}; durations take {@code ms}, {@code s} or
 * {@code m}, a bare number is milliseconds).
 *
 * <p>Thread-safe.
 */
public final class ZkLockOptions {
    /** The default session timeout: 30 seconds. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);

    private static final ZkLockOptions DEFAULTS = builder().build();

    private final Duration sessionTimeout;
    private final SuspendPolicy suspendPolicy;
    private final Duration suspendGrace;
    private final ZkRequestStats stats;

    private ZkLockOptions(Builder b) {
        this.sessionTimeout = b.sessionTimeout;
        this.suspendPolicy = b.suspendPolicy;
        this.suspendGrace = b.suspendGrace;
        this.stats = b.stats;
    }

    /**
     * Returns the defaults: a 30 s session, {@link SuspendPolicy#WAIT_FOR_RECONNECT} with a grace
     * of a quarter of the negotiated session timeout, no statistics.
     *
     * @return the shared defaults
     */
    public static ZkLockOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder with these settings.
     *
     * @return a new builder holding a copy of these settings
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sessionTimeout = sessionTimeout;
        b.suspendPolicy = suspendPolicy;
        b.suspendGrace = suspendGrace;
        b.stats = stats;
        return b;
    }

    /**
     * Returns these settings overridden by the URI parameters {@code sessionTimeout},
     * {@code onSuspended} and {@code suspendGrace}, where present.
     *
     * @param params the URI's query parameters
     * @return the merged settings
     * @throws IllegalArgumentException if a parameter is unknown or its value is invalid (the
     *         message names the parameter and the rule)
     */
    public ZkLockOptions withUriParameters(Map<String, String> params) {
        if (params == null || params.isEmpty()) {
            return this;
        }
        Builder b = toBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "sessionTimeout" -> b.sessionTimeout(parseDuration("sessionTimeout", v));
                case "suspendGrace" -> b.suspendGrace(parseDuration("suspendGrace", v));
                case "onSuspended" -> {
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "lose" -> b.suspendPolicy(SuspendPolicy.LOSE_AT_ONCE);
                        case "wait" -> b.suspendPolicy(SuspendPolicy.WAIT_FOR_RECONNECT);
                        default -> throw new IllegalArgumentException(
                                "URI parameter onSuspended must be 'lose' or 'wait', was '" + v + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown zk URI parameter '" + e.getKey()
                        + "' (known: sessionTimeout, onSuspended, suspendGrace)");
            }
        }
        return b.build();
    }

    static Duration parseDuration(String what, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        long factor = 1;
        String digits = t;
        if (t.endsWith("ms")) {
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            digits = t.substring(0, t.length() - 1);
            factor = 1000;
        } else if (t.endsWith("m")) {
            digits = t.substring(0, t.length() - 1);
            factor = 60_000;
        }
        try {
            long v = Long.parseLong(digits);
            if (v < 0 || v > Long.MAX_VALUE / factor) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis(v * factor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "URI parameter " + what + " must be a duration such as 500ms, 10s or 1m, was '" + text + "'");
        }
    }

    /**
     * Returns the session timeout asked of ZooKeeper (the server may negotiate it into its own
     * bounds). Lock nodes live as long as the session.
     *
     * @return the session timeout
     */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /**
     * Returns what happens to held locks while the connection is suspended.
     *
     * @return the policy
     */
    public SuspendPolicy suspendPolicy() {
        return suspendPolicy;
    }

    /**
     * Returns how long holds stay valid while suspended under
     * {@link SuspendPolicy#WAIT_FOR_RECONNECT}, or {@code null} for the default: a quarter of the
     * negotiated session timeout, short enough that the servers still have the session when it
     * ends (the client notices a silent connection after two thirds of the timeout).
     *
     * @return the grace, or null for the default
     */
    public Duration suspendGrace() {
        return suspendGrace;
    }

    /**
     * Returns the counters the backend adds its requests to, or {@code null}.
     *
     * @return the counters or null
     */
    public ZkRequestStats stats() {
        return stats;
    }

    @Override
    public String toString() {
        return "ZkLockOptions[sessionTimeout=" + sessionTimeout + ", suspendPolicy=" + suspendPolicy
                + ", suspendGrace=" + (suspendGrace == null ? "sessionTimeout/4" : suspendGrace) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZkLockOptions other && sessionTimeout.equals(other.sessionTimeout)
                && suspendPolicy == other.suspendPolicy && Objects.equals(suspendGrace, other.suspendGrace)
                && stats == other.stats;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionTimeout, suspendPolicy, suspendGrace, System.identityHashCode(stats));
    }

    /**
     * Builds {@link ZkLockOptions}. Each setter checks its argument at once and throws
     * {@link IllegalArgumentException} naming the setting and the rule.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private SuspendPolicy suspendPolicy = SuspendPolicy.WAIT_FOR_RECONNECT;
        private Duration suspendGrace;
        private ZkRequestStats stats;

        private Builder() {
        }

        /**
         * Sets the session timeout to ask for.
         *
         * @param sessionTimeout from 100 ms to 1 hour
         * @return this builder
         * @throws IllegalArgumentException if {@code sessionTimeout} is null or out of range
         */
        public Builder sessionTimeout(Duration sessionTimeout) {
            if (sessionTimeout == null || sessionTimeout.compareTo(Duration.ofMillis(100)) < 0
                    || sessionTimeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("sessionTimeout must be from 100ms to 1h, was " + sessionTimeout);
            }
            this.sessionTimeout = sessionTimeout;
            return this;
        }

        /**
         * Sets what happens to held locks while the connection is suspended.
         *
         * @param suspendPolicy the policy
         * @return this builder
         * @throws IllegalArgumentException if {@code suspendPolicy} is null
         */
        public Builder suspendPolicy(SuspendPolicy suspendPolicy) {
            if (suspendPolicy == null) {
                throw new IllegalArgumentException("suspendPolicy must not be null");
            }
            this.suspendPolicy = suspendPolicy;
            return this;
        }

        /**
         * Sets how long holds stay valid while suspended under
         * {@link SuspendPolicy#WAIT_FOR_RECONNECT}. A grace close to the session timeout lets a
         * client believe it holds a lock that the servers have already given to someone else;
         * keep it well under a third of the timeout.
         *
         * @param suspendGrace at least 0 and shorter than the session timeout (checked by
         *        {@link #build()}), or null for the default (a quarter of the negotiated timeout)
         * @return this builder
         * @throws IllegalArgumentException if {@code suspendGrace} is negative
         */
        public Builder suspendGrace(Duration suspendGrace) {
            if (suspendGrace != null && suspendGrace.isNegative()) {
                throw new IllegalArgumentException("suspendGrace must not be negative, was " + suspendGrace);
            }
            this.suspendGrace = suspendGrace;
            return this;
        }

        /**
         * Sets counters to add the backend's requests to.
         *
         * @param stats the counters, or null for none
         * @return this builder
         */
        public Builder stats(ZkRequestStats stats) {
            this.stats = stats;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         * @throws IllegalArgumentException if the grace is not shorter than the session timeout
         */
        public ZkLockOptions build() {
            if (suspendGrace != null && suspendGrace.compareTo(sessionTimeout) >= 0) {
                throw new IllegalArgumentException("suspendGrace must be shorter than sessionTimeout, was "
                        + suspendGrace + " with sessionTimeout " + sessionTimeout);
            }
            return new ZkLockOptions(this);
        }
    }
}

package dev.distlock.redlock;

import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.spi.LockUri;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of a Redlock client that are not in {@link dev.distlock.LockConfig}: per-node
 * timeouts, the drift allowance, retry jitter, the key prefix and how long fencing counters are
 * kept. Given as query parameters of a {@code redlock://} URI:
 *
 * <table>
 * <caption>URI parameters</caption>
 * <tr><th>parameter</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code nodeTimeout}</td><td>from the lease: {@code lease × 0.05}, at least 50 ms, at
 *     most 1 s</td><td>the longest a single node may take to answer; an acquire attempt waits at
 *     most {@code min(nodeTimeout, lease × attemptFraction)}; {@code auto} asks for the
 *     default. Releases wait for each node up to {@link dev.distlock.LockConfig#commandTimeout()},
 *     watchdog renewals up to the hold's remaining validity</td></tr>
 * <tr><td>{@code attemptFraction}</td><td>0.1</td><td>share of the lease an acquire attempt may
 *     wait for slow nodes (0.01 to 0.5)</td></tr>
 * <tr><td>{@code driftFactor}</td><td>0.01</td><td>clock drift allowed per unit of lease</td></tr>
 * <tr><td>{@code driftMin}</td><td>2ms</td><td>fixed drift added to {@code lease × driftFactor}</td></tr>
 * <tr><td>{@code retryMin}, {@code retryMax}</td><td>10ms, 100ms</td><td>bounds of the random delay
 *     before retrying after a split vote or unreachable nodes</td></tr>
 * <tr><td>{@code prefix}</td><td>{@code distlock:}</td><td>key prefix (see {@link RedisKeyLayout})</td></tr>
 * <tr><td>{@code fenceRetention}</td><td>1d</td><td>how long a fencing counter is kept after the
 *     last acquisition; {@code forever} or {@code 0} keeps it for ever</td></tr>
 * </table>
 *
 * <p>Durations are written {@code 500ms}, {@code 30s}, {@code 10m}, {@code 12h}, {@code 7d} or
 * ISO-8601 ({@code PT0.5S}).
 *
 * <p>Immutable and thread-safe.
 */
public final class RedlockOptions {
    /** The URI query parameters understood. */
    public static final Set<String> URI_PARAMETERS = Set.of("nodeTimeout", "attemptFraction", "driftFactor", "driftMin", "retryMin",
            "retryMax", "prefix", "fenceRetention");
    /** Share of the lease that is the default per-node timeout (before the bounds below). */
    public static final double AUTO_NODE_TIMEOUT_FRACTION = 0.05;
    /** Shortest default per-node timeout. */
    public static final Duration AUTO_NODE_TIMEOUT_MIN = Duration.ofMillis(50);
    /** Longest default per-node timeout; also the shortest time without an answer after which a node counts as unreachable. */
    public static final Duration AUTO_NODE_TIMEOUT_MAX = Duration.ofSeconds(1);
    /** Default share of the lease an attempt may wait. */
    public static final double DEFAULT_ATTEMPT_FRACTION = 0.1;
    /** Default drift per unit of lease. */
    public static final double DEFAULT_DRIFT_FACTOR = 0.01;
    /** Default fixed drift. */
    public static final Duration DEFAULT_DRIFT_MIN = Duration.ofMillis(2);
    /** Default shortest retry delay. */
    public static final Duration DEFAULT_RETRY_MIN = Duration.ofMillis(10);
    /** Default longest retry delay. */
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofMillis(100);
    /** Default fencing-counter retention. */
    public static final Duration DEFAULT_FENCE_RETENTION = Duration.ofDays(1);

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    private static final RedlockOptions DEFAULTS = new RedlockOptions(null, DEFAULT_ATTEMPT_FRACTION, DEFAULT_DRIFT_FACTOR,
            DEFAULT_DRIFT_MIN, DEFAULT_RETRY_MIN, DEFAULT_RETRY_MAX, RedisKeyLayout.defaults(), DEFAULT_FENCE_RETENTION);

    /** The explicit per-node timeout, or null for the default from the lease. */
    private final Duration nodeTimeout;
    private final double attemptFraction;
    private final double driftFactor;
    private final Duration driftMin;
    private final Duration retryMin;
    private final Duration retryMax;
    private final RedisKeyLayout layout;
    private final Duration fenceRetention;

    private RedlockOptions(Duration nodeTimeout, double attemptFraction, double driftFactor, Duration driftMin,
            Duration retryMin, Duration retryMax, RedisKeyLayout layout, Duration fenceRetention) {
        this.nodeTimeout = nodeTimeout;
        this.attemptFraction = attemptFraction;
        this.driftFactor = driftFactor;
        this.driftMin = driftMin;
        this.retryMin = retryMin;
        this.retryMax = retryMax;
        this.layout = layout;
        this.fenceRetention = fenceRetention;
    }

    /**
     * Returns the defaults listed in the class comment.
     *
     * @return the defaults
     */
    public static RedlockOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Reads the options from a URI's query parameters; absent ones keep their defaults.
     *
     * @param uri the parsed URI
     * @return the options
     * @throws IllegalArgumentException if a parameter is unknown or its value is malformed or out
     *         of range (the message names the parameter and the rule)
     * @throws NullPointerException if {@code uri} is null
     */
    public static RedlockOptions fromUri(LockUri uri) {
        Objects.requireNonNull(uri, "uri");
        Map<String, String> p = uri.params();
        for (String k : p.keySet()) {
            if (!URI_PARAMETERS.contains(k)) {
                throw new IllegalArgumentException("redlock URI parameter '" + k + "' is unknown; known: "
                        + new java.util.TreeSet<>(URI_PARAMETERS));
            }
        }
        Duration nodeTimeout = null;
        if (p.containsKey("nodeTimeout") && !p.get("nodeTimeout").trim().equalsIgnoreCase("auto")) {
            nodeTimeout = duration("nodeTimeout", p.get("nodeTimeout"));
        }
        double attemptFraction = DEFAULT_ATTEMPT_FRACTION;
        if (p.containsKey("attemptFraction")) {
            try {
                attemptFraction = Double.parseDouble(p.get("attemptFraction").trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("attemptFraction must be a number from 0.01 to 0.5, was '"
                        + p.get("attemptFraction") + "'", e);
            }
        }
        double driftFactor = DEFAULT_DRIFT_FACTOR;
        if (p.containsKey("driftFactor")) {
            try {
                driftFactor = Double.parseDouble(p.get("driftFactor").trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("driftFactor must be a number from 0 to 0.5, was '"
                        + p.get("driftFactor") + "'", e);
            }
        }
        Duration driftMin = p.containsKey("driftMin") ? duration("driftMin", p.get("driftMin")) : DEFAULT_DRIFT_MIN;
        Duration retryMin = p.containsKey("retryMin") ? duration("retryMin", p.get("retryMin")) : DEFAULT_RETRY_MIN;
        Duration retryMax = p.containsKey("retryMax") ? duration("retryMax", p.get("retryMax")) : DEFAULT_RETRY_MAX;
        RedisKeyLayout layout = p.containsKey("prefix") ? RedisKeyLayout.withPrefix(p.get("prefix"))
                : RedisKeyLayout.defaults();
        Duration retention = DEFAULT_FENCE_RETENTION;
        if (p.containsKey("fenceRetention")) {
            String t = p.get("fenceRetention").trim();
            retention = t.equalsIgnoreCase("forever") || t.equals("0") ? Duration.ZERO : duration("fenceRetention", t);
        }
        return of(nodeTimeout, attemptFraction, driftFactor, driftMin, retryMin, retryMax, layout, retention);
    }

    /**
     * Makes options from explicit values.
     *
     * @param nodeTimeout the per-node timeout, from 1 ms to 1 minute, or null for the default
     *        derived from each lease ({@code lease × 0.05}, at least 50 ms, at most 1 s)
     * @param attemptFraction the share of the lease an acquire attempt may wait, from 0.01 to 0.5
     * @param driftFactor the drift per unit of lease, from 0 to 0.5
     * @param driftMin the fixed drift, from 0 to 1 minute
     * @param retryMin the shortest retry delay, from 1 ms to 1 minute
     * @param retryMax the longest retry delay, at least {@code retryMin} and at most 1 minute
     * @param layout the key layout
     * @param fenceRetention how long fencing counters are kept, {@link Duration#ZERO} for ever;
     *        otherwise at least 1 second
     * @return the options
     * @throws IllegalArgumentException if a value is null or out of its range (the message names it)
     */
    public static RedlockOptions of(Duration nodeTimeout, double attemptFraction, double driftFactor, Duration driftMin,
            Duration retryMin, Duration retryMax, RedisKeyLayout layout, Duration fenceRetention) {
        if (nodeTimeout != null) {
            range("nodeTimeout", nodeTimeout, Duration.ofMillis(1), Duration.ofMinutes(1));
        }
        if (!(attemptFraction >= 0.01 && attemptFraction <= 0.5)) {
            throw new IllegalArgumentException("attemptFraction must be from 0.01 to 0.5, was " + attemptFraction);
        }
        if (!(driftFactor >= 0 && driftFactor <= 0.5)) {
            throw new IllegalArgumentException("driftFactor must be from 0 to 0.5, was " + driftFactor);
        }
        range("driftMin", driftMin, Duration.ZERO, Duration.ofMinutes(1));
        range("retryMin", retryMin, Duration.ofMillis(1), Duration.ofMinutes(1));
        range("retryMax", retryMax, retryMin, Duration.ofMinutes(1));
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
        if (fenceRetention == null || fenceRetention.isNegative()
                || (!fenceRetention.isZero() && fenceRetention.compareTo(Duration.ofSeconds(1)) < 0)) {
            throw new IllegalArgumentException(
                    "fenceRetention must be zero (for ever) or at least 1s, was " + fenceRetention);
        }
        return new RedlockOptions(nodeTimeout, attemptFraction, driftFactor, driftMin, retryMin, retryMax, layout, fenceRetention);
    }

    private static void range(String what, Duration d, Duration min, Duration max) {
        if (d == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be from " + min + " to " + max + ", was " + d);
        }
    }

    private static Duration duration(String what, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    what + " must be a duration such as 50ms, 2s or PT0.05S, was '" + text + "'", e);
        }
    }

    /**
     * Returns the explicit per-node timeout, if one was given.
     *
     * @return the timeout, or empty when it is derived from each lease (see
     *         {@link #nodeTimeoutNanos(long)})
     */
    public java.util.Optional<Duration> nodeTimeout() {
        return java.util.Optional.ofNullable(nodeTimeout);
    }

    /**
     * Returns the per-node timeout for operations on a hold with the given lease: the explicit
     * {@code nodeTimeout} if one was given, else {@code lease × 0.05} bounded to
     * [{@link #AUTO_NODE_TIMEOUT_MIN}, {@link #AUTO_NODE_TIMEOUT_MAX}]. A loaded node or
     * network answers in tens of milliseconds, which a fixed 50 ms does not cover; 5% of the lease
     * is what a slow answer may cost of the validity window.
     *
     * @param leaseMillis the lease, positive
     * @return the timeout in nanoseconds
     */
    public long nodeTimeoutNanos(long leaseMillis) {
        if (nodeTimeout != null) {
            return nodeTimeout.toNanos();
        }
        long share = (long) (leaseMillis * 1_000_000.0 * AUTO_NODE_TIMEOUT_FRACTION);
        return Math.max(AUTO_NODE_TIMEOUT_MIN.toNanos(), Math.min(AUTO_NODE_TIMEOUT_MAX.toNanos(), share));
    }

    /**
     * Returns how long a node may stay silent before an acquire that ends without a majority
     * counts it unreachable rather than slow: {@code max(nodeTimeout, 1 s)}
     * ({@link #AUTO_NODE_TIMEOUT_MAX}), and never more than the client's
     * {@link dev.distlock.LockConfig#commandTimeout()} (after which the command fails anyway).
     * Acquire attempts themselves wait only {@link #attemptTimeoutNanos(long)}.
     *
     * @return the duration
     */
    public Duration unreachableAfter() {
        return nodeTimeout != null && nodeTimeout.compareTo(AUTO_NODE_TIMEOUT_MAX) > 0 ? nodeTimeout
                : AUTO_NODE_TIMEOUT_MAX;
    }

    /**
     * Returns the share of the lease an acquire attempt may wait for slow nodes.
     *
     * @return the fraction
     */
    public double attemptFraction() {
        return attemptFraction;
    }

    /**
     * Returns the drift allowed per unit of lease.
     *
     * @return the factor
     */
    public double driftFactor() {
        return driftFactor;
    }

    /**
     * Returns the fixed drift added to {@code lease × driftFactor}.
     *
     * @return the fixed drift
     */
    public Duration driftMin() {
        return driftMin;
    }

    /**
     * Returns the shortest retry delay.
     *
     * @return the delay
     */
    public Duration retryMin() {
        return retryMin;
    }

    /**
     * Returns the longest retry delay.
     *
     * @return the delay
     */
    public Duration retryMax() {
        return retryMax;
    }

    /**
     * Returns the key layout.
     *
     * @return the layout
     */
    public RedisKeyLayout layout() {
        return layout;
    }

    /**
     * Returns how long fencing counters are kept after the last acquisition.
     *
     * @return the retention, {@link Duration#ZERO} for ever
     */
    public Duration fenceRetention() {
        return fenceRetention;
    }

    /**
     * Returns the drift allowance for a lease: {@code lease × driftFactor + driftMin}, at most
     * half the lease.
     *
     * @param leaseNanos the lease in nanoseconds, positive
     * @return the drift in nanoseconds
     */
    public long driftNanos(long leaseNanos) {
        long d = (long) (leaseNanos * driftFactor) + driftMin.toNanos();
        return Math.min(leaseNanos / 2, d);
    }

    /**
     * Returns how long one acquire attempt waits for the nodes:
     * {@code min(nodeTimeoutNanos(lease), lease × attemptFraction)}, at least 1 ms.
     *
     * @param leaseMillis the lease
     * @return the attempt timeout in nanoseconds
     */
    public long attemptTimeoutNanos(long leaseMillis) {
        long share = Math.max(1_000_000L, (long) (leaseMillis * 1_000_000.0 * attemptFraction));
        return Math.min(nodeTimeoutNanos(leaseMillis), share);
    }

    @Override
    public String toString() {
        return "RedlockOptions[nodeTimeout=" + (nodeTimeout != null ? nodeTimeout : "auto") + ", attemptFraction=" + attemptFraction + ", driftFactor=" + driftFactor + ", driftMin=" + driftMin
                + ", retry=" + retryMin + ".." + retryMax + ", prefix='" + layout.prefix() + "', fenceRetention="
                + (fenceRetention.isZero() ? "forever" : fenceRetention) + "]";
    }
}

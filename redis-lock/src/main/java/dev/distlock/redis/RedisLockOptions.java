package dev.distlock.redis;

import io.lettuce.core.resource.ClientResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings specific to the Redis backend: key prefix, how long fencing counters are kept, TLS
 * and Sentinel details, and optionally shared Lettuce resources. The settings every backend
 * shares (lease, timeouts, client name, clock) live in {@link dev.distlock.LockConfig}.
 *
 * <p>Each setting can also be given as a query parameter of the URI, which then overrides the
 * value set here:
 * <table>
 * <caption>URI query parameters</caption>
 * <tr><th>parameter</th><th>builder method</th><th>example</th></tr>
 * <tr><td>{@code prefix}</td><td>{@link Builder#keyPrefix}</td><td>{@code ?prefix=app1:locks:}</td></tr>
 * <tr><td>{@code fenceRetention}</td><td>{@link Builder#fenceRetention}</td>
 *     <td>{@code ?fenceRetention=7d}, {@code ?fenceRetention=forever}</td></tr>
 * <tr><td>{@code tls}</td><td>{@link Builder#tls}</td><td>{@code redis-cluster://h:p?tls=true}</td></tr>
 * <tr><td>{@code verifyPeer}</td><td>{@link Builder#peerVerification}</td><td>{@code ?verifyPeer=ca}</td></tr>
 * <tr><td>{@code caCert}</td><td>{@link Builder#trustedCertificates}</td><td>{@code ?caCert=/etc/redis/ca.pem}</td></tr>
 * <tr><td>{@code sentinelPassword}</td><td>{@link Builder#sentinelPassword}</td><td>{@code ?sentinelPassword=s3cret}</td></tr>
 * <tr><td>{@code database}</td><td>(the URI path {@code /db})</td><td>{@code ?database=2}</td></tr>
 * <tr><td>{@code minReplicaAcks}</td><td>{@link Builder#minReplicaAcks}</td><td>{@code ?minReplicaAcks=1}</td></tr>
 * <tr><td>{@code replicaAckTimeout}</td><td>{@link Builder#replicaAckTimeout}</td><td>{@code ?replicaAckTimeout=200ms}</td></tr>
 * </table>
 * Durations are written {@code 500ms}, {@code 30s}, {@code 10m}, {@code 12h}, {@code 7d} or in
 * ISO-8601 ({@code PT30S}). Unknown parameters are rejected.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class RedisLockOptions {
    /** How long a fencing counter is kept after the last acquisition unless set: one day. */
    public static final Duration DEFAULT_FENCE_RETENTION = Duration.ofDays(1);
    /** A fence retention of this value keeps fencing counters forever. */
    public static final Duration KEEP_FOREVER = Duration.ZERO;
    /** The shortest fence retention accepted (other than {@link #KEEP_FOREVER}). */
    public static final Duration MIN_FENCE_RETENTION = Duration.ofSeconds(1);
    /** How long an acquisition waits for replica acknowledgements unless set: half a second. */
    public static final Duration DEFAULT_REPLICA_ACK_TIMEOUT = Duration.ofMillis(500);
    /** The largest number of replica acknowledgements that can be asked for. */
    public static final int MAX_REPLICA_ACKS = 100;

    /** The URI query parameters understood by the Redis backend. */
    public static final Set<String> URI_PARAMETERS = Set.of("prefix", "fenceRetention", "tls", "verifyPeer",
            "caCert", "sentinelPassword", "database", "minReplicaAcks", "replicaAckTimeout");

    /** How a TLS connection checks the server's certificate. */
    public enum PeerVerification {
        /** Check the certificate chain and that the host name matches (the default). */
        FULL,
        /** Check the certificate chain only. */
        CA,
        /** Check nothing; for tests with self-signed certificates only. */
        NONE
    }

    private static final RedisLockOptions DEFAULTS = builder().build();
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private final String keyPrefix;
    private final Duration fenceRetention;
    private final boolean tls;
    private final PeerVerification peerVerification;
    private final Path trustedCertificates;
    private final String sentinelPassword;
    private final ClientResources clientResources;
    private final int minReplicaAcks;
    private final Duration replicaAckTimeout;

    private RedisLockOptions(Builder b) {
        this.keyPrefix = b.keyPrefix;
        this.fenceRetention = b.fenceRetention;
        this.tls = b.tls;
        this.peerVerification = b.peerVerification;
        this.trustedCertificates = b.trustedCertificates;
        this.sentinelPassword = b.sentinelPassword;
        this.clientResources = b.clientResources;
        this.minReplicaAcks = b.minReplicaAcks;
        this.replicaAckTimeout = b.replicaAckTimeout;
    }

    /**
     * Returns the default options: prefix {@value RedisKeyLayout#DEFAULT_PREFIX}, fencing counters
     * kept one day, no TLS unless the URI is {@code rediss://}, full peer verification, the
     * JVM's trust store, no Sentinel password, Lettuce resources owned by each client, no wait
     * for replica acknowledgements.
     *
     * @return the shared default options
     */
    public static RedisLockOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with the default options.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.keyPrefix = keyPrefix;
        b.fenceRetention = fenceRetention;
        b.tls = tls;
        b.peerVerification = peerVerification;
        b.trustedCertificates = trustedCertificates;
        b.sentinelPassword = sentinelPassword;
        b.clientResources = clientResources;
        b.minReplicaAcks = minReplicaAcks;
        b.replicaAckTimeout = replicaAckTimeout;
        return b;
    }

    /**
     * Returns these options with the URI's query parameters applied on top.
     *
     * @param params the query parameters
     * @return the combined options
     * @throws IllegalArgumentException if a parameter is unknown or its value is invalid (the
     *         message names the parameter and the rule)
     */
    public RedisLockOptions withUriParameters(Map<String, String> params) {
        Objects.requireNonNull(params, "params");
        if (params.isEmpty()) {
            return this;
        }
        Builder b = toBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "prefix" -> b.keyPrefix(v);
                case "fenceRetention" -> b.fenceRetention(parseRetention(v));
                case "tls" -> b.tls(parseBoolean("tls", v));
                case "verifyPeer" -> b.peerVerification(parseVerification(v));
                case "caCert" -> b.trustedCertificates(Path.of(v));
                case "sentinelPassword" -> b.sentinelPassword(v);
                case "minReplicaAcks" -> b.minReplicaAcks(parseCount("minReplicaAcks", v));
                case "replicaAckTimeout" -> b.replicaAckTimeout(parseDuration("replicaAckTimeout", v.trim()));
                case "database" -> {
                    // read by the endpoint parser; nothing to keep here
                }
                default -> throw new IllegalArgumentException("unknown URI parameter '" + e.getKey()
                        + "'; the Redis backend understands " + new java.util.TreeSet<>(URI_PARAMETERS));
            }
        }
        return b.build();
    }

    /**
     * Returns the prefix of every key and channel.
     *
     * @return the prefix, possibly empty
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * Returns the key layout for {@link #keyPrefix()}.
     *
     * @return the layout
     */
    public RedisKeyLayout keyLayout() {
        return RedisKeyLayout.withPrefix(keyPrefix);
    }

    /**
     * Returns how long a lock's fencing counter is kept after its last acquisition.
     *
     * @return the retention, or {@link #KEEP_FOREVER}
     */
    public Duration fenceRetention() {
        return fenceRetention;
    }

    /**
     * Tells whether connections use TLS even for a {@code redis://}, {@code redis-sentinel://}
     * or {@code redis-cluster://} URI ({@code rediss://} always does).
     *
     * @return whether TLS is asked for
     */
    public boolean tls() {
        return tls;
    }

    /**
     * Returns how TLS connections check the server's certificate.
     *
     * @return the verification mode
     */
    public PeerVerification peerVerification() {
        return peerVerification;
    }

    /**
     * Returns the PEM file of certificates to trust for TLS, or {@code null} for the JVM's trust
     * store.
     *
     * @return the file or null
     */
    public Path trustedCertificates() {
        return trustedCertificates;
    }

    /**
     * Returns the password of the Sentinel processes (not of the Redis data nodes), or
     * {@code null}.
     *
     * @return the password or null
     */
    public String sentinelPassword() {
        return sentinelPassword;
    }

    /**
     * Returns the Lettuce resources (event loops, timers) to share, or {@code null} if each
     * client makes and shuts down its own.
     *
     * @return the shared resources or null
     */
    public ClientResources clientResources() {
        return clientResources;
    }

    /**
     * Returns how many replicas must acknowledge a mutex acquisition before it counts, or 0 if
     * acquisitions do not wait for replicas (the default). See {@link Builder#minReplicaAcks}.
     *
     * @return the number of acknowledgements asked for, 0 to {@value #MAX_REPLICA_ACKS}
     */
    public int minReplicaAcks() {
        return minReplicaAcks;
    }

    /**
     * Returns how long an acquisition waits for {@link #minReplicaAcks()} acknowledgements
     * ({@code WAIT}'s timeout). Unused while {@link #minReplicaAcks()} is 0.
     *
     * @return the timeout, positive
     */
    public Duration replicaAckTimeout() {
        return replicaAckTimeout;
    }

    @Override
    public String toString() {
        return "RedisLockOptions[keyPrefix='" + keyPrefix + "', fenceRetention="
                + (fenceRetention.isZero() ? "forever" : fenceRetention) + ", tls=" + tls + ", peerVerification="
                + peerVerification + ", trustedCertificates=" + trustedCertificates + ", sentinelPassword="
                + (sentinelPassword == null ? "none" : "***") + ", sharedResources=" + (clientResources != null)
                + (minReplicaAcks == 0 ? "" : ", minReplicaAcks=" + minReplicaAcks + ", replicaAckTimeout=" + replicaAckTimeout)
                + "]";
    }

    static Duration parseRetention(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("forever") || t.equals("0")) {
            return KEEP_FOREVER;
        }
        return parseDuration("fenceRetention", t);
    }

    static Duration parseDuration(String what, String text) {
        Matcher m = SHORT_DURATION.matcher(text);
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
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be a duration such as 500ms, 30s, 10m, 12h, 7d or PT30S, was '"
                    + text + "'", e);
        }
    }

    private static int parseCount(String what, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, was '" + text + "'", e);
        }
    }

    private static boolean parseBoolean(String what, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("yes") || t.equals("1") || t.isEmpty()) {
            return true;
        }
        if (t.equals("false") || t.equals("no") || t.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException(what + " must be true or false, was '" + text + "'");
    }

    private static PeerVerification parseVerification(String text) {
        try {
            return PeerVerification.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("verifyPeer must be one of full, ca, none, was '" + text + "'", e);
        }
    }

    /**
     * Builds {@link RedisLockOptions}. Each setter checks its argument at once and throws
     * {@link IllegalArgumentException} naming the setting and the rule.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private String keyPrefix = RedisKeyLayout.DEFAULT_PREFIX;
        private Duration fenceRetention = DEFAULT_FENCE_RETENTION;
        private boolean tls;
        private PeerVerification peerVerification = PeerVerification.FULL;
        private Path trustedCertificates;
        private String sentinelPassword;
        private ClientResources clientResources;
        private int minReplicaAcks;
        private Duration replicaAckTimeout = DEFAULT_REPLICA_ACK_TIMEOUT;

        private Builder() {
        }

        /**
         * Sets the prefix of every key and channel, so that several applications can share a
         * Redis database.
         *
         * @param keyPrefix the prefix; may be empty
         * @return this builder
         * @throws IllegalArgumentException if {@code keyPrefix} is null, longer than
         *         {@value RedisKeyLayout#MAX_PREFIX_LENGTH} characters, or contains {@code {},
         *         {@code }} or a control character
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = RedisKeyLayout.checkPrefix(keyPrefix);
            return this;
        }

        /**
         * Sets how long a lock's fencing counter is kept after its last acquisition. Within
         * this time tokens of the lock stay monotonic even if the server's clock steps back;
         * after it, they rest on the server clock alone (see the README).
         *
         * @param fenceRetention at least {@link #MIN_FENCE_RETENTION}, or {@link #KEEP_FOREVER}
         * @return this builder
         * @throws IllegalArgumentException if {@code fenceRetention} is null, negative, or
         *         positive but shorter than one second
         */
        public Builder fenceRetention(Duration fenceRetention) {
            if (fenceRetention == null || fenceRetention.isNegative()
                    || (!fenceRetention.isZero() && fenceRetention.compareTo(MIN_FENCE_RETENTION) < 0)) {
                throw new IllegalArgumentException(
                        "fenceRetention must be at least 1s, or zero to keep counters forever, was " + fenceRetention);
            }
            this.fenceRetention = fenceRetention;
            return this;
        }

        /**
         * Asks for TLS on every connection ({@code rediss://} URIs always use it).
         *
         * @param tls whether to use TLS
         * @return this builder
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Sets how TLS connections check the server's certificate.
         *
         * @param peerVerification the mode
         * @return this builder
         * @throws IllegalArgumentException if {@code peerVerification} is null
         */
        public Builder peerVerification(PeerVerification peerVerification) {
            if (peerVerification == null) {
                throw new IllegalArgumentException("peerVerification must not be null");
            }
            this.peerVerification = peerVerification;
            return this;
        }

        /**
         * Sets a PEM file of CA certificates to trust for TLS instead of the JVM's trust store.
         *
         * @param pemFile a readable file, or {@code null} for the JVM's trust store
         * @return this builder
         * @throws IllegalArgumentException if {@code pemFile} is not a readable file
         */
        public Builder trustedCertificates(Path pemFile) {
            if (pemFile != null && !Files.isReadable(pemFile)) {
                throw new IllegalArgumentException("caCert must be a readable PEM file, was '" + pemFile + "'");
            }
            this.trustedCertificates = pemFile;
            return this;
        }

        /**
         * Sets the password of the Sentinel processes (the data nodes' credentials come from the
         * URI's user info).
         *
         * @param sentinelPassword the password, or {@code null} for none
         * @return this builder
         * @throws IllegalArgumentException if {@code sentinelPassword} is empty
         */
        public Builder sentinelPassword(String sentinelPassword) {
            if (sentinelPassword != null && sentinelPassword.isEmpty()) {
                throw new IllegalArgumentException("sentinelPassword must not be empty (use null for none)");
            }
            this.sentinelPassword = sentinelPassword;
            return this;
        }

        /**
         * Shares Lettuce resources (event loops, timers) between clients. The caller keeps
         * ownership and shuts them down after the last client is closed.
         *
         * @param clientResources the resources, or {@code null} to let each client own its own
         * @return this builder
         */
        public Builder clientResources(ClientResources clientResources) {
            this.clientResources = clientResources;
            return this;
        }

        /**
         * Makes every mutex acquisition wait for replicas: after the acquire script succeeds, the
         * client sends {@code WAIT minReplicaAcks replicaAckTimeout} on the same connection and
         * reports the lock acquired only if at least {@code minReplicaAcks} replicas acknowledged
         * the write. Otherwise it releases the lock and the acquisition fails with
         * {@link ReplicaAckException} (a {@link dev.distlock.BackendUnavailableException}:
         * nothing is held). This closes one failure — a failover to a replica that never received
         * the lock — and not others: see the README ("Waiting for replicas").
         *
         * <p>Applies to mutexes (and what is built on them, such as leader election) on a single
         * server or behind Sentinel; renewals, releases, read-write locks and semaphores do not
         * wait. Not available on Redis Cluster.
         *
         * @param minReplicaAcks 0 (the default: do not wait) to {@value #MAX_REPLICA_ACKS}
         * @return this builder
         * @throws IllegalArgumentException if {@code minReplicaAcks} is negative or larger than
         *         {@value #MAX_REPLICA_ACKS}
         */
        public Builder minReplicaAcks(int minReplicaAcks) {
            if (minReplicaAcks < 0 || minReplicaAcks > MAX_REPLICA_ACKS) {
                throw new IllegalArgumentException("minReplicaAcks must be between 0 and " + MAX_REPLICA_ACKS + ", was "
                        + minReplicaAcks);
            }
            this.minReplicaAcks = minReplicaAcks;
            return this;
        }

        /**
         * Sets how long an acquisition waits for the replica acknowledgements asked for by
         * {@link #minReplicaAcks} (the timeout of {@code WAIT}). {@code WAIT} holds the client's
         * one command connection on the server meanwhile, so every other command of the client
         * queues behind it: keep it short, and it must be shorter than the client's command
         * timeout (checked at connect).
         *
         * @param replicaAckTimeout at least 1 ms (default {@code 500ms})
         * @return this builder
         * @throws IllegalArgumentException if {@code replicaAckTimeout} is null or shorter than
         *         1 ms
         */
        public Builder replicaAckTimeout(Duration replicaAckTimeout) {
            if (replicaAckTimeout == null || replicaAckTimeout.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException("replicaAckTimeout must be at least 1ms, was " + replicaAckTimeout);
            }
            this.replicaAckTimeout = replicaAckTimeout;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         */
        public RedisLockOptions build() {
            return new RedisLockOptions(this);
        }
    }
}

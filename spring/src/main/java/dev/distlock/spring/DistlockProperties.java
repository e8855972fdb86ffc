package dev.distlock.spring;

import dev.distlock.LockConfig;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code distlock.*}:
 *
 * <pre>
 * distlock.uri=redis://127.0.0.1:6379        # required for the auto-configured LockClient
 * distlock.lease-time=30s                    # watchdog lease (renewed every lease/3)
 * distlock.renew-interval=10s
 * distlock.connect-timeout=10s
 * distlock.command-timeout=5s
 * distlock.client-name=orders-service
 * distlock.annotation.enabled=true           # apply @DistributedLock to beans
 * distlock.metrics.enabled=true              # Micrometer meters, when distlock-micrometer is present
 * distlock.metrics.max-lock-names=100        # cap on distinct 'lock' tag values
 * </pre>
 *
 * <p>Unset durations keep the {@link LockConfig} defaults. Not thread-safe while being bound;
 * read-only afterwards.
 */
@ConfigurationProperties(prefix = "distlock")
public class DistlockProperties {
    private String uri;
    private Duration leaseTime;
    private Duration renewInterval;
    private Duration connectTimeout;
    private Duration commandTimeout;
    private String clientName;
    private final Annotation annotation = new Annotation();
    private final Metrics metrics = new Metrics();

    /** Creates empty properties; Spring binds them. */
    public DistlockProperties() {
    }

    /**
     * Returns the store's URI, for example {@code redis://127.0.0.1:6379} or {@code memory://}.
     *
     * @return the URI, or null if unset (then no LockClient is auto-configured)
     */
    public String getUri() {
        return uri;
    }

    /**
     * Sets the store's URI.
     *
     * @param uri the URI
     */
    public void setUri(String uri) {
        this.uri = uri;
    }

    /**
     * Returns the watchdog lease.
     *
     * @return the lease, or null for the default
     */
    public Duration getLeaseTime() {
        return leaseTime;
    }

    /**
     * Sets the watchdog lease.
     *
     * @param leaseTime the lease
     */
    public void setLeaseTime(Duration leaseTime) {
        this.leaseTime = leaseTime;
    }

    /**
     * Returns the watchdog's renewal interval.
     *
     * @return the interval, or null for a third of the lease
     */
    public Duration getRenewInterval() {
        return renewInterval;
    }

    /**
     * Sets the watchdog's renewal interval.
     *
     * @param renewInterval the interval
     */
    public void setRenewInterval(Duration renewInterval) {
        this.renewInterval = renewInterval;
    }

    /**
     * Returns the connect timeout.
     *
     * @return the timeout, or null for the default
     */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /**
     * Sets the connect timeout.
     *
     * @param connectTimeout the timeout
     */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * Returns the command timeout.
     *
     * @return the timeout, or null for the default
     */
    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    /**
     * Sets the command timeout.
     *
     * @param commandTimeout the timeout
     */
    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    /**
     * Returns the name the client announces to the store.
     *
     * @return the name, or null for the default
     */
    public String getClientName() {
        return clientName;
    }

    /**
     * Sets the name the client announces to the store.
     *
     * @param clientName the name
     */
    public void setClientName(String clientName) {
        this.clientName = clientName;
    }

    /**
     * Returns the {@code distlock.annotation.*} settings.
     *
     * @return the settings
     */
    public Annotation getAnnotation() {
        return annotation;
    }

    /**
     * Returns the {@code distlock.metrics.*} settings.
     *
     * @return the settings
     */
    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * Builds the client settings from these properties.
     *
     * @return the config
     * @throws IllegalArgumentException if a value breaks a {@link LockConfig} rule (the message
     *         names the setting)
     */
    public LockConfig toLockConfig() {
        LockConfig.Builder b = LockConfig.builder();
        if (leaseTime != null) {
            b.leaseTime(leaseTime);
        }
        if (renewInterval != null) {
            b.renewInterval(renewInterval);
        }
        if (connectTimeout != null) {
            b.connectTimeout(connectTimeout);
        }
        if (commandTimeout != null) {
            b.commandTimeout(commandTimeout);
        }
        if (clientName != null) {
            b.clientName(clientName);
        }
        return b.build();
    }

    /** The {@code distlock.annotation.*} settings. */
    public static class Annotation {
        private boolean enabled = true;

        /** Creates the defaults. */
        public Annotation() {
        }

        /**
         * Tells whether {@code @DistributedLock} is applied to beans.
         *
         * @return whether enabled (default true)
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether {@code @DistributedLock} is applied to beans.
         *
         * @param enabled whether enabled
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The {@code distlock.metrics.*} settings. */
    public static class Metrics {
        private boolean enabled = true;
        private int maxLockNames = 100;

        /** Creates the defaults. */
        public Metrics() {
        }

        /**
         * Tells whether Micrometer meters are registered (when distlock-micrometer is present).
         *
         * @return whether enabled (default true)
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether Micrometer meters are registered.
         *
         * @param enabled whether enabled
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Returns the cap on distinct {@code lock} tag values per client.
         *
         * @return the cap (default 100)
         */
        public int getMaxLockNames() {
            return maxLockNames;
        }

        /**
         * Sets the cap on distinct {@code lock} tag values per client.
         *
         * @param maxLockNames the cap
         */
        public void setMaxLockNames(int maxLockNames) {
            this.maxLockNames = maxLockNames;
        }
    }
}

package dev.distlock.micrometer;

import dev.distlock.AcquireFailure;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockListener;
import dev.distlock.LossReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Micrometer meters for the locks of one {@link LockClient}, fed by a {@link LockListener}:
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code distlock.acquire}</td><td>timer</td><td>{@code lock}, {@code outcome}</td>
 *     <td>time spent acquiring; {@code outcome} is {@code acquired}, {@code timed_out},
 *     {@code interrupted} or {@code error}</td></tr>
 * <tr><td>{@code distlock.held}</td><td>timer</td><td>{@code lock}</td><td>how long locks were held</td></tr>
 * <tr><td>{@code distlock.lease.lost}</td><td>counter</td><td>{@code lock}, {@code reason}</td>
 *     <td>holds lost ({@code reason} is a {@link LossReason} in lower case)</td></tr>
 * <tr><td>{@code distlock.locks.held}</td><td>gauge</td><td></td>
 *     <td>holds taken and not yet unlocked</td></tr>
 * </table>
 * Every meter also has the tag {@code backend} ({@link LockClient#backend()}) and the tags given
 * to the builder: give each client a distinct tag (for example {@code client=orders}) when several
 * clients record into one registry, or their meters merge.
 *
 * <p>Bounded tags: lock names are often per entity ({@code stock:sku-42}), which would make one
 * time series per entity. The {@code lock} tag is therefore the name mapped by
 * {@link Builder#lockNameTag} (identity by default; for example
 * {@code name -> name.substring(0, name.indexOf(':'))} keeps the prefix), and at most
 * {@link Builder#maxLockNames} distinct values (default {@value #DEFAULT_MAX_LOCK_NAMES}) are kept;
 * the rest are tagged {@value #OTHER}.
 *
 * <pre>{@code
 * LockMetrics metrics = LockMetrics.builder(client)
 *         .lockNameTag(name -> name.replaceAll(":.*", ""))
 *         .tags(Tags.of("client", "orders"))
 *         .build();
 * metrics.bindTo(meterRegistry);       // or declare it as a MeterBinder bean in Spring Boot
 * }</pre>
 *
 * <p>Recording costs a map look-up and a timer update on the thread that locks; nothing is
 * allocated per event once a name's meters exist. Thread-safe.
 */
public final class LockMetrics implements MeterBinder, AutoCloseable {
    /** The tag value for lock names beyond the cap. */
    public static final String OTHER = "other";
    /** The default cap on distinct {@code lock} tag values. */
    public static final int DEFAULT_MAX_LOCK_NAMES = 100;

    private final LockClient client;
    private final int maxLockNames;
    private final Function<String, String> lockNameTag;
    private final Tags tags;
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();
    /** Guarded by {@link #bindings}. */
    private boolean closed;

    private LockMetrics(Builder b) {
        this.client = b.client;
        this.maxLockNames = b.maxLockNames;
        this.lockNameTag = b.lockNameTag;
        this.tags = b.tags.and("backend", b.client.backend());
    }

    /**
     * Makes metrics for a client with the default settings.
     *
     * @param client the client to observe
     * @return the metrics, not yet bound to a registry
     * @throws IllegalArgumentException if {@code client} is null
     */
    public static LockMetrics of(LockClient client) {
        return builder(client).build();
    }

    /**
     * Starts a builder.
     *
     * @param client the client to observe
     * @return a builder
     * @throws IllegalArgumentException if {@code client} is null
     */
    public static Builder builder(LockClient client) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        return new Builder(client);
    }

    /**
     * Starts recording into {@code registry}: registers a listener on the client. Binding to
     * several registries records into each.
     *
     * @param registry the registry
     * @throws IllegalArgumentException if {@code registry} is null
     * @throws IllegalStateException if these metrics were closed
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        synchronized (bindings) {
            if (closed) {
                throw new IllegalStateException("LockMetrics for " + client + " are closed");
            }
            Binding binding = new Binding(registry);
            bindings.add(binding);
            client.addListener(binding);
        }
    }

    /**
     * Stops recording: removes the listeners from the client. The meters stay in their
     * registries. Calling it again does nothing.
     */
    @Override
    public void close() {
        synchronized (bindings) {
            closed = true;
            for (Binding b : bindings) {
                client.removeListener(b);
            }
            bindings.clear();
        }
    }

    @Override
    public String toString() {
        return "LockMetrics[" + client + ", maxLockNames=" + maxLockNames + ", tags=" + tags + "]";
    }

    /** The meters of one {@code lock} tag value in one registry; created lazily, never removed. */
    private final class NameMeters {
        private final MeterRegistry registry;
        private final Tags tags;
        private final Timer acquired;
        private final Timer held;
        private final Timer[] failed = new Timer[AcquireFailure.values().length];
        private final Counter[] lost = new Counter[LossReason.values().length];

        NameMeters(MeterRegistry registry, String lock) {
            this.registry = registry;
            this.tags = LockMetrics.this.tags.and("lock", lock);
            this.acquired = acquireTimer("acquired");
            this.held = Timer.builder("distlock.held").description("How long distributed locks were held")
                    .tags(tags).register(registry);
        }

        private Timer acquireTimer(String outcome) {
            return Timer.builder("distlock.acquire").description("Time spent acquiring distributed locks")
                    .tags(tags).tag("outcome", outcome).register(registry);
        }

        Timer failed(AcquireFailure failure) {
            Timer t = failed[failure.ordinal()];
            if (t == null) {
                // A race registers the same meter twice; Micrometer returns the same instance.
                t = acquireTimer(failure.name().toLowerCase(Locale.ROOT));
                failed[failure.ordinal()] = t;
            }
            return t;
        }

        Counter lost(LossReason reason) {
            Counter c = lost[reason.ordinal()];
            if (c == null) {
                c = Counter.builder("distlock.lease.lost").description("Distributed lock holds that were lost")
                        .tags(tags).tag("reason", reason.name().toLowerCase(Locale.ROOT))
                        .register(registry);
                lost[reason.ordinal()] = c;
            }
            return c;
        }
    }

    /** The listener recording into one registry. */
    private final class Binding implements LockListener {
        private final MeterRegistry registry;
        private final Map<String, NameMeters> byTag = new ConcurrentHashMap<>();
        private final NameMeters other;
        private final AtomicInteger heldNow = new AtomicInteger();

        Binding(MeterRegistry registry) {
            this.registry = registry;
            this.other = new NameMeters(registry, OTHER);
            registry.gauge("distlock.locks.held", tags, heldNow);
        }

        private NameMeters meters(String lockName) {
            String tag;
            try {
                tag = lockNameTag.apply(lockName);
            } catch (RuntimeException e) {
                tag = null;
            }
            if (tag == null || tag.isBlank()) {
                return other;
            }
            NameMeters m = byTag.get(tag);
            if (m != null) {
                return m;
            }
            synchronized (this) {
                m = byTag.get(tag);
                if (m == null) {
                    if (byTag.size() >= maxLockNames) {
                        return other;
                    }
                    m = new NameMeters(registry, tag);
                    byTag.put(tag, m);
                }
                return m;
            }
        }

        @Override
        public void acquired(String lockName, long fencingToken, long waitNanos) {
            heldNow.incrementAndGet();
            meters(lockName).acquired.record(waitNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void acquireFailed(String lockName, AcquireFailure failure, long waitNanos, Throwable cause) {
            meters(lockName).failed(failure).record(waitNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void released(String lockName, long fencingToken, long holdNanos) {
            heldNow.decrementAndGet();
            meters(lockName).held.record(holdNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void leaseLost(LeaseLostEvent event) {
            meters(event.lockName()).lost(event.reason()).increment();
        }
    }

    /**
     * Builds {@link LockMetrics}. Each setter checks its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final LockClient client;
        private int maxLockNames = DEFAULT_MAX_LOCK_NAMES;
        private Function<String, String> lockNameTag = Function.identity();
        private Tags tags = Tags.empty();

        private Builder(LockClient client) {
            this.client = client;
        }

        /**
         * Sets the cap on distinct {@code lock} tag values; names beyond it are tagged
         * {@value LockMetrics#OTHER}.
         *
         * @param maxLockNames the cap, 0 (every name is {@code other}) to 10,000
         * @return this builder
         * @throws IllegalArgumentException if {@code maxLockNames} is negative or above 10,000
         */
        public Builder maxLockNames(int maxLockNames) {
            if (maxLockNames < 0 || maxLockNames > 10_000) {
                throw new IllegalArgumentException("maxLockNames must be 0 to 10000, was " + maxLockNames);
            }
            this.maxLockNames = maxLockNames;
            return this;
        }

        /**
         * Sets how a lock name becomes the {@code lock} tag; a null or blank result (or an
         * exception) tags it {@value LockMetrics#OTHER}. Called on every event: keep it cheap.
         *
         * @param lockNameTag the mapping
         * @return this builder
         * @throws IllegalArgumentException if {@code lockNameTag} is null
         */
        public Builder lockNameTag(Function<String, String> lockNameTag) {
            if (lockNameTag == null) {
                throw new IllegalArgumentException("lockNameTag must not be null");
            }
            this.lockNameTag = lockNameTag;
            return this;
        }

        /**
         * Adds tags to every meter.
         *
         * @param tags the tags
         * @return this builder
         * @throws IllegalArgumentException if {@code tags} is null or uses a reserved key
         *         ({@code lock}, {@code outcome}, {@code reason}, {@code backend})
         */
        public Builder tags(Iterable<Tag> tags) {
            if (tags == null) {
                throw new IllegalArgumentException("tags must not be null");
            }
            for (Tag t : tags) {
                if (List.of("lock", "outcome", "reason", "backend").contains(t.getKey())) {
                    throw new IllegalArgumentException("tag key '" + t.getKey() + "' is reserved by LockMetrics");
                }
            }
            this.tags = this.tags.and(tags);
            return this;
        }

        /**
         * Builds the metrics; call {@link LockMetrics#bindTo} to start recording.
         *
         * @return the metrics
         */
        public LockMetrics build() {
            return new LockMetrics(this);
        }
    }
}

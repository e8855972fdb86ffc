package dev.distlock.spring;

import dev.distlock.LockClient;
import dev.distlock.micrometer.LockMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Binds {@link LockMetrics} for every {@link LockClient} bean, tagged {@code client=<bean name>}.
 * Spring Boot's actuator binds every {@link MeterBinder} bean to the application's registry;
 * without the actuator, call {@link #bindTo} yourself. Thread-safe.
 */
public class DistlockMeterBinder implements MeterBinder, DisposableBean {
    private final ListableBeanFactory beanFactory;
    private final int maxLockNames;
    private final List<LockMetrics> bound = new CopyOnWriteArrayList<>();

    /**
     * Makes the binder.
     *
     * @param beanFactory where the {@code LockClient} beans are found at binding time
     * @param maxLockNames the cap on distinct {@code lock} tag values per client
     * @throws IllegalArgumentException if {@code beanFactory} is null or {@code maxLockNames}
     *         is out of the range {@link LockMetrics.Builder#maxLockNames} accepts
     */
    public DistlockMeterBinder(ListableBeanFactory beanFactory, int maxLockNames) {
        if (beanFactory == null) {
            throw new IllegalArgumentException("beanFactory must not be null");
        }
        if (maxLockNames < 0 || maxLockNames > 10_000) {
            throw new IllegalArgumentException("distlock.metrics.max-lock-names must be 0 to 10000, was " + maxLockNames);
        }
        this.beanFactory = beanFactory;
        this.maxLockNames = maxLockNames;
    }

    /**
     * Records the locks of every {@code LockClient} bean into {@code registry}.
     *
     * @param registry the registry
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (Map.Entry<String, LockClient> e : beanFactory.getBeansOfType(LockClient.class).entrySet()) {
            LockMetrics metrics = LockMetrics.builder(e.getValue()).maxLockNames(maxLockNames)
                    .tags(Tags.of("client", e.getKey())).build();
            metrics.bindTo(registry);
            bound.add(metrics);
        }
    }

    /** Stops recording. */
    @Override
    public void destroy() {
        for (LockMetrics m : bound) {
            m.close();
        }
        bound.clear();
    }
}

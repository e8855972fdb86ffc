package dev.distlock.spring;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Spring Boot auto-configuration for distlock: add {@code distlock-spring-boot-starter} (and the
 * backend module for your store) and set {@code distlock.uri}.
 *
 * <ul>
 * <li>A {@link LockClient} bean named {@code distlockClient}, connected to {@code distlock.uri}
 *     with the settings of {@link DistlockProperties}, closed with the context. Not made when
 *     {@code distlock.uri} is unset or the application defines its own {@code LockClient}.</li>
 * <li>A {@link DistributedLockBeanPostProcessor} applying {@code @DistributedLock} to beans
 *     (off with {@code distlock.annotation.enabled=false}). It proxies classes unless
 *     {@code spring.aop.proxy-target-class=false}. Annotations name clients by bean name; the
 *     default is the only (or {@code @Primary}) {@code LockClient} bean.</li>
 * <li>With Micrometer and {@code distlock-micrometer} on the class path, a
 *     {@link io.micrometer.core.instrument.binder.MeterBinder} recording every
 *     {@code LockClient} bean's locks, tagged {@code client=<bean name>} (off with
 *     {@code distlock.metrics.enabled=false}).</li>
 * </ul>
 */
@AutoConfiguration
@ConditionalOnClass(LockClient.class)
@EnableConfigurationProperties(DistlockProperties.class)
public class DistlockAutoConfiguration {
    /** Created by Spring. */
    public DistlockAutoConfiguration() {
    }

    /**
     * Connects the client named by {@code distlock.uri}.
     *
     * @param properties the settings
     * @return the connected client
     * @throws IllegalArgumentException if the URI or a setting is malformed, or no backend
     *         module on the class path serves the URI's scheme
     * @throws dev.distlock.BackendUnavailableException if the store cannot be reached
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(LockClient.class)
    @ConditionalOnProperty(prefix = "distlock", name = "uri")
    public LockClient distlockClient(DistlockProperties properties) {
        return LockClients.connect(properties.getUri(), properties.toLockConfig());
    }

    /**
     * Applies {@code @DistributedLock} to beans.
     *
     * @param environment read for {@code spring.aop.proxy-target-class} (default true)
     * @return the post-processor
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnProperty(prefix = "distlock.annotation", name = "enabled", matchIfMissing = true)
    public static DistributedLockBeanPostProcessor distributedLockBeanPostProcessor(Environment environment) {
        DistributedLockBeanPostProcessor processor = new DistributedLockBeanPostProcessor();
        processor.setProxyTargetClass(environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true));
        return processor;
    }

    /** Metrics, only when Micrometer and distlock-micrometer are present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "dev.distlock.micrometer.LockMetrics"})
    @ConditionalOnProperty(prefix = "distlock.metrics", name = "enabled", matchIfMissing = true)
    static class MetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        DistlockMeterBinder distlockMeterBinder(org.springframework.beans.factory.ListableBeanFactory beanFactory,
                DistlockProperties properties) {
            return new DistlockMeterBinder(beanFactory, properties.getMetrics().getMaxLockNames());
        }
    }
}

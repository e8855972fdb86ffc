package dev.distlock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.annotation.DistributedLock;
import dev.distlock.annotation.OnFailure;
import dev.distlock.micrometer.LockMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.NameMatchMethodPointcutAdvisor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** The auto-configuration in a Spring Boot context, against {@code memory://}. */
@Timeout(120)
class DistlockAutoConfigurationTest {
    private static final AtomicInteger STORES = new AtomicInteger();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class));

    private static String memoryUri() {
        return "distlock.uri=memory://spring-" + STORES.incrementAndGet() + "-" + System.nanoTime();
    }

    /** A service class (no interface): proxied by subclassing. */
    public static class StockService {
        @Autowired
        LockClient client;
        final AtomicInteger calls = new AtomicInteger();

        @DistributedLock(key = "'stock:' + #sku", waitTime = "${stock.wait:0s}", onFailure = OnFailure.SKIP)
        public Boolean buy(String sku) {
            calls.incrementAndGet();
            return client.mutex("stock:" + sku).isHeldByCurrentThread();
        }

        @DistributedLock(key = "'report'", waitTime = "0s")
        public boolean report() {
            return client.mutex("report").isHeldByCurrentThread();
        }

        /** Calls {@link #report()} on {@code this}: the self-invocation limit. */
        public boolean reportViaThis() {
            return report();
        }
    }

    /** An interface carrying the annotation. */
    public interface Billing {
        @DistributedLock(key = "'bill:' + #id", client = "audit")
        boolean bill(long id);
    }

    /** Implements {@link Billing} with the "audit" client. */
    public static class BillingImpl implements Billing {
        @Autowired
        @Qualifier("audit")
        LockClient audit;

        @Override
        public boolean bill(long id) {
            return audit.mutex("bill:" + id).isHeldByCurrentThread();
        }
    }

    /** Needs the default client and injects nothing. */
    public static class Standalone {
        @DistributedLock(key = "'x'")
        public void run() {
        }
    }

    /** An annotation with a malformed time. */
    public static class Broken {
        @DistributedLock(key = "'x'", waitTime = "soon")
        public void run() {
        }
    }

    /** An annotated final method: a class proxy cannot intercept it. */
    public static class FinalMethod {
        @DistributedLock(key = "'x'")
        public final void run() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class StockConfig {
        @Bean
        StockService stockService() {
            return new StockService();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoClientsConfig {
        @Bean(destroyMethod = "close")
        @Primary
        LockClient orders() {
            return LockClients.connect("memory://orders-" + System.nanoTime());
        }

        @Bean(destroyMethod = "close")
        LockClient audit() {
            return LockClients.connect("memory://audit-" + System.nanoTime());
        }

        @Bean
        Billing billing() {
            return new BillingImpl();
        }
    }

    @Test
    void aClientIsConnectedFromTheUriWithTheConfiguredSettingsAndClosedWithTheContext() {
        LockClient[] seen = new LockClient[1];
        runner.withPropertyValues(memoryUri(), "distlock.lease-time=5s", "distlock.command-timeout=1s",
                "distlock.client-name=orders-app").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LockClient.class).hasBean("distlockClient");
                    LockClient client = context.getBean(LockClient.class);
                    assertThat(client.backend()).isEqualTo("memory");
                    assertThat(client.config().leaseTime()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(client.config().commandTimeout()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(client.config().clientName()).isEqualTo("orders-app");
                    seen[0] = client;
                });
        assertThatThrownBy(() -> seen[0].mutex("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void withoutAUriThereIsNoClient() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LockClient.class));
    }

    @Test
    void anApplicationClientWins() {
        runner.withUserConfiguration(TwoClientsConfig.class).withPropertyValues(memoryUri())
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("distlockClient");
                    assertThat(context.getBeansOfType(LockClient.class)).containsOnlyKeys("orders", "audit");
                });
    }

    @Test
    void annotatedBeansAreProxiedAndLockWithPlaceholdersResolved() {
        runner.withUserConfiguration(StockConfig.class).withPropertyValues(memoryUri(), "stock.wait=0s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    StockService service = context.getBean(StockService.class);
                    assertThat(AopUtils.isCglibProxy(service)).isTrue();
                    assertThat(service.buy("a")).isTrue();
                    LockClient client = context.getBean(LockClient.class);
                    assertThat(client.mutex("stock:a").isLocked()).isFalse();

                    // another "server" holds the lock: SKIP returns null without running the method
                    try (LockClient other = LockClients.connect(
                            context.getEnvironment().getProperty("distlock.uri"))) {
                        assertThat(other.mutex("stock:b").tryLock()).isTrue();
                        int before = AopUtils.isAopProxy(service) ? callsOf(context) : -1;
                        assertThat(service.buy("b")).isNull();
                        assertThat(callsOf(context)).isEqualTo(before);
                        assertThat(other.mutex("report").tryLock()).isTrue();
                        assertThatThrownBy(service::report).isInstanceOf(LockAcquisitionException.class);
                        // self-invocation bypasses the proxy: no lock is taken, so the busy lock does not stop it
                        assertThat(service.reportViaThis()).isFalse();
                    }
                });
    }

    private static int callsOf(org.springframework.context.ApplicationContext context) throws Exception {
        StockService target = (StockService) ((org.springframework.aop.framework.Advised) context
                .getBean(StockService.class)).getTargetSource().getTarget();
        return target.calls.get();
    }

    @Test
    void interfaceProxiesAndNamedClientsWork() {
        runner.withUserConfiguration(TwoClientsConfig.class).withPropertyValues("spring.aop.proxy-target-class=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Billing billing = context.getBean(Billing.class);
                    assertThat(Proxy.isProxyClass(billing.getClass())).isTrue();
                    assertThat(billing.bill(7)).as("locked on the 'audit' client").isTrue();
                });
    }

    @Test
    void badAnnotationsFailTheStartUpNamingTheMethod() {
        runner.withUserConfiguration(StockConfig.class).withBean(Broken.class).withPropertyValues(memoryUri())
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("Broken.run()")
                        .hasMessageContaining("'soon' is not a duration"));
        runner.withBean(FinalMethod.class).withPropertyValues(memoryUri())
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("FinalMethod.run()").hasMessageContaining("final"));
    }

    @Test
    void annotatedBeansWithoutAnyClientFailTheStartUpSayingWhatToSet() {
        runner.withBean(Standalone.class)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("Standalone.run()")
                        .hasMessageContaining("there is no LockClient bean: set distlock.uri"));
        runner.withBean(Standalone.class).withBean("a", LockClient.class, () -> LockClients.connect("memory://a"))
                .withBean("b", LockClient.class, () -> LockClients.connect("memory://b"))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("several LockClient beans [a, b] and none is @Primary"));
    }

    @Test
    void theAnnotationSupportCanBeTurnedOff() {
        runner.withUserConfiguration(StockConfig.class).withPropertyValues(memoryUri(), "distlock.annotation.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(DistributedLockBeanPostProcessor.class);
                    assertThat(AopUtils.isAopProxy(context.getBean(StockService.class))).isFalse();
                });
    }

    /** Records whether the lock was held when another advice ran. */
    static final class Probe {
        volatile Boolean lockHeldInsideOtherAdvice;
    }

    @Configuration(proxyBeanMethods = false)
    static class OtherAdviceConfig {
        @Bean
        static DefaultAdvisorAutoProxyCreator autoProxyCreator() {
            DefaultAdvisorAutoProxyCreator creator = new DefaultAdvisorAutoProxyCreator();
            creator.setProxyTargetClass(true);
            return creator;
        }

        @Bean
        Probe probe() {
            return new Probe();
        }

        @Bean
        NameMatchMethodPointcutAdvisor transactionLikeAdvisor(Probe probe, LockClient client) {
            NameMatchMethodPointcutAdvisor advisor = new NameMatchMethodPointcutAdvisor((MethodInterceptor) inv -> {
                probe.lockHeldInsideOtherAdvice = client.mutex("report").isHeldByCurrentThread();
                return inv.proceed();
            });
            advisor.setMappedName("report");
            return advisor;
        }
    }

    @Test
    void theLockIsOutsideOtherAdviceSuchAsTransactions() {
        runner.withUserConfiguration(StockConfig.class, OtherAdviceConfig.class).withPropertyValues(memoryUri())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(StockService.class).report()).isTrue();
                    assertThat(context.getBean(Probe.class).lockHeldInsideOtherAdvice).isTrue();
                });
    }

    @Test
    void metricsAreBoundPerClientWhenMicrometerIsPresent() {
        runner.withUserConfiguration(StockConfig.class).withPropertyValues(memoryUri())
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MeterBinder.class);
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(MeterBinder.class).bindTo(registry);
                    context.getBean(StockService.class).buy("m");
                    assertThat(registry.find("distlock.acquire")
                            .tags("client", "distlockClient", "lock", "stock:m", "outcome", "acquired").timer().count())
                            .isEqualTo(1);
                });
        runner.withPropertyValues(memoryUri()).withClassLoader(new FilteredClassLoader(LockMetrics.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MeterBinder.class)
                        .hasSingleBean(LockClient.class));
        runner.withPropertyValues(memoryUri(), "distlock.metrics.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MeterBinder.class));
    }
}

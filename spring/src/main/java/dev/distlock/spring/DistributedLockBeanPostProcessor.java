package dev.distlock.spring;

import dev.distlock.annotation.LockInterceptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Proxies the beans that have {@link dev.distlock.annotation.DistributedLock} methods, or adds
 * the lock advice to beans that are proxies already (of {@code @Transactional}, for example).
 *
 * <p>The lock advice is put first, outside every other advice: a lock is taken before a
 * transaction begins and released after it has committed, so the next holder sees the committed
 * data.
 *
 * <p>Every annotated method of a bean's class is checked when the bean is created, so a bad
 * annotation (a malformed time, an unknown client, a missing fallback) or a method a class proxy
 * cannot intercept ({@code private}, {@code final}, {@code static}) fails the start-up with a
 * message naming the method. {@code waitTime}, {@code leaseTime} and {@code client} may use
 * {@code ${...}} placeholders.
 *
 * <p>Self-invocation: as with every Spring proxy, a bean calling its own annotated method on
 * {@code this} bypasses the proxy and takes no lock; call it through another bean (or inject the
 * bean into itself).
 *
 * <p>Thread-safe once configured.
 */
public class DistributedLockBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DistributedLockBeanPostProcessor.class);

    private transient LockInterceptor interceptor;

    /**
     * Makes the post-processor; it proxies classes (CGLIB) unless
     * {@link #setProxyTargetClass(boolean)} says otherwise.
     */
    public DistributedLockBeanPostProcessor() {
        setBeforeExistingAdvisors(true);
        setProxyTargetClass(true);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        if (!(beanFactory instanceof ListableBeanFactory listable)) {
            throw new IllegalStateException("DistributedLockBeanPostProcessor needs a ListableBeanFactory, got "
                    + beanFactory.getClass().getName());
        }
        ConfigurableBeanFactory configurable = beanFactory instanceof ConfigurableBeanFactory c ? c : null;
        this.interceptor = LockInterceptor.create(new BeanFactoryLockClientRegistry(listable), text -> {
            if (configurable == null) {
                return text;
            }
            String resolved = configurable.resolveEmbeddedValue(text);
            return resolved == null ? "" : resolved;
        });
        this.advisor = new DistributedLockAdvisor(interceptor);
    }

    /**
     * Tells whether a bean of this class needs the lock advice, checking all its annotations.
     *
     * @param targetClass the bean's class
     * @return whether some method is locked
     * @throws IllegalArgumentException if an annotation is invalid or names a method the proxy
     *         cannot intercept
     */
    @Override
    protected boolean isEligible(Class<?> targetClass) {
        Class<?> userClass = ClassUtils.getUserClass(targetClass);
        if (interceptor == null || !interceptor.declaresLocks(userClass)) {
            return false;
        }
        List<Method> locked = interceptor.check(userClass);
        for (Method m : locked) {
            int mod = m.getModifiers();
            String why = Modifier.isPrivate(mod) ? "private" : Modifier.isStatic(mod) ? "static"
                    : Modifier.isFinal(mod) && isProxyTargetClass() ? "final" : null;
            if (why != null) {
                StringBuilder types = new StringBuilder();
                for (Class<?> t : m.getParameterTypes()) {
                    types.append(types.length() > 0 ? "," : "").append(t.getSimpleName());
                }
                throw new IllegalArgumentException("@DistributedLock on " + userClass.getSimpleName() + "."
                        + m.getName() + "(" + types + "): the method is " + why
                        + ", so a Spring proxy cannot intercept it");
            }
        }
        if (!locked.isEmpty()) {
            log.debug("locking {} methods of {}", locked.size(), userClass.getName());
        }
        return super.isEligible(targetClass);
    }
}

package dev.distlock.spring;

import dev.distlock.annotation.LockInterceptor;
import java.lang.reflect.Method;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Applies {@link LockInterceptor} to the methods of Spring beans that carry
 * {@link dev.distlock.annotation.DistributedLock}: the pointcut asks the interceptor which
 * methods are locked, and the advice runs the rest of the call chain (the method and any advice
 * inside this one, such as a transaction) under the locks. Thread-safe.
 */
public class DistributedLockAdvisor extends AbstractPointcutAdvisor {
    private static final long serialVersionUID = 1L;

    private final transient LockInterceptor interceptor;
    private final transient Pointcut pointcut;
    private final transient Advice advice;

    /**
     * Makes the advisor.
     *
     * @param interceptor the interceptor core
     * @throws IllegalArgumentException if {@code interceptor} is null
     */
    public DistributedLockAdvisor(LockInterceptor interceptor) {
        if (interceptor == null) {
            throw new IllegalArgumentException("interceptor must not be null");
        }
        this.interceptor = interceptor;
        this.pointcut = new StaticMethodMatcherPointcut() {
            @Override
            public boolean matches(Method method, Class<?> targetClass) {
                return interceptor.isLocked(method, targetClass);
            }

            @Override
            public ClassFilter getClassFilter() {
                return interceptor::declaresLocks;
            }
        };
        this.advice = (MethodInterceptor) this::invoke;
    }

    private Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        if (target == null) {
            return invocation.proceed();
        }
        return interceptor.invoke(target, invocation.getMethod(), invocation.getArguments(), invocation::proceed);
    }

    /**
     * Returns the interceptor core.
     *
     * @return the interceptor
     */
    public LockInterceptor getInterceptor() {
        return interceptor;
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return advice;
    }
}

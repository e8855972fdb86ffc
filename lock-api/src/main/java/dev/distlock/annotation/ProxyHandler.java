package dev.distlock.annotation;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handler behind both kinds of proxy: every call of the proxy comes here with the proxied
 * {@link Method}, which is forwarded to the target, under locks when the method has any.
 * Thread-safe.
 */
final class ProxyHandler implements InvocationHandler {
    private static final Object[] NO_ARGS = new Object[0];

    private final Object target;
    private final Class<?> targetClass;
    private final LockInterceptor interceptor;
    /** The plan of each proxied method, keyed by the Method object the proxy passes (stable per proxy class). */
    private final Map<Method, LockPlan> plans = new ConcurrentHashMap<>();

    ProxyHandler(Object target, LockInterceptor interceptor) {
        this.target = target;
        this.targetClass = target.getClass();
        this.interceptor = interceptor;
    }

    Object target() {
        return target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        LockPlan plan = plans.get(method);
        if (plan == null) {
            plan = interceptor.plan(method, targetClass);
            if (!Modifier.isPublic(method.getModifiers()) || !Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
                method.trySetAccessible();
            }
            plans.putIfAbsent(method, plan);
        }
        Object[] a = args == null ? NO_ARGS : args;
        if (plan.isNone()) {
            if (a.length == 1 && a[0] == proxy && method.getName().equals("equals")
                    && method.getParameterTypes()[0] == Object.class) {
                return true;
            }
            return call(method, a);
        }
        return interceptor.invoke(plan, target, a, () -> call(method, a));
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return "LockProxy[" + targetClass.getName() + "]";
    }
}

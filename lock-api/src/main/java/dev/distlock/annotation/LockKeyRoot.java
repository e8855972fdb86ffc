package dev.distlock.annotation;

import java.lang.reflect.Method;

/**
 * The root object of a {@link DistributedLock#key()} expression, reached as {@code #root}:
 * {@code #root.method}, {@code #root.methodName}, {@code #root.target},
 * {@code #root.targetClass} and {@code #root.args}. One is made per call; it is not kept.
 *
 * <p>Immutable apart from the argument array, which is the call's own and must not be changed.
 */
public final class LockKeyRoot {
    private final Method method;
    private final Object target;
    private final Object[] args;

    LockKeyRoot(Method method, Object target, Object[] args) {
        this.method = method;
        this.target = target;
        this.args = args;
    }

    /**
     * Returns the method being called, as declared by the target's class.
     *
     * @return the method
     */
    public Method getMethod() {
        return method;
    }

    /**
     * Returns the method's name.
     *
     * @return the name
     */
    public String getMethodName() {
        return method.getName();
    }

    /**
     * Returns the object whose method is called (the wrapped target, not the proxy).
     *
     * @return the target
     */
    public Object getTarget() {
        return target;
    }

    /**
     * Returns the target's class.
     *
     * @return the class
     */
    public Class<?> getTargetClass() {
        return target.getClass();
    }

    /**
     * Returns the call's arguments (an empty array for a method without parameters).
     *
     * @return the arguments
     */
    public Object[] getArgs() {
        return args;
    }

    @Override
    public String toString() {
        return "LockKeyRoot[" + method.getDeclaringClass().getSimpleName() + "." + method.getName() + "]";
    }
}

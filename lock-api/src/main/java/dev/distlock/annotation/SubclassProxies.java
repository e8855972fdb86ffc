package dev.distlock.annotation;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isEquals;
import static net.bytebuddy.matcher.ElementMatchers.isHashCode;
import static net.bytebuddy.matcher.ElementMatchers.isToString;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.NamingStrategy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.InvocationHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generated subclasses, with Byte Buddy: a subclass of the target's class that overrides every
 * method it can and sends each call to a {@link ProxyHandler} held in a field. The subclass has no
 * constructor; instances are made without running any constructor of the target's class (as
 * serialization does), so a proxy has no state of its own and never runs the target's
 * initialization twice.
 *
 * <p>The class is defined in the target's package and class loader when the package is open to
 * distlock (always on the class path), so package-private classes and methods work; otherwise in
 * a child loader, where only public and protected methods can be overridden. One class per target
 * class, cached. Thread-safe.
 */
final class SubclassProxies {
    private static final Logger log = LoggerFactory.getLogger(SubclassProxies.class);
    private static final String HANDLER_FIELD = "distlock$handler";

    private record Generated(Class<?> type, boolean samePackage, Field handler, Constructor<?> instantiator) {
    }

    private static final ClassValue<Generated> CACHE = new ClassValue<>() {
        @Override
        protected Generated computeValue(Class<?> type) {
            return generate(type);
        }
    };

    private SubclassProxies() {
    }

    /** Whether a class can have a generated subclass at all. */
    static boolean canSubclass(Class<?> c) {
        int mod = c.getModifiers();
        return !Modifier.isFinal(mod) && !c.isPrimitive() && !c.isArray() && !c.isInterface() && !c.isEnum()
                && !c.isRecord() && !c.isSealed() && !c.isHidden() && !c.isAnonymousClass();
    }

    /**
     * Checks that every locked method can be overridden by the generated subclass.
     *
     * @throws IllegalArgumentException naming the first method that cannot
     */
    static void checkOverridable(Class<?> targetClass, List<Method> locked) {
        Generated g = CACHE.get(targetClass);
        for (Method m : locked) {
            int mod = m.getModifiers();
            String why = Modifier.isPrivate(mod) ? "private" : Modifier.isStatic(mod) ? "static"
                    : Modifier.isFinal(mod) ? "final"
                    : !g.samePackage && !Modifier.isPublic(mod) && !Modifier.isProtected(mod)
                            ? "package-private, and the proxy could not be defined in its package" : null;
            if (why != null) {
                throw new IllegalArgumentException("@DistributedLock on " + LockInterceptor.describe(targetClass, m)
                        + ": the method is " + why + ", so a generated subclass cannot intercept it");
            }
        }
    }

    static Object newProxy(Class<?> targetClass, InvocationHandler handler) {
        Generated g = CACHE.get(targetClass);
        try {
            Object proxy = g.instantiator.newInstance();
            g.handler.set(proxy, handler);
            return proxy;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not instantiate the generated subclass of " + targetClass.getName(), e);
        }
    }

    static boolean isProxyClass(Class<?> c) {
        if (!c.getName().contains("$DistlockProxy$")) {
            return false;
        }
        for (Field f : c.getDeclaredFields()) {
            if (f.getName().equals(HANDLER_FIELD) && f.getType() == InvocationHandler.class) {
                return true;
            }
        }
        return false;
    }

    static Object handlerOf(Object proxy) {
        Generated g = CACHE.get(proxy.getClass().getSuperclass());
        try {
            return g.handler.get(proxy);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Generated generate(Class<?> targetClass) {
        DynamicType.Unloaded<?> unloaded = new ByteBuddy()
                .with(new NamingStrategy.SuffixingRandom("DistlockProxy"))
                .subclass(targetClass, ConstructorStrategy.Default.NO_CONSTRUCTORS)
                .defineField(HANDLER_FIELD, InvocationHandler.class, Visibility.PRIVATE)
                .method(not(isDeclaredBy(Object.class)).or(isEquals()).or(isHashCode()).or(isToString()))
                .intercept(InvocationHandlerAdapter.toField(HANDLER_FIELD))
                .make();
        Class<?> type;
        boolean samePackage;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(targetClass, MethodHandles.lookup());
            type = unloaded.load(targetClass.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(lookup)).getLoaded();
            samePackage = true;
        } catch (IllegalAccessException | RuntimeException e) {
            if (!Modifier.isPublic(targetClass.getModifiers())) {
                throw new IllegalArgumentException("cannot generate a subclass of " + targetClass.getName()
                        + ": it is not public and its package is not open to distlock (" + e + ")", e);
            }
            log.debug("defining the proxy of {} in a child class loader: {}", targetClass.getName(), e.toString());
            type = unloaded.load(targetClass.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER).getLoaded();
            samePackage = false;
        }
        try {
            Field handler = type.getDeclaredField(HANDLER_FIELD);
            handler.setAccessible(true);
            Class<?> factoryType = Class.forName("sun.reflect.ReflectionFactory");
            Object factory = factoryType.getMethod("getReflectionFactory").invoke(null);
            Constructor<?> instantiator = (Constructor<?>) factoryType
                    .getMethod("newConstructorForSerialization", Class.class, Constructor.class)
                    .invoke(factory, type, Object.class.getDeclaredConstructor());
            instantiator.setAccessible(true);
            warnAboutFinalMethods(targetClass);
            return new Generated(type, samePackage, handler, instantiator);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot instantiate a generated subclass of " + targetClass.getName()
                    + " without running its constructor on this JVM (" + e + "); wrap it by interface instead", e);
        }
    }

    /** Final methods run on the proxy itself, whose fields are all empty: say so once per class. */
    private static void warnAboutFinalMethods(Class<?> targetClass) {
        List<String> finals = new ArrayList<>();
        for (Class<?> c = targetClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (Modifier.isFinal(mod) && !Modifier.isStatic(mod) && !Modifier.isPrivate(mod) && !m.isSynthetic()) {
                    finals.add(m.getName());
                }
            }
        }
        if (!finals.isEmpty()) {
            log.warn("{} has final methods {}: calls to them on a distlock proxy run on the proxy, not on the"
                    + " wrapped object; make them non-final or wrap by interface", targetClass.getName(), finals);
        }
    }
}

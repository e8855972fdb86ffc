package dev.distlock.annotation;

import dev.distlock.LockClient;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps an object so that its {@link DistributedLock} methods run under their locks, in plain
 * Java (no framework):
 *
 * <pre>{@code
 * LockClient client = LockClients.connect("redis://127.0.0.1:6379");
 * Shop locked = LockProxies.wrap(shop, client);              // a generated subclass of shop's class
 * Shop locked = LockProxies.wrap(Shop.class, shop, client);  // a JDK proxy of the interface Shop
 * }</pre>
 *
 * <p>Two kinds of proxy:
 * <ul>
 * <li>{@link #wrap(Object, LockClient)} generates a subclass of the target's class (with Byte
 *     Buddy, {@code net.bytebuddy:byte-buddy}, which lock-api declares optional: add it to your
 *     build). The proxy can be used wherever the target could. Annotated methods must not be
 *     {@code final}, {@code static} or {@code private}; other {@code final} methods are not
 *     forwarded (a warning is logged), so avoid them. The target's constructor is not run again.
 *     A class that cannot be subclassed (final, a record, an enum, sealed, a lambda, anonymous)
 *     is wrapped in a JDK proxy of all its interfaces instead.</li>
 * <li>{@link #wrap(Class, Object, LockClient)} with an interface makes a JDK proxy of that
 *     interface and the target's other interfaces; no extra library is needed.</li>
 * </ul>
 * Every call of the proxy is forwarded to the target; the annotated ones under their locks.
 * Key expressions need {@code org.springframework:spring-expression} (also optional in lock-api).
 *
 * <p>Annotations are checked when wrapping: a malformed time, an unknown client, a missing or
 * mismatched fallback or a method the proxy cannot intercept throws
 * {@link IllegalArgumentException} at once. Key expressions are parsed then, and evaluated at each
 * call.
 *
 * <p>Self-invocation: a call the target makes on {@code this} does not go through the proxy and
 * takes no lock. Fallback methods are called on the target directly, without locks.
 *
 * <p>Proxies are thread-safe if the target is. This class is thread-safe.
 */
public final class LockProxies {
    private static final Logger log = LoggerFactory.getLogger(LockProxies.class);

    private LockProxies() {
    }

    /**
     * Wraps {@code target} with one client for all its locks.
     *
     * @param <T> the target's type
     * @param target the object to wrap
     * @param client the client every annotation without a {@code client} name uses
     * @return the proxy: a generated subclass of the target's class, or a JDK proxy of its
     *         interfaces if the class cannot be subclassed
     * @throws IllegalArgumentException if an argument is null, an annotation is invalid, or the
     *         target can be neither subclassed nor proxied by interface
     * @throws IllegalStateException if a library the proxy needs ({@code byte-buddy},
     *         {@code spring-expression}) is not on the class path
     */
    public static <T> T wrap(T target, LockClient client) {
        return wrap(target, registry(client));
    }

    /**
     * Wraps {@code target}, with the clients its annotations name.
     *
     * @param <T> the target's type
     * @param target the object to wrap
     * @param clients the default client and the named clients
     * @return the proxy, as {@link #wrap(Object, LockClient)} makes it
     * @throws IllegalArgumentException if an argument is null, an annotation is invalid or names
     *         an unknown client, or the target can be neither subclassed nor proxied by interface
     * @throws IllegalStateException if a library the proxy needs is not on the class path
     */
    @SuppressWarnings("unchecked")
    public static <T> T wrap(T target, LockClientRegistry clients) {
        if (target == null) {
            throw new IllegalArgumentException("target must not be null");
        }
        if (clients == null) {
            throw new IllegalArgumentException("clients must not be null");
        }
        Class<?> type = target.getClass();
        if (isProxy(target)) {
            throw new IllegalArgumentException("target is already a distlock proxy: " + type.getName());
        }
        if (!SubclassProxies.canSubclass(type)) {
            Class<?>[] interfaces = interfacesOf(type);
            if (interfaces.length == 0) {
                throw new IllegalArgumentException("cannot wrap " + type.getName()
                        + ": it cannot be subclassed (final, record, enum, sealed, lambda or anonymous) and"
                        + " implements no interface");
            }
            return (T) jdkProxy(target, interfaces, clients);
        }
        LockInterceptor.requireClass("net.bytebuddy.ByteBuddy", "net.bytebuddy:byte-buddy",
                "proxies of classes (LockProxies.wrap(target, ...)); or wrap by interface with"
                        + " LockProxies.wrap(Interface.class, target, ...), which");
        LockInterceptor interceptor = LockInterceptor.create(clients);
        List<Method> locked = interceptor.check(type);
        SubclassProxies.checkOverridable(type, locked);
        return (T) SubclassProxies.newProxy(type, new ProxyHandler(target, interceptor));
    }

    /**
     * Wraps {@code target} with one client, as the given type.
     *
     * @param <T> the type the proxy is used as
     * @param type an interface the target implements (a JDK proxy of it and of the target's other
     *        interfaces is made), or a class the target is an instance of (then as
     *        {@link #wrap(Object, LockClient)})
     * @param target the object to wrap
     * @param client the client every annotation without a {@code client} name uses
     * @return the proxy
     * @throws IllegalArgumentException if an argument is null, {@code target} is not a
     *         {@code type}, or an annotation is invalid (an annotated method that no interface of
     *         the proxy declares cannot be locked by it: a warning is logged)
     * @throws IllegalStateException if a library the proxy needs is not on the class path
     */
    public static <T> T wrap(Class<T> type, T target, LockClient client) {
        return wrap(type, target, registry(client));
    }

    /**
     * Wraps {@code target}, with the clients its annotations name, as the given type.
     *
     * @param <T> the type the proxy is used as
     * @param type an interface the target implements, or a class the target is an instance of
     * @param target the object to wrap
     * @param clients the default client and the named clients
     * @return the proxy
     * @throws IllegalArgumentException if an argument is null, {@code target} is not a
     *         {@code type}, or an annotation is invalid or names an unknown client
     * @throws IllegalStateException if a library the proxy needs is not on the class path
     */
    public static <T> T wrap(Class<T> type, T target, LockClientRegistry clients) {
        if (type == null || target == null || clients == null) {
            throw new IllegalArgumentException("type, target and clients must not be null");
        }
        if (!type.isInstance(target)) {
            throw new IllegalArgumentException("target (" + target.getClass().getName() + ") is not a " + type.getName());
        }
        if (!type.isInterface()) {
            return type.cast(wrap(target, clients));
        }
        if (isProxy(target)) {
            throw new IllegalArgumentException("target is already a distlock proxy: " + target.getClass().getName());
        }
        Set<Class<?>> interfaces = new java.util.LinkedHashSet<>();
        interfaces.add(type);
        interfaces.addAll(Arrays.asList(interfacesOf(target.getClass())));
        return type.cast(jdkProxy(target, interfaces.toArray(Class<?>[]::new), clients));
    }

    /**
     * Tells whether {@code object} is a proxy made by this class.
     *
     * @param object any object, or null
     * @return whether it is a distlock proxy
     */
    public static boolean isProxy(Object object) {
        if (object == null) {
            return false;
        }
        Class<?> c = object.getClass();
        if (Proxy.isProxyClass(c)) {
            return Proxy.getInvocationHandler(object) instanceof ProxyHandler;
        }
        return SubclassProxies.isProxyClass(c);
    }

    /**
     * Returns the object a proxy made by this class forwards to.
     *
     * @param <T> the proxy's type
     * @param proxy a distlock proxy
     * @return the wrapped object
     * @throws IllegalArgumentException if {@code proxy} is not a distlock proxy
     */
    @SuppressWarnings("unchecked")
    public static <T> T targetOf(T proxy) {
        if (!isProxy(proxy)) {
            throw new IllegalArgumentException("not a distlock proxy: " + proxy);
        }
        InvocationHandler h = Proxy.isProxyClass(proxy.getClass()) ? Proxy.getInvocationHandler(proxy)
                : (InvocationHandler) SubclassProxies.handlerOf(proxy);
        return (T) ((ProxyHandler) h).target();
    }

    private static Object jdkProxy(Object target, Class<?>[] interfaces, LockClientRegistry clients) {
        LockInterceptor interceptor = LockInterceptor.create(clients);
        Class<?> type = target.getClass();
        List<Method> locked = interceptor.check(type);
        Set<String> proxied = new HashSet<>();
        for (Class<?> i : interfaces) {
            for (Method m : i.getMethods()) {
                proxied.add(LockInterceptor.signature(m));
            }
        }
        for (Method m : locked) {
            if (!proxied.contains(LockInterceptor.signature(m))) {
                log.warn("@DistributedLock on {}: no interface of the proxy {} declares this method, so the proxy"
                        + " cannot lock it; wrap by class to lock it", LockInterceptor.describe(type, m),
                        Arrays.stream(interfaces).map(Class::getSimpleName).toList());
            }
        }
        ClassLoader loader = interfaces.length == 1 ? interfaces[0].getClassLoader() : type.getClassLoader();
        return Proxy.newProxyInstance(loader, interfaces, new ProxyHandler(target, interceptor));
    }

    private static Class<?>[] interfacesOf(Class<?> type) {
        return LockInterceptor.allInterfaces(type).stream()
                .filter(i -> Modifier.isPublic(i.getModifiers()) || i.getClassLoader() == type.getClassLoader())
                .toArray(Class<?>[]::new);
    }

    private static LockClientRegistry registry(LockClient client) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        return LockClientRegistry.of(client);
    }
}

package dev.distlock.embedded;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * A JUnit 5 extension that starts embedded and real stores on free 127.0.0.1 ports and
 * injects them into test fields and parameters: {@link EmbeddedRedisServer},
 * {@link EmbeddedZooKeeper}, {@link RedisProcess}, {@link RedisSentinelGroup} and
 * {@link RedisClusterGroup}.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedStoreExtension.class)
 * class OrdersIT {
 *     @EmbeddedStore static EmbeddedZooKeeper zk;                  // started once for the class
 *
 *     @Test void locks(EmbeddedRedisServer redis) { … }            // class-scoped, no annotation needed
 *     @Test void crash(@EmbeddedStore(fresh = true) RedisProcess real) { … } // a new one for this test
 * }
 * }</pre>
 *
 * <p>Scope: by default one instance per test class (and its {@code @Nested} classes), started
 * on first use and closed when the class finishes; {@link EmbeddedStore#fresh()} gives a new
 * instance per test method, closed after it. Injection points with equal type, name, size and
 * password share an instance. Static fields are filled before {@code @BeforeAll} methods run,
 * instance fields before {@code @BeforeEach} methods.
 *
 * <p>Skipping: when a test (or its class, for class-level injection points) needs a real
 * {@code redis-server} ({@link RedisProcess}, {@link RedisSentinelGroup},
 * {@link RedisClusterGroup}) and none is installed, it is aborted with the reason
 * "redis-server is not installed", which test reports show as skipped.
 *
 * <p>Thread-safe: JUnit may call it from parallel tests; instances are created through the
 * store's atomic {@code getOrComputeIfAbsent}.
 */
public final class EmbeddedStoreExtension
        implements BeforeAllCallback, BeforeEachCallback, TestInstancePostProcessor, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedStoreExtension.class);
    private static final Set<Class<?>> TYPES = Set.of(EmbeddedRedisServer.class, EmbeddedZooKeeper.class,
            RedisProcess.class, RedisSentinelGroup.class, RedisClusterGroup.class);
    private static final Set<Class<?>> NEED_BINARY = Set.of(RedisProcess.class, RedisSentinelGroup.class,
            RedisClusterGroup.class);

    /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
    public EmbeddedStoreExtension() {
    }

    /**
     * What identifies a shared instance. {@code fresh} is part of it because a method's store
     * also finds its class's entries.
     */
    private record Key(Class<?> type, String name, int size, String password, boolean fresh) {
        static Key of(Class<?> type, EmbeddedStore a, String where) {
            if (a == null) {
                return new Key(type, "", 0, "", false);
            }
            if (a.size() != 0 && type != EmbeddedZooKeeper.class && type != RedisClusterGroup.class) {
                throw new ExtensionConfigurationException("@EmbeddedStore(size) applies to EmbeddedZooKeeper and "
                        + "RedisClusterGroup only, not " + type.getSimpleName() + " at " + where);
            }
            if (a.size() < 0) {
                throw new ExtensionConfigurationException("@EmbeddedStore(size) must not be negative at " + where);
            }
            if (!a.password().isEmpty() && type != EmbeddedRedisServer.class && type != RedisProcess.class) {
                throw new ExtensionConfigurationException("@EmbeddedStore(password) applies to EmbeddedRedisServer and "
                        + "RedisProcess only, not " + type.getSimpleName() + " at " + where);
            }
            return new Key(type, a.name(), a.size(), a.password(), a.fresh());
        }
    }

    /**
     * Skips the class when a class-level injection point needs a missing redis-server, then
     * fills the static {@code @EmbeddedStore} fields.
     *
     * @param context the class's context
     * @throws ExtensionConfigurationException if a field is misdeclared (wrong type, final,
     *                                         {@code fresh} on a static field, misplaced attribute)
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        List<Class<?>> needs = new ArrayList<>();
        for (Field f : fields(testClass)) {
            if (Modifier.isStatic(f.getModifiers())) {
                needs.add(f.getType());
            }
        }
        for (Method m : lifecycleMethods(testClass, BeforeAll.class, AfterAll.class)) {
            needs.addAll(injectableParameterTypes(m));
        }
        assumeBinaryFor(needs);
        for (Field f : fields(testClass)) {
            if (Modifier.isStatic(f.getModifiers())) {
                EmbeddedStore a = f.getAnnotation(EmbeddedStore.class);
                if (a.fresh()) {
                    throw new ExtensionConfigurationException("@EmbeddedStore(fresh = true) is not allowed on static field "
                            + describe(f) + ": a static field lives as long as the class");
                }
                set(f, null, classScoped(context, Key.of(f.getType(), a, describe(f))));
            }
        }
    }

    /**
     * Fills class-scoped instance fields as soon as the test instance exists.
     *
     * @param testInstance the new test instance
     * @param context      the current context
     * @throws ExtensionConfigurationException if a field is misdeclared
     */
    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        // Class-scoped instance fields are ready for @BeforeAll methods of PER_CLASS tests too;
        // fresh ones are filled per test in beforeEach.
        for (Field f : fields(testInstance.getClass())) {
            EmbeddedStore a = f.getAnnotation(EmbeddedStore.class);
            boolean cannotStart = NEED_BINARY.contains(f.getType()) && !RedisProcess.isAvailable(); // beforeEach skips
            if (!Modifier.isStatic(f.getModifiers()) && !a.fresh() && !cannotStart) {
                set(f, testInstance, classScoped(context, Key.of(f.getType(), a, describe(f))));
            }
        }
    }

    /**
     * Skips the test when it needs a missing redis-server, then fills the instance fields
     * (fresh ones with new stores).
     *
     * @param context the test method's context
     * @throws ExtensionConfigurationException if a field is misdeclared
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        List<Class<?>> needs = new ArrayList<>();
        List<Object> instances = context.getRequiredTestInstances().getAllInstances();
        for (Object instance : instances) {
            for (Field f : fields(instance.getClass())) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    needs.add(f.getType());
                }
            }
            needs.addAll(lifecycleParameterTypes(instance.getClass()));
        }
        needs.addAll(injectableParameterTypes(context.getRequiredTestMethod()));
        assumeBinaryFor(needs);
        for (Object instance : instances) {
            for (Field f : fields(instance.getClass())) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                EmbeddedStore a = f.getAnnotation(EmbeddedStore.class);
                Key key = Key.of(f.getType(), a, describe(f));
                set(f, instance, a.fresh() ? methodScoped(context, key) : classScoped(context, key));
            }
        }
    }

    /**
     * Claims parameters of the supported store types (annotated or not).
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return true for a supported type
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return TYPES.contains(parameterContext.getParameter().getType());
    }

    /**
     * Returns the class-scoped store for the parameter, or a fresh one for
     * {@code @EmbeddedStore(fresh = true)}, starting it if needed.
     *
     * @param parameterContext the parameter
     * @param context          the current context
     * @return the started store
     * @throws ParameterResolutionException    if redis-server is missing for a constructor
     *                                         parameter, or {@code fresh} is used outside a test method
     * @throws ExtensionConfigurationException if the annotation's attributes do not fit the type
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        Parameter p = parameterContext.getParameter();
        EmbeddedStore a = parameterContext.findAnnotation(EmbeddedStore.class).orElse(null);
        String where = "parameter " + p.getName() + " of " + parameterContext.getDeclaringExecutable();
        if (NEED_BINARY.contains(p.getType()) && !RedisProcess.isAvailable()) {
            // normally aborted earlier by beforeAll/beforeEach; a parameter of a constructor is not
            throw new ParameterResolutionException("redis-server is not installed: cannot inject " + where);
        }
        Key key = Key.of(p.getType(), a, where);
        if (a != null && a.fresh()) {
            if (context.getTestMethod().isEmpty()) {
                throw new ParameterResolutionException("@EmbeddedStore(fresh = true) needs a test method, not " + where);
            }
            return methodScoped(context, key);
        }
        return classScoped(context, key);
    }

    private static Object classScoped(ExtensionContext context, Key key) {
        ExtensionContext classContext = classContext(context);
        // reuse an instance of an enclosing class (a @Nested class shares its outer class's stores)
        for (Optional<ExtensionContext> c = classContext.getParent(); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestClass().isPresent() && c.get().getTestMethod().isEmpty()) {
                Object existing = c.get().getStore(NAMESPACE).get(key);
                if (existing != null) {
                    return existing;
                }
            }
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(key, k -> create(key));
    }

    private static Object methodScoped(ExtensionContext context, Key key) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(key, k -> create(key));
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /** Starts a store; the JUnit store closes it (every type is AutoCloseable). */
    private static AutoCloseable create(Key key) {
        Class<?> type = key.type();
        if (type == EmbeddedRedisServer.class) {
            EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder().port(0);
            if (!key.password().isEmpty()) {
                b.requirePass(key.password());
            }
            return b.build().start();
        }
        if (type == EmbeddedZooKeeper.class) {
            return EmbeddedZooKeeper.builder().ensemble(key.size() == 0 ? 1 : key.size()).build().start();
        }
        if (type == RedisProcess.class) {
            RedisProcess.Builder b = RedisProcess.builder();
            if (!key.password().isEmpty()) {
                b.requirePass(key.password());
            }
            return b.build().start();
        }
        if (type == RedisSentinelGroup.class) {
            return RedisSentinelGroup.builder().build().start();
        }
        if (type == RedisClusterGroup.class) {
            return RedisClusterGroup.builder().masters(key.size() == 0 ? 3 : key.size()).build().start();
        }
        throw new ExtensionConfigurationException("EmbeddedStoreExtension cannot create " + type.getName());
    }

    private static void assumeBinaryFor(List<Class<?>> types) {
        for (Class<?> t : types) {
            if (NEED_BINARY.contains(t)) {
                Assumptions.assumeTrue(RedisProcess.isAvailable(),
                        "redis-server is not installed (not on PATH, not in /usr/bin): " + t.getSimpleName() + " cannot be started");
                return;
            }
        }
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> result = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(EmbeddedStore.class)) {
                    if (!TYPES.contains(f.getType())) {
                        throw new ExtensionConfigurationException("@EmbeddedStore field " + describe(f)
                                + " must have one of the types " + TYPES.stream().map(Class::getSimpleName).sorted().toList());
                    }
                    if (Modifier.isFinal(f.getModifiers())) {
                        throw new ExtensionConfigurationException("@EmbeddedStore field " + describe(f) + " must not be final");
                    }
                    result.add(f);
                }
            }
        }
        return result;
    }

    @SafeVarargs
    private static List<Method> lifecycleMethods(Class<?> type, Class<? extends java.lang.annotation.Annotation>... kinds) {
        List<Method> result = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                for (Class<? extends java.lang.annotation.Annotation> k : kinds) {
                    if (m.isAnnotationPresent(k)) {
                        result.add(m);
                    }
                }
            }
        }
        return result;
    }

    private static List<Class<?>> lifecycleParameterTypes(Class<?> type) {
        List<Class<?>> result = new ArrayList<>();
        for (Method m : lifecycleMethods(type, BeforeEach.class, AfterEach.class)) {
            result.addAll(injectableParameterTypes(m));
        }
        return result;
    }

    private static List<Class<?>> injectableParameterTypes(Method m) {
        List<Class<?>> result = new ArrayList<>();
        for (Class<?> t : m.getParameterTypes()) {
            if (TYPES.contains(t)) {
                result.add(t);
            }
        }
        return result;
    }

    private static void set(Field f, Object target, Object value) {
        try {
            f.setAccessible(true);
            f.set(target, value);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new ExtensionConfigurationException("cannot set @EmbeddedStore field " + describe(f) + ": " + e, e);
        }
    }

    private static String describe(Field f) {
        return f.getDeclaringClass().getSimpleName() + "." + f.getName();
    }
}

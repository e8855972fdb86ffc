package dev.distlock.annotation;

import dev.distlock.BackendUnavailableException;
import dev.distlock.DistributedReadWriteLock;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LeaseLostListener;
import dev.distlock.Lease;
import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.LockInterruptedException;
import dev.distlock.LockLostException;
import dev.distlock.Mutex;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework-free core of {@link DistributedLock}: finds and checks the annotations of a
 * method, and runs a call under its locks. {@link LockProxies} and the Spring Boot starter are
 * thin adapters over it; another framework (an interceptor of CDI, Guice or Micronaut) can use it
 * the same way:
 *
 * <pre>{@code
 * LockInterceptor locks = LockInterceptor.create(LockClientRegistry.of(client));
 * locks.check(ShopImpl.class);                                   // at wiring time: fail early
 * Object result = locks.invoke(target, method, args, () -> method.invoke(target, args));
 * }</pre>
 *
 * <p>Design: a {@code LockPlan} per (method, target class) is built on first use and cached; it
 * holds the parsed key expressions, the parsed times, the resolved client and fallback, and the
 * value SKIP returns. A call evaluates the keys, sorts the locks by name, client and mode (see
 * {@link DistributedLock}), takes them in that order
 * ({@code tryLock}; {@code acquire} when a lease loss must interrupt the thread), runs the method,
 * and unlocks in reverse order. A lock not taken in time releases those already taken and then
 * applies {@link OnFailure}; an interrupted wait throws {@link LockInterruptedException}; a store
 * failure while locking propagates. At unlock, a {@link LockLostException} is handled by
 * {@link OnLeaseLost}, and a {@link BackendUnavailableException} is logged and not thrown (the
 * method has run; the lease will run out on the store).
 *
 * <p>Thread-safe; one instance serves any number of targets and threads.
 */
public final class LockInterceptor {
    private static final Logger log = LoggerFactory.getLogger(LockInterceptor.class);

    /**
     * The call to the target, made by {@link #invoke} while the locks are held.
     */
    @FunctionalInterface
    public interface Invocation {
        /**
         * Calls the target method.
         *
         * @return the method's result ({@code null} for {@code void})
         * @throws Throwable whatever the method throws
         */
        Object proceed() throws Throwable;
    }

    private record MethodKey(Method method, Class<?> targetClass) {
    }

    private final LockClientRegistry clients;
    private final UnaryOperator<String> valueResolver;
    private final Map<MethodKey, LockPlan> plans = new ConcurrentHashMap<>();

    private LockInterceptor(LockClientRegistry clients, UnaryOperator<String> valueResolver) {
        this.clients = clients;
        this.valueResolver = valueResolver;
    }

    /**
     * Makes an interceptor that locks with the given clients.
     *
     * @param clients the clients annotations may name
     * @return the interceptor
     * @throws IllegalArgumentException if {@code clients} is null
     * @throws IllegalStateException if {@code org.springframework:spring-expression} (for key
     *         expressions) is not on the class path
     */
    public static LockInterceptor create(LockClientRegistry clients) {
        return create(clients, UnaryOperator.identity());
    }

    /**
     * Makes an interceptor that locks with the given clients and passes {@code waitTime},
     * {@code leaseTime} and {@code client} through {@code valueResolver} before parsing them
     * (Spring resolves {@code ${...}} placeholders there).
     *
     * @param clients the clients annotations may name
     * @param valueResolver resolves an attribute's text; it must return non-null
     * @return the interceptor
     * @throws IllegalArgumentException if an argument is null
     * @throws IllegalStateException if {@code org.springframework:spring-expression} is not on
     *         the class path
     */
    public static LockInterceptor create(LockClientRegistry clients, UnaryOperator<String> valueResolver) {
        if (clients == null) {
            throw new IllegalArgumentException("clients must not be null");
        }
        if (valueResolver == null) {
            throw new IllegalArgumentException("valueResolver must not be null");
        }
        requireClass("org.springframework.expression.spel.standard.SpelExpressionParser",
                "org.springframework:spring-expression", "@DistributedLock key expressions");
        return new LockInterceptor(clients, valueResolver);
    }

    static void requireClass(String className, String artifact, String purpose) {
        try {
            Class.forName(className, false, LockInterceptor.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(purpose + " need " + artifact + " on the class path (lock-api declares it"
                    + " optional); add it to your build", e);
        }
    }

    /**
     * Tells whether calls of {@code method} on an instance of {@code targetClass} are locked,
     * checking (once, then cached) the annotations that apply. The annotations are those on the
     * target class's implementation of the method or, if it has none, on the nearest method it
     * overrides or implements.
     *
     * @param method the method called: declared by the target class, a superclass or an interface
     * @param targetClass the class of the object called
     * @return whether the method takes locks
     * @throws IllegalArgumentException if an argument is null or an annotation is invalid (the
     *         message names the method and the attribute)
     */
    public boolean isLocked(Method method, Class<?> targetClass) {
        return !plan(method, targetClass).isNone();
    }

    /**
     * Checks every annotated method that {@code targetClass} declares or inherits (from
     * superclasses and interfaces), so that a bad annotation fails at wiring time rather than at
     * the first call.
     *
     * @param targetClass the class whose instances will be called
     * @return the methods that take locks, as the target class implements them
     * @throws IllegalArgumentException if {@code targetClass} is null or an annotation is invalid
     */
    public List<Method> check(Class<?> targetClass) {
        if (targetClass == null) {
            throw new IllegalArgumentException("targetClass must not be null");
        }
        List<Method> locked = new ArrayList<>();
        for (Method m : candidateMethods(targetClass)) {
            if (!plan(m, targetClass).isNone()) {
                locked.add(mostSpecific(m, targetClass));
            }
        }
        return locked;
    }

    /**
     * Tells whether {@code targetClass}, its superclasses or its interfaces declare any
     * {@link DistributedLock} method. Cheap enough for a framework's class filter; checks nothing.
     *
     * @param targetClass the class
     * @return whether some method is annotated
     * @throws IllegalArgumentException if {@code targetClass} is null
     */
    public boolean declaresLocks(Class<?> targetClass) {
        if (targetClass == null) {
            throw new IllegalArgumentException("targetClass must not be null");
        }
        for (Class<?> c = targetClass; c != null && c != Object.class; c = c.getSuperclass()) {
            if (declaresLocksItself(c)) {
                return true;
            }
        }
        for (Class<?> i : allInterfaces(targetClass)) {
            if (declaresLocksItself(i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean declaresLocksItself(Class<?> c) {
        for (Method m : c.getDeclaredMethods()) {
            if (m.isAnnotationPresent(DistributedLock.class) || m.isAnnotationPresent(DistributedLocks.class)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs one call under the locks of {@code method}, or just runs it if the method takes none.
     *
     * @param target the object called (not a proxy of it: fallbacks are called on it directly)
     * @param method the method called, as in {@link #isLocked}
     * @param args the arguments ({@code null} means none)
     * @param invocation calls the method on the target
     * @return the method's result, a fallback's result, or the SKIP value
     * @throws Throwable what the method throws; {@link LockAcquisitionException} (THROW) when a
     *         lock is not taken in time; {@link LockInterruptedException} when the wait is
     *         interrupted; {@link LockLostException} (THROW_AFTER, INTERRUPT) when a lease was
     *         lost; {@link BackendUnavailableException} when the store fails while locking;
     *         {@link IllegalArgumentException} when an annotation is invalid, or a key names an
     *         unknown variable or evaluates to null
     */
    public Object invoke(Object target, Method method, Object[] args, Invocation invocation) throws Throwable {
        if (target == null || method == null || invocation == null) {
            throw new IllegalArgumentException("target, method and invocation must not be null");
        }
        LockPlan plan = plan(method, target.getClass());
        if (plan.isNone()) {
            return invocation.proceed();
        }
        return invoke(plan, target, args == null ? new Object[0] : args, invocation);
    }

    LockPlan plan(Method method, Class<?> targetClass) {
        if (method == null || targetClass == null) {
            throw new IllegalArgumentException("method and targetClass must not be null");
        }
        MethodKey key = new MethodKey(method, targetClass);
        LockPlan plan = plans.get(key);
        if (plan == null) {
            plan = compile(method, targetClass);
            LockPlan raced = plans.putIfAbsent(key, plan);
            if (raced != null) {
                plan = raced;
            }
        }
        return plan;
    }

    // ---------------------------------------------------------------- the call

    Object invoke(LockPlan plan, Object target, Object[] args, Invocation invocation) throws Throwable {
        LockSpec[] specs = plan.specs;
        int n = specs.length;
        String[] names = new String[n];
        Mutex[] mutexes = new Mutex[n];
        for (int i = 0; i < n; i++) {
            names[i] = specs[i].key.evaluate(target, args);
            try {
                mutexes[i] = handle(plan, specs[i], names[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(specs[i].key.prefix() + "gave an invalid lock name: "
                        + e.getMessage(), e);
            }
        }
        int[] order = order(specs, names);
        Lease[] leases = new Lease[n];
        InterruptGuard guard = null;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            LockSpec spec = specs[i];
            boolean taken;
            if (spec.onLeaseLost == OnLeaseLost.INTERRUPT) {
                if (guard == null) {
                    guard = new InterruptGuard(Thread.currentThread());
                }
                try {
                    leases[i] = spec.lease == null ? mutexes[i].acquire(spec.wait)
                            : mutexes[i].acquire(spec.wait, spec.lease);
                    leases[i].onLost(guard);
                    taken = true;
                } catch (LockInterruptedException e) {
                    releaseTaken(plan, specs, mutexes, leases, order, k);
                    throw e;
                } catch (LockAcquisitionException e) {
                    taken = false;
                } catch (RuntimeException | Error e) {
                    releaseTaken(plan, specs, mutexes, leases, order, k);
                    throw e;
                }
            } else {
                try {
                    taken = spec.lease == null ? mutexes[i].tryLock(spec.wait)
                            : mutexes[i].tryLock(spec.wait, spec.lease);
                } catch (InterruptedException e) {
                    releaseTaken(plan, specs, mutexes, leases, order, k);
                    Thread.currentThread().interrupt();
                    throw new LockInterruptedException(names[i], e);
                } catch (RuntimeException | Error e) {
                    releaseTaken(plan, specs, mutexes, leases, order, k);
                    throw e;
                }
            }
            if (!taken) {
                releaseTaken(plan, specs, mutexes, leases, order, k);
                return onFailure(plan, spec, names[i], target, args);
            }
        }

        Object result = null;
        Throwable thrown = null;
        try {
            result = invocation.proceed();
        } catch (Throwable t) {
            thrown = t;
        } finally {
            if (guard != null) {
                guard.end();
            }
        }
        LockLostException lost = null;
        for (int k = n - 1; k >= 0; k--) {
            int i = order[k];
            try {
                release(mutexes[i], leases[i]);
            } catch (LockLostException e) {
                if (specs[i].onLeaseLost == OnLeaseLost.IGNORE) {
                    log.debug("{}: lease on '{}' was lost during the call; ignored as configured", plan.where,
                            names[i]);
                } else if (lost == null) {
                    lost = e;
                } else {
                    lost.addSuppressed(e);
                }
            } catch (BackendUnavailableException e) {
                log.warn("{}: could not release lock '{}' after the call; its lease will run out", plan.where,
                        names[i], e);
            } catch (RuntimeException e) {
                if (thrown == null) {
                    thrown = e;
                } else {
                    thrown.addSuppressed(e);
                }
            }
        }
        if (thrown != null) {
            if (lost != null) {
                thrown.addSuppressed(lost);
            }
            throw thrown;
        }
        if (lost != null) {
            throw lost;
        }
        return result;
    }

    /** Indices of the locks in taking order: by lock name, then client name; stable. */
    private static int[] order(LockSpec[] specs, String[] names) {
        int n = names.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = 1; i < n; i++) {
            int x = order[i];
            int j = i - 1;
            while (j >= 0 && compare(specs, names, order[j], x) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
        return order;
    }

    private static int compare(LockSpec[] specs, String[] names, int a, int b) {
        int c = names[a].compareTo(names[b]);
        if (c == 0) {
            c = specs[a].clientName.compareTo(specs[b].clientName);
        }
        return c != 0 ? c : Integer.compare(rank(specs[a].mode), rank(specs[b].mode));
    }

    /** Write before read: on one key that is a downgrade, while read then write would be a refused upgrade. */
    private static int rank(LockMode mode) {
        switch (mode) {
            case WRITE:
                return 0;
            case READ:
                return 1;
            default:
                return 2;
        }
    }

    /** The lock a spec takes under {@code name}: the mutex, or a side of the read-write lock. */
    private static Mutex handle(LockPlan plan, LockSpec spec, String name) {
        if (spec.mode == LockMode.EXCLUSIVE) {
            return spec.client.mutex(name);
        }
        DistributedReadWriteLock rw;
        try {
            rw = spec.client.readWriteLock(name);
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException("@DistributedLock(mode = " + spec.mode + ") on " + plan.where
                    + ": key '" + name + "' needs a read-write lock, but the " + spec.client.backend()
                    + " backend of client " + (spec.clientName.isEmpty() ? "(default)" : "'" + spec.clientName + "'")
                    + " does not offer read-write locks; use mode = EXCLUSIVE or another backend", e);
        }
        return spec.mode == LockMode.READ ? rw.readLock() : rw.writeLock();
    }

    private static void release(Mutex mutex, Lease lease) {
        if (lease != null) {
            lease.close();
        } else {
            mutex.unlock();
        }
    }

    /** Releases, in reverse, the locks taken before position {@code k} of {@code order}. */
    private static void releaseTaken(LockPlan plan, LockSpec[] specs, Mutex[] mutexes, Lease[] leases, int[] order,
            int k) {
        for (int j = k - 1; j >= 0; j--) {
            int i = order[j];
            try {
                release(mutexes[i], leases[i]);
            } catch (RuntimeException e) {
                // The call does not run, so a lost lease changes nothing; say so and go on.
                log.debug("{}: releasing '{}' after a failed acquisition: {}", plan.where, mutexes[i].name(),
                        e.toString());
            }
        }
    }

    private Object onFailure(LockPlan plan, LockSpec spec, String name, Object target, Object[] args)
            throws Throwable {
        switch (spec.onFailure) {
            case SKIP -> {
                log.debug("{}: lock '{}' not taken within {}; call skipped", plan.where, name, spec.waitText);
                return plan.skipValue;
            }
            case FALLBACK -> {
                log.debug("{}: lock '{}' not taken within {}; calling {}", plan.where, name, spec.waitText,
                        spec.fallback.getName());
                try {
                    return spec.fallback.invoke(Modifier.isStatic(spec.fallback.getModifiers()) ? null : target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
            default -> throw new LockAcquisitionException(name, "could not acquire lock '" + name + "' within "
                    + spec.waitText + " (@DistributedLock on " + plan.where + ")");
        }
    }

    /** Interrupts the calling thread when a lease is lost, but only while the method runs. */
    private static final class InterruptGuard implements LeaseLostListener {
        private final Thread thread;
        private boolean active = true;
        private boolean interrupted;

        InterruptGuard(Thread thread) {
            this.thread = thread;
        }

        @Override
        public synchronized void leaseLost(LeaseLostEvent event) {
            if (active && !interrupted) {
                interrupted = true;
                log.debug("lease on '{}' lost ({}); interrupting {}", event.lockName(), event.reason(),
                        thread.getName());
                thread.interrupt();
            }
        }

        /** Called by the calling thread when the method has returned. */
        synchronized void end() {
            active = false;
            if (interrupted) {
                Thread.interrupted();
            }
        }
    }

    // ---------------------------------------------------------------- compiling a plan

    private LockPlan compile(Method method, Class<?> targetClass) {
        Method specific = mostSpecific(method, targetClass);
        Method declared = null;
        DistributedLock[] locks = null;
        for (Method candidate : declarations(specific, method, targetClass)) {
            DistributedLock[] found = candidate.getAnnotationsByType(DistributedLock.class);
            if (found.length > 0) {
                declared = candidate;
                locks = found;
                break;
            }
        }
        if (locks == null) {
            return LockPlan.NONE;
        }
        String where = describe(targetClass, specific);
        String[] names = parameterNames(specific, declared);
        LockSpec[] specs = new LockSpec[locks.length];
        for (int i = 0; i < locks.length; i++) {
            specs[i] = compile(locks[i], where, specific, names, targetClass);
        }
        return new LockPlan(where, specs, skipValue(specific.getReturnType()));
    }

    private LockSpec compile(DistributedLock lock, String where, Method method, String[] names,
            Class<?> targetClass) {
        String at = "@DistributedLock on " + where + ": ";
        KeyExpression key = KeyExpression.parse(lock.key(), where, method, names);

        String waitText = resolve(at, "waitTime", lock.waitTime());
        Duration wait;
        try {
            wait = DurationText.parse(waitText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + "waitTime " + e.getMessage());
        }
        if (wait == null || wait.compareTo(LockSpec.FOREVER) >= 0) {
            wait = LockSpec.FOREVER;
            waitText = "(no limit)";
        }

        String leaseText = resolve(at, "leaseTime", lock.leaseTime());
        Duration lease;
        try {
            lease = DurationText.parse(leaseText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + "leaseTime " + e.getMessage());
        }
        if (lease != null && (lease.compareTo(Duration.ofMillis(1)) < 0 || lease.compareTo(LockConfig.MAX_LEASE) > 0)) {
            throw new IllegalArgumentException(at + "leaseTime must be at least 1ms and at most "
                    + LockConfig.MAX_LEASE + " (empty for the watchdog), was '" + leaseText + "'");
        }

        String clientName = resolve(at, "client", lock.client()).strip();
        LockClient client;
        try {
            client = clients.find(clientName);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(at + e.getMessage());
        }
        if (client == null) {
            throw new IllegalArgumentException(at + (clientName.isEmpty()
                    ? "no default LockClient is registered; name one with client = \"...\" (named clients: "
                            + clients.names() + ")"
                    : "no LockClient named '" + clientName + "' (named clients: " + clients.names() + ")"));
        }

        OnFailure onFailure = lock.onFailure();
        OnLeaseLost onLeaseLost = lock.onLeaseLost();
        if (onFailure == null || onLeaseLost == null) {
            throw new IllegalArgumentException(at + "onFailure and onLeaseLost must not be null");
        }
        String fallbackName = lock.fallback().strip();
        Method fallback = null;
        if (onFailure == OnFailure.FALLBACK) {
            if (fallbackName.isEmpty()) {
                throw new IllegalArgumentException(at + "onFailure = FALLBACK needs fallback = \"<method name>\"");
            }
            fallback = findFallback(at, fallbackName, method, targetClass);
        } else if (!fallbackName.isEmpty()) {
            throw new IllegalArgumentException(at + "fallback '" + fallbackName
                    + "' is given but onFailure is " + onFailure + "; set onFailure = OnFailure.FALLBACK");
        }
        LockMode mode = lock.mode();
        if (mode == null) {
            throw new IllegalArgumentException(at + "mode must not be null");
        }
        return new LockSpec(key, wait, waitText, lease, clientName, client, onFailure, fallback, onLeaseLost, mode);
    }

    private String resolve(String at, String attribute, String text) {
        String resolved;
        try {
            resolved = valueResolver.apply(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(at + attribute + " '" + text + "' could not be resolved: "
                    + e.getMessage(), e);
        }
        if (resolved == null) {
            throw new IllegalArgumentException(at + attribute + " '" + text + "' resolved to null");
        }
        return resolved;
    }

    private static Method findFallback(String at, String name, Method method, Class<?> targetClass) {
        Class<?>[] types = method.getParameterTypes();
        Method found = null;
        for (Class<?> c = targetClass; c != null && found == null; c = c.getSuperclass()) {
            try {
                found = c.getDeclaredMethod(name, types);
            } catch (NoSuchMethodException e) {
                // keep looking up the hierarchy
            }
        }
        if (found == null) {
            try {
                found = targetClass.getMethod(name, types);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException(at + "fallback method " + name + "("
                        + typeList(types) + ") not found in " + targetClass.getName()
                        + " (it must take the same parameters as the annotated method)");
            }
        }
        Class<?> want = method.getReturnType();
        Class<?> have = found.getReturnType();
        boolean compatible = want.isPrimitive() || have.isPrimitive() ? want == have : want.isAssignableFrom(have);
        if (!compatible) {
            throw new IllegalArgumentException(at + "fallback " + name + "(" + typeList(types) + ") returns "
                    + have.getSimpleName() + ", which " + method.getName() + " cannot return (it returns "
                    + want.getSimpleName() + ")");
        }
        try {
            found.setAccessible(true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(at + "fallback " + name + " is not accessible to distlock: "
                    + e.getMessage(), e);
        }
        return found;
    }

    private static Object skipValue(Class<?> type) {
        if (type == Optional.class) {
            return Optional.empty();
        }
        if (type == OptionalInt.class) {
            return OptionalInt.empty();
        }
        if (type == OptionalLong.class) {
            return OptionalLong.empty();
        }
        if (type == OptionalDouble.class) {
            return OptionalDouble.empty();
        }
        if (!type.isPrimitive() || type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == float.class) {
            return 0f;
        }
        return 0d;
    }

    private static String[] parameterNames(Method specific, Method declared) {
        Parameter[] ps = specific.getParameters();
        Parameter[] alt = declared.getParameters();
        String[] names = new String[ps.length];
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].isNamePresent()) {
                names[i] = ps[i].getName();
            } else if (alt[i].isNamePresent()) {
                names[i] = alt[i].getName();
            }
        }
        return names;
    }

    // ---------------------------------------------------------------- finding methods

    /** The target class's implementation of {@code method}, or {@code method} if it has none. */
    static Method mostSpecific(Method method, Class<?> targetClass) {
        if (method.getDeclaringClass() == targetClass || Modifier.isPrivate(method.getModifiers())
                || Modifier.isStatic(method.getModifiers())) {
            return method;
        }
        for (Class<?> c = targetClass; c != null && c != Object.class; c = c.getSuperclass()) {
            Method m = declared(c, method.getName(), method.getParameterTypes());
            if (m != null && !Modifier.isStatic(m.getModifiers())) {
                if (Modifier.isPrivate(m.getModifiers())) {
                    continue;
                }
                return m;
            }
        }
        return method;
    }

    /** Where annotations may sit, most specific first: the class, its superclasses, the interfaces. */
    private static List<Method> declarations(Method specific, Method invoked, Class<?> targetClass) {
        Set<Method> out = new LinkedHashSet<>();
        out.add(specific);
        String name = specific.getName();
        Class<?>[] types = specific.getParameterTypes();
        if (!Modifier.isPrivate(specific.getModifiers()) && !Modifier.isStatic(specific.getModifiers())) {
            for (Class<?> c = specific.getDeclaringClass().getSuperclass(); c != null && c != Object.class;
                    c = c.getSuperclass()) {
                Method m = declared(c, name, types);
                if (m != null && !Modifier.isPrivate(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                    out.add(m);
                }
            }
            for (Class<?> i : allInterfaces(targetClass)) {
                Method m = declared(i, name, types);
                if (m != null && !Modifier.isStatic(m.getModifiers())) {
                    out.add(m);
                }
            }
        }
        out.add(invoked);
        return new ArrayList<>(out);
    }

    /** Every method {@code targetClass} declares or inherits, one per signature, most specific first. */
    private static List<Method> candidateMethods(Class<?> targetClass) {
        Map<String, Method> bySignature = new LinkedHashMap<>();
        for (Class<?> c = targetClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isBridge() && !m.isSynthetic()) {
                    bySignature.putIfAbsent(signature(m), m);
                }
            }
        }
        for (Class<?> i : allInterfaces(targetClass)) {
            for (Method m : i.getDeclaredMethods()) {
                if (!m.isSynthetic() && !Modifier.isStatic(m.getModifiers())) {
                    bySignature.putIfAbsent(signature(m), m);
                }
            }
        }
        return new ArrayList<>(bySignature.values());
    }

    static Set<Class<?>> allInterfaces(Class<?> type) {
        Set<Class<?>> out = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.isInterface()) {
                todo.add(c);
            }
            todo.addAll(Arrays.asList(c.getInterfaces()));
        }
        while (!todo.isEmpty()) {
            Class<?> i = todo.poll();
            if (out.add(i)) {
                todo.addAll(Arrays.asList(i.getInterfaces()));
            }
        }
        return out;
    }

    private static Method declared(Class<?> c, String name, Class<?>[] types) {
        for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals(name) && !m.isBridge() && Arrays.equals(m.getParameterTypes(), types)) {
                return m;
            }
        }
        return null;
    }

    static String signature(Method m) {
        return m.getName() + Arrays.toString(m.getParameterTypes());
    }

    static String describe(Class<?> targetClass, Method m) {
        return simpleName(targetClass) + "." + m.getName() + "(" + typeList(m.getParameterTypes()) + ")";
    }

    private static String simpleName(Class<?> c) {
        String s = c.getSimpleName();
        return s.isEmpty() ? c.getName() : s;
    }

    private static String typeList(Class<?>[] types) {
        StringBuilder sb = new StringBuilder();
        for (Class<?> t : types) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(t.getSimpleName());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "LockInterceptor[" + clients + ", " + plans.size() + " methods seen]";
    }
}

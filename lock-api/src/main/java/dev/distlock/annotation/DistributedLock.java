package dev.distlock.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a method while holding a distributed lock whose name is computed from the call.
 *
 * <pre>{@code
 * @DistributedLock(key = "'stock:' + #sku", waitTime = "2s")
 * public boolean buy(String sku, int qty) { ... }
 *
 * Shop locked = LockProxies.wrap(shop, client);      // plain Java
 * // Spring Boot: add distlock-spring-boot-starter and set distlock.uri
 * }</pre>
 *
 * <h2>Key</h2>
 * {@link #key()} is a Spring Expression Language expression, evaluated at every call:
 * <ul>
 * <li>{@code #sku}: an argument by name (the code must be compiled with {@code -parameters});</li>
 * <li>{@code #p0}, {@code #a0}: an argument by position;</li>
 * <li>{@code #root.method}, {@code #root.methodName}, {@code #root.target},
 *     {@code #root.targetClass}, {@code #root.args}: see {@link LockKeyRoot};</li>
 * <li>literals and operators: {@code 'stock:' + #sku}, {@code #order.id()},
 *     {@code 'user:' + #p0 + ':' + #p1}.</li>
 * </ul>
 * The value's {@code toString()} is the lock name. A syntax error fails when the method is
 * wrapped; a variable that is neither a parameter nor {@code #pN}/{@code #aN}, or a value of
 * {@code null}, fails at the first call with an {@link IllegalArgumentException} naming the
 * method and the expression. Expressions are parsed once per method.
 *
 * <h2>Times</h2>
 * {@link #waitTime()} and {@link #leaseTime()} are durations written {@code "500ms"},
 * {@code "2s"}, {@code "1m"}, {@code "1h"}, {@code "1d"} (also {@code "ns"}, {@code "us"}) or in
 * ISO-8601 ({@code "PT2S"}). An empty wait waits as long as it takes (an interrupt ends it); a
 * zero wait tries once. An empty lease is renewed by the client's watchdog while the method runs;
 * a non-empty lease is fixed and never renewed. A malformed or out-of-range value fails when the
 * method is wrapped.
 *
 * <h2>Modes</h2>
 * {@link #mode()} chooses the lock taken under the key: the key's mutex
 * ({@link LockMode#EXCLUSIVE}, the default), or the read or write side of the key's read-write
 * lock ({@link LockMode#READ}, {@link LockMode#WRITE}), so that readers of a key run together
 * and a writer runs alone. Waits, leases, failure and lease-loss policies work the same in every
 * mode. A client whose backend has no read-write locks fails at the first call of a
 * {@code READ} or {@code WRITE} method with an {@link UnsupportedOperationException} naming the
 * method, the key and the backend.
 *
 * <h2>Several locks</h2>
 * The annotation is repeatable. All locks of a call are taken in a stable order, sorted by lock
 * name, then client name, then mode ({@code WRITE} before {@code READ}, so that a write and a
 * read of one key are a downgrade, never an upgrade; then {@code EXCLUSIVE}), so that two
 * methods locking the same names cannot deadlock; they are released in the reverse order. If one cannot be taken, those already taken are released before
 * the {@link #onFailure()} of the annotation that failed applies.
 *
 * <h2>Failures</h2>
 * {@link #onFailure()} tells what a call does when a lock is not taken within the wait time; an
 * interrupt during the wait always throws {@link dev.distlock.LockInterruptedException}, and a
 * store failure ({@link dev.distlock.BackendUnavailableException}) always propagates.
 * {@link #onLeaseLost()} tells what happens when the lease is lost while the method runs.
 *
 * <h2>Limits</h2>
 * Only calls through the proxy are locked: a method of the target that calls another annotated
 * method on {@code this} bypasses the proxy and takes no lock (self-invocation). With generated
 * subclasses, annotated methods must be neither {@code final}, {@code static} nor
 * {@code private}; wrapping fails otherwise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(DistributedLocks.class)
public @interface DistributedLock {
    /**
     * The lock name, as a Spring expression over the call (see the class description).
     *
     * @return the key expression; must not be blank
     */
    String key();

    /**
     * How long to wait for the lock: {@code "2s"}, {@code "500ms"}, {@code "PT2S"}; {@code "0s"}
     * tries once; empty (the default) waits as long as it takes.
     *
     * @return the wait time
     */
    String waitTime() default "";

    /**
     * A fixed lease ({@code "30s"}), never renewed; empty (the default) takes the client's
     * watchdog lease, renewed while the method runs.
     *
     * @return the lease time
     */
    String leaseTime() default "";

    /**
     * The name of the {@link dev.distlock.LockClient} to lock with, as known to the
     * {@link LockClientRegistry} (in Spring, a bean name); empty (the default) is the default
     * client.
     *
     * @return the client name
     */
    String client() default "";

    /**
     * What a call does when the lock could not be taken within {@link #waitTime()}.
     *
     * @return the failure policy; {@link OnFailure#THROW} by default
     */
    OnFailure onFailure() default OnFailure.THROW;

    /**
     * The name of the method called instead when the lock is not taken and
     * {@link #onFailure()} is {@link OnFailure#FALLBACK}: a method of the target class (any
     * visibility) with the same parameter types, whose return type can be returned by the
     * annotated method. It is called on the target itself, so it takes no lock. Must be empty
     * unless {@code onFailure} is {@code FALLBACK}.
     *
     * @return the fallback method name
     */
    String fallback() default "";

    /**
     * What happens when the lease is lost while the method runs.
     *
     * @return the lease-loss policy; {@link OnLeaseLost#THROW_AFTER} by default
     */
    OnLeaseLost onLeaseLost() default OnLeaseLost.THROW_AFTER;

    /**
     * Which lock to take under the key: the mutex ({@link LockMode#EXCLUSIVE}, the default), or
     * the read or write side of the key's read-write lock.
     *
     * @return the lock mode
     */
    LockMode mode() default LockMode.EXCLUSIVE;
}

package dev.distlock.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field or parameter that {@link EmbeddedStoreExtension} fills with a started server,
 * and says which one. Supported types: {@link EmbeddedRedisServer}, {@link EmbeddedZooKeeper},
 * {@link RedisProcess}, {@link RedisSentinelGroup}, {@link RedisClusterGroup}.
 *
 * <p>Parameters of those types are injected without the annotation (class-scoped, default
 * settings); fields need it.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedStoreExtension.class)
 * class MyTest {
 *     @EmbeddedStore static EmbeddedRedisServer redis;               // one for the class
 *     @EmbeddedStore(size = 3) static EmbeddedZooKeeper ensemble;    // a three-member ensemble
 *
 *     @Test void t(@EmbeddedStore(fresh = true) RedisProcess real) { … }   // a new one for this test
 * }
 * }</pre>
 *
 * <p>Instances are shared by key: type, {@link #name()}, {@link #size()} and
 * {@link #password()}. Two injection points with the same key in one test class get the same
 * instance; use different names to get several (three Redis servers for Redlock).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
public @interface EmbeddedStore {
    /**
     * A new instance for each test method (started before the test, closed after it)
     * instead of one per test class. Not allowed on static fields.
     *
     * @return true for a fresh instance per test
     */
    boolean fresh() default false;

    /**
     * Distinguishes several instances of one type in one test class.
     *
     * @return the name; empty by default
     */
    String name() default "";

    /**
     * Members of an {@link EmbeddedZooKeeper} ensemble (1 = standalone) or masters of a
     * {@link RedisClusterGroup} (at least 3); 0 means the type's default (1 and 3). Must be 0
     * for the other types.
     *
     * @return the size
     */
    int size() default 0;

    /**
     * A password required by an {@link EmbeddedRedisServer} or {@link RedisProcess}
     * ({@code requirepass}); empty for none. Must be empty for the other types.
     *
     * @return the password
     */
    String password() default "";
}

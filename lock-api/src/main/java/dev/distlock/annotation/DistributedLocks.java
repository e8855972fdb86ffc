package dev.distlock.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Holds several {@link DistributedLock}s on one method; the compiler writes it when
 * {@code @DistributedLock} is repeated, so it is rarely written by hand.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DistributedLocks {
    /**
     * The locks, taken in the order of their resolved names, not in this order.
     *
     * @return the locks
     */
    DistributedLock[] value();
}

package dev.distlock.annotation;

/**
 * What happens when the lease of a {@link DistributedLock} is lost while the method runs (a
 * renewal was refused or could not reach the store, a fixed lease ran out, the session ended).
 * Another owner may have held the lock during part of the call.
 */
public enum OnLeaseLost {
    /**
     * Let the method finish, then make the call throw {@link dev.distlock.LockLostException}
     * instead of returning. If the method itself threw, its exception propagates with the
     * {@code LockLostException} attached as suppressed.
     */
    THROW_AFTER,
    /**
     * Interrupt the thread running the method as soon as the loss is known, then behave as
     * {@link #THROW_AFTER}. The interrupt is delivered only while the method runs, and an
     * interrupt status still set by it when the call ends is cleared, so that it does not leak
     * into the caller's next task.
     */
    INTERRUPT,
    /** Return the method's result as if nothing happened (the loss is still logged and told to listeners). */
    IGNORE
}

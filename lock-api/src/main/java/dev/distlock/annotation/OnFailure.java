package dev.distlock.annotation;

/**
 * What a call to a {@link DistributedLock} method does when a lock could not be taken within
 * its wait time. Locks already taken for the call are released first.
 */
public enum OnFailure {
    /** Throw the {@link dev.distlock.LockAcquisitionException}; the method does not run. */
    THROW,
    /**
     * Do not run the method and return an empty value: {@code null} for object types and
     * {@code void}, {@link java.util.Optional#empty()} (and the empty
     * {@link java.util.OptionalInt}, {@link java.util.OptionalLong},
     * {@link java.util.OptionalDouble}) for optionals, and the default of a primitive type
     * ({@code false}, {@code 0}, {@code '\0'}).
     */
    SKIP,
    /** Call the method named by {@link DistributedLock#fallback()} with the same arguments instead. */
    FALLBACK
}

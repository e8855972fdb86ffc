package dev.distlock.annotation;

import dev.distlock.LockClient;
import java.lang.reflect.Method;
import java.time.Duration;

/** One {@link DistributedLock} of a method, checked and resolved: what each call needs. */
final class LockSpec {
    /** Waits this long or more are waits without end (see {@code Args.waitNanos}). */
    static final Duration FOREVER = Duration.ofDays(36_500);

    final KeyExpression key;
    /** The wait, {@link #FOREVER} for an empty waitTime. */
    final Duration wait;
    /** The text of the wait, for messages. */
    final String waitText;
    /** A fixed lease, or null for the watchdog. */
    final Duration lease;
    final String clientName;
    final LockClient client;
    final OnFailure onFailure;
    /** The fallback method, accessible, or null. */
    final Method fallback;
    final OnLeaseLost onLeaseLost;
    final LockMode mode;

    LockSpec(KeyExpression key, Duration wait, String waitText, Duration lease, String clientName, LockClient client,
            OnFailure onFailure, Method fallback, OnLeaseLost onLeaseLost, LockMode mode) {
        this.key = key;
        this.wait = wait;
        this.waitText = waitText;
        this.lease = lease;
        this.clientName = clientName;
        this.client = client;
        this.onFailure = onFailure;
        this.fallback = fallback;
        this.onLeaseLost = onLeaseLost;
        this.mode = mode;
    }
}

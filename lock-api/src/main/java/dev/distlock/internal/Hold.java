package dev.distlock.internal;

import dev.distlock.LeaseLostListener;
import dev.distlock.LossReason;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One owner's hold on one lock: the grant, the re-entry count, how long the lease is known
 * valid, and whether it was lost. The count is touched only by the owner thread; validity and
 * loss are updated by the renewer and by drivers, hence volatile and atomic fields.
 */
final class Hold implements HeldLock {
    /** Why and how a hold was lost. */
    record Loss(LossReason reason, Throwable cause) {
    }

    final StandardLockClient client;
    /** The user's name of the primitive (never suffixed). */
    final String name;
    /** What the hold stands for; with {@link #name} and {@link #owner} it identifies the hold. */
    final HoldKind kind;
    /** The name the backend's mutex SPI knows the hold by ({@link HoldKind#storeName}). */
    final String storeName;
    final Thread owner;
    final String ownerId;
    final Grant grant;
    final long leaseMillis;
    final long leaseNanos;
    final boolean fixed;

    /** Re-entry count; owner thread only. */
    int count;
    /** {@link System#nanoTime()} when the hold was granted, for the hold time told to listeners. */
    long acquiredAtNanos;
    /** Clock reading until which the lease is known valid. */
    volatile long validUntilNanos;
    /** Clock reading at which the watchdog should renew next. */
    volatile long nextRenewalNanos;
    /** This hold's entry in the renewer's tree, or null; guarded by the renewer's lock. */
    LeaseRenewer.Entry timerEntry;
    /** The last renewal failure since the last success, or null. */
    volatile Throwable lastRenewalFailure;
    final AtomicBoolean renewalInFlight = new AtomicBoolean();
    volatile boolean released;
    private final AtomicReference<Loss> loss = new AtomicReference<>();
    /** Listeners of this hold; guarded by {@code this} together with the transition to lost. */
    private final List<LeaseLostListener> listeners = new ArrayList<>(1);

    Hold(StandardLockClient client, String name, HoldKind kind, Thread owner, String ownerId, Grant grant, long leaseMillis,
            boolean fixed) {
        this.client = client;
        this.name = name;
        this.kind = kind;
        this.storeName = kind.storeName(name);
        this.owner = owner;
        this.ownerId = ownerId;
        this.grant = grant;
        this.leaseMillis = leaseMillis;
        this.leaseNanos = leaseMillis * 1_000_000L;
        this.fixed = fixed;
    }

    @Override
    public String name() {
        return storeName;
    }

    @Override
    public String ownerId() {
        return ownerId;
    }

    @Override
    public Grant grant() {
        return grant;
    }

    @Override
    public long leaseMillis() {
        return leaseMillis;
    }

    @Override
    public boolean fixedLease() {
        return fixed;
    }

    Loss loss() {
        return loss.get();
    }

    /** Whether the hold is unreleased, not lost and its lease not run out at {@code now}. */
    boolean isValidAt(long now) {
        return !released && loss.get() == null && now - validUntilNanos < 0;
    }

    /**
     * Adds a listener unless the hold is already lost.
     *
     * @return null if added, else the loss (the caller tells the listener itself)
     */
    synchronized Loss addListener(LeaseLostListener listener) {
        Loss l = loss.get();
        if (l == null) {
            listeners.add(listener);
        }
        return l;
    }

    @Override
    public void markLost(LossReason reason, Throwable cause) {
        Objects.requireNonNull(reason, "reason");
        List<LeaseLostListener> toTell;
        synchronized (this) {
            if (released || !loss.compareAndSet(null, new Loss(reason, cause))) {
                return;
            }
            toTell = new ArrayList<>(listeners);
        }
        client.onLost(this, reason, cause, toTell);
    }
}

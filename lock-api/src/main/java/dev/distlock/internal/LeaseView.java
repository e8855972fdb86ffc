package dev.distlock.internal;

import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LeaseLostListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One acquisition of a hold, as a {@link Lease}. Several views share one hold when the owner
 * re-enters; each closes once. Thread-safe.
 */
final class LeaseView implements Lease {
    private final Hold hold;
    private final AtomicBoolean closed = new AtomicBoolean();

    LeaseView(Hold hold) {
        this.hold = hold;
    }

    @Override
    public String name() {
        return hold.name;
    }

    @Override
    public long fencingToken() {
        return hold.grant.fencingToken();
    }

    @Override
    public boolean isValid() {
        return !closed.get() && hold.isValidAt(hold.client.clock().nanoTime());
    }

    @Override
    public Duration remaining() {
        if (!isValid()) {
            return Duration.ZERO;
        }
        long left = hold.validUntilNanos - hold.client.clock().nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    @Override
    public Lease onLost(LeaseLostListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        Hold.Loss loss = hold.addListener(listener);
        if (loss != null) {
            // Already lost: tell it now.
            hold.client.dispatch(List.of(listener),
                    new LeaseLostEvent(hold.name, hold.grant.fencingToken(), hold.owner, loss.reason(), loss.cause()));
        }
        return this;
    }

    @Override
    public void close() {
        if (Thread.currentThread() != hold.owner) {
            throw new IllegalMonitorStateException("lease on lock '" + hold.name
                    + "' must be closed by the thread that acquired it (" + hold.owner.getName() + ")");
        }
        if (closed.compareAndSet(false, true)) {
            hold.client.unlock(hold.name, hold.kind);
        }
    }

    @Override
    public String toString() {
        return "Lease[" + hold.name + ", token=" + hold.grant.fencingToken() + ", valid=" + isValid() + "]";
    }
}

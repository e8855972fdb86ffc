package dev.distlock.internal;

import dev.distlock.Lease;
import dev.distlock.LeaseLostListener;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.PermitLease;
import java.time.Duration;

/**
 * A permit lease: one hold of the standard front plus the number of permits it still holds.
 * The count is written by the owner thread only. Thread-safe for the query methods.
 */
final class PermitLeaseView implements PermitLease {
    private final CoordinatingLockClient client;
    private final Hold hold;
    private final LeaseView view;
    private final String name;
    private volatile int permits;

    PermitLeaseView(CoordinatingLockClient client, Hold hold, String name, int permits) {
        this.client = client;
        this.hold = hold;
        this.view = new LeaseView(hold);
        this.name = name;
        this.permits = permits;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int permits() {
        return permits;
    }

    @Override
    public long fencingToken() {
        return hold.grant.fencingToken();
    }

    @Override
    public boolean isValid() {
        return permits > 0 && view.isValid();
    }

    @Override
    public Duration remaining() {
        return permits > 0 ? view.remaining() : Duration.ZERO;
    }

    @Override
    public Lease onLost(LeaseLostListener listener) {
        view.onLost(listener);
        return this;
    }

    private void checkOwner() {
        if (Thread.currentThread() != hold.owner) {
            throw new IllegalMonitorStateException("permits of '" + name
                    + "' must be released by the thread that acquired them (" + hold.owner.getName() + ")");
        }
    }

    @Override
    public void release(int n) {
        checkOwner();
        int held = permits;
        if (n < 1 || n > held) {
            throw new IllegalArgumentException("n must be from 1 to the " + held + " permits this lease holds, was " + n);
        }
        if (n == held) {
            close();
            return;
        }
        if (hold.isValidAt(client.standard().clock().nanoTime())) {
            Boolean ok = client.await(
                    client.router().semaphores().releasePermits(CoordinationRouter.toBackend(hold), n),
                    "release " + n + " permits of '" + name + "'");
            if (Boolean.TRUE.equals(ok)) {
                permits = held - n;
                return;
            }
            hold.markLost(LossReason.RELEASE_REJECTED, null);
        }
        // Lost or run out: end the lease; closing reports the loss.
        close();
    }

    @Override
    public void close() {
        checkOwner();
        if (permits == 0) {
            return;
        }
        permits = 0;
        client.untrack(name, this);
        try {
            view.close();
        } catch (LockLostException e) {
            throw new LockLostException(name, e.reason(), e.getCause());
        }
    }

    @Override
    public String toString() {
        return "PermitLease[" + name + ", permits=" + permits + ", token=" + fencingToken() + "]";
    }
}

package dev.distlock.internal;

import dev.distlock.LockClock;
import dev.distlock.LossReason;
import dev.distlock.spi.LockDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog: one thread per client that renews watched leases and notices leases that ran
 * out.
 *
 * <p>Every live hold has exactly one entry in a tree ordered by due time; rescheduling and
 * release remove the old entry, so released holds cost nothing later. When the head falls due, the
 * renewer takes every entry due within a batching window, so renewals that fall due together go
 * to the driver in one {@link LockDriver#renewAll} call. While a renewal is in flight the
 * hold's entry sits at the end of its lease, so a renewal that never answers still ends in a
 * reported loss. Fixed leases have a single entry at their end.
 *
 * <p>Time is read from the client's {@link LockClock}; a clock that jumps wakes the thread.
 */
final class LeaseRenewer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);
    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** A position in the tree: due time (compared wrap-safe, as nanoTime readings), then sequence. */
    record Entry(long due, long seq) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final LockDriver driver;
    private final LockClock clock;
    private final long intervalNanos;
    private final long windowNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeMap<Entry, Hold> queue = new TreeMap<>();
    private long seq;
    /** Clock reading at which the renewer thread looks at the queue next; guarded by {@code lock}. */
    private long wakeAt;
    private final Thread thread;
    private volatile boolean closed;

    LeaseRenewer(String clientId, LockDriver driver, LockClock clock, long intervalNanos) {
        this.driver = driver;
        this.clock = clock;
        this.intervalNanos = intervalNanos;
        this.windowNanos = Math.min(intervalNanos / 4, TimeUnit.SECONDS.toNanos(1));
        this.thread = new Thread(this::run, "distlock-renewer-" + clientId);
        this.thread.setDaemon(true);
        clock.onJump(this::wake);
        this.thread.start();
    }

    /** Starts watching a new hold. */
    void register(Hold hold) {
        if (hold.fixed) {
            schedule(hold, hold.validUntilNanos);
        } else {
            hold.nextRenewalNanos = hold.grant.leaseStartNanos() + intervalNanos;
            schedule(hold, hold.nextRenewalNanos);
        }
    }

    private void schedule(Hold hold, long due) {
        lock.lock();
        try {
            if (hold.released || hold.loss() != null) {
                return;
            }
            if (hold.timerEntry != null) {
                queue.remove(hold.timerEntry);
            }
            Entry e = new Entry(due, seq++);
            hold.timerEntry = e;
            queue.put(e, hold);
            // Wake the thread only if it would otherwise look too late: a renewal may wait up to a
            // window (it then shares a batch), an expiry must not. Most new holds are due an
            // interval from now, after the thread's next look, and cost no wake-up.
            long slack = !hold.fixed && due == hold.nextRenewalNanos ? windowNanos : 0;
            if (due - (wakeAt - slack) < 0) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops watching a hold (released or lost). */
    void cancel(Hold hold) {
        lock.lock();
        try {
            if (hold.timerEntry != null) {
                queue.remove(hold.timerEntry);
                hold.timerEntry = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The number of holds being watched, for tests. */
    int watched() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        lock.lock();
        try {
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<Hold> due = new ArrayList<>();
        while (!closed) {
            lock.lock();
            try {
                Map.Entry<Entry, Hold> head = queue.firstEntry();
                long now = clock.nanoTime();
                if (head == null) {
                    // Idle: look again after an interval, so that holds taken meanwhile (due an
                    // interval after they were taken) need not wake this thread.
                    wakeAt = now + intervalNanos;
                    changed.awaitNanos(intervalNanos);
                    continue;
                }
                long wait = head.getKey().due - now;
                if (wait > 0) {
                    // Wait for the head itself: renewals due up to a window after it then go along
                    // (waking a window early would batch only what is due before the head).
                    wakeAt = head.getKey().due;
                    changed.awaitNanos(wait);
                    continue;
                }
                wakeAt = now;
                // Take the head and everything else that falls due within the window.
                while (!queue.isEmpty()) {
                    Map.Entry<Entry, Hold> e = queue.firstEntry();
                    if (e.getKey().due - now > 0 && !isRenewalWithinWindow(e.getKey(), e.getValue(), now)) {
                        break;
                    }
                    queue.pollFirstEntry();
                    e.getValue().timerEntry = null;
                    due.add(e.getValue());
                }
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                continue;
            } finally {
                lock.unlock();
            }
            try {
                process(due);
            } catch (RuntimeException e) {
                log.error("lease renewer failed on a batch of {} holds", due.size(), e);
            }
            due.clear();
        }
    }

    /** Renewals may go early by up to the window, so that close due times share one batch. */
    private boolean isRenewalWithinWindow(Entry e, Hold h, long now) {
        return isRenewal(e, h) && e.due - now <= windowNanos;
    }

    private static boolean isRenewal(Entry e, Hold h) {
        return !h.fixed && !h.renewalInFlight.get() && e.due == h.nextRenewalNanos;
    }

    private void process(List<Hold> due) {
        long now = clock.nanoTime();
        List<Hold> renew = new ArrayList<>();
        for (Hold h : due) {
            if (h.released || h.loss() != null) {
                continue;
            }
            if (now - h.validUntilNanos >= 0) {
                h.markLost(h.fixed || h.lastRenewalFailure == null ? LossReason.EXPIRED : LossReason.RENEWAL_FAILED,
                        h.lastRenewalFailure);
            } else if (h.fixed || h.renewalInFlight.get()) {
                schedule(h, h.validUntilNanos);
            } else if (h.nextRenewalNanos - now <= windowNanos) {
                renew.add(h);
            } else {
                schedule(h, h.nextRenewalNanos);
            }
        }
        if (renew.isEmpty()) {
            return;
        }
        long sentAt = clock.nanoTime();
        for (Hold h : renew) {
            h.renewalInFlight.set(true);
            schedule(h, h.validUntilNanos);
        }
        List<CompletableFuture<Boolean>> results;
        try {
            results = driver.renewAll(renew);
        } catch (RuntimeException e) {
            for (Hold h : renew) {
                onRenewed(h, sentAt, null, e);
            }
            return;
        }
        for (int i = 0; i < renew.size(); i++) {
            Hold h = renew.get(i);
            results.get(i).whenComplete((ok, err) -> onRenewed(h, sentAt, ok, err));
        }
    }

    private void onRenewed(Hold h, long sentAt, Boolean ok, Throwable err) {
        h.renewalInFlight.set(false);
        if (h.released || h.loss() != null) {
            return;
        }
        if (err == null && Boolean.TRUE.equals(ok)) {
            long until = sentAt + h.leaseNanos - driver.driftNanos(h.leaseNanos);
            if (until - h.validUntilNanos > 0) {
                h.validUntilNanos = until;
            }
            h.lastRenewalFailure = null;
            h.nextRenewalNanos = sentAt + intervalNanos;
            schedule(h, h.nextRenewalNanos);
        } else if (err == null) {
            h.markLost(LossReason.RENEWAL_REJECTED, null);
        } else {
            Throwable cause = StandardLockClient.unwrap(err);
            h.lastRenewalFailure = cause;
            long now = clock.nanoTime();
            long left = h.validUntilNanos - now;
            if (left <= 0) {
                h.markLost(LossReason.RENEWAL_FAILED, cause);
                return;
            }
            log.debug("renewal of lock '{}' failed, retrying; {} ms of lease left", h.name,
                    TimeUnit.NANOSECONDS.toMillis(left), cause);
            long retry = Math.max(MIN_RETRY_NANOS, Math.min(intervalNanos, left / 3));
            h.nextRenewalNanos = now + retry;
            schedule(h, Math.min(h.nextRenewalNanos, h.validUntilNanos));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.distlock.internal;

import dev.distlock.LeaderElection;
import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LeadershipListener;
import dev.distlock.LockException;
import dev.distlock.LockInterruptedException;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election as a recipe over a {@link Mutex}: the leader is whoever holds the group's
 * term (a hold of kind {@link HoldKind#ELECTION}), with a watchdog lease; the term's token is
 * that hold's fencing token. The term lives in the backend's reserved election space when its
 * driver is an {@link dev.distlock.spi.ElectionDriver} (so no lock name can reach it), and
 * otherwise is the driver's mutex under the name {@code group U+001F election}. It is therefore exactly as sound as the backend's mutex (one leader at a time
 * while leases are valid, tokens that only grow), waits as the mutex waits (pub/sub on Redis,
 * a predecessor watch on ZooKeeper), and is reported lost as a mutex hold is.
 *
 * <p>Each joined participant has one daemon thread: it waits for the mutex, tells listeners of
 * the gain, waits until the hold is lost or the participant resigns, gives the mutex back, tells
 * listeners of the loss, and competes again after a loss. {@link #resign()} interrupts the thread
 * only while it waits for the mutex (an interrupted wait leaves nothing behind), never while it
 * releases. Thread-safe.
 */
final class MutexLeaderElection implements LeaderElection {
    private static final Logger log = LoggerFactory.getLogger(MutexLeaderElection.class);
    private static final Duration FOREVER = Duration.ofDays(36_500);
    private static final long BACKOFF_MILLIS = 500;

    private final CoordinatingLockClient client;
    private final String group;
    private final Mutex mutex;
    private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
    private final Object monitor = new Object();
    /** The participant's thread while joined; guarded by {@code monitor}. */
    private Thread worker;
    /** Whether the worker waits for the mutex (and may be interrupted); guarded by {@code monitor}. */
    private boolean waiting;
    private boolean resignRequested;
    private boolean closed;
    private volatile Lease lease;
    private volatile long term;

    MutexLeaderElection(CoordinatingLockClient client, String group) {
        this.client = client;
        this.group = group;
        CoordinationRouter router = client.router();
        if (router != null && router.elections() != null) {
            CoordinationRouter.Intent intent = new CoordinationRouter.Intent(CoordinationRouter.Kind.ELECTION, group, "",
                    1, 1);
            this.mutex = new StandardMutex(client.standard(), group, HoldKind.ELECTION, r -> router.acquire(r, intent));
        } else {
            this.mutex = new StandardMutex(client.standard(), group, HoldKind.ELECTION);
        }
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public void join() {
        synchronized (monitor) {
            if (closed) {
                throw new IllegalStateException("leader election participant of '" + group + "' is closed");
            }
            client.standard().ensureOpen();
            if (worker != null) {
                if (!resignRequested) {
                    return;
                }
                // Still leaving after a resign: wait for it, then join afresh.
                awaitWorkerExit();
            }
            resignRequested = false;
            Thread t = new Thread(this::run, "distlock-election-" + group);
            t.setDaemon(true);
            worker = t;
            t.start();
        }
    }

    private void awaitWorkerExit() {
        boolean interrupted = false;
        while (worker != null) {
            try {
                monitor.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                synchronized (monitor) {
                    if (resignRequested || closed) {
                        return;
                    }
                    waiting = true;
                }
                Lease l;
                try {
                    l = mutex.acquire(FOREVER);
                } catch (LockInterruptedException e) {
                    Thread.interrupted();
                    continue;
                } catch (IllegalStateException e) {
                    return; // the client is closed
                } catch (LockException e) {
                    log.warn("leader election '{}': could not compete, trying again in {} ms", group, BACKOFF_MILLIS, e);
                    backOff();
                    continue;
                } finally {
                    synchronized (monitor) {
                        waiting = false;
                    }
                }
                serveTerm(l);
            }
        } finally {
            synchronized (monitor) {
                worker = null;
                monitor.notifyAll();
            }
        }
    }

    private void backOff() {
        synchronized (monitor) {
            if (resignRequested || closed) {
                return;
            }
            try {
                monitor.wait(BACKOFF_MILLIS);
            } catch (InterruptedException e) {
                // resign() woke us: the loop looks at the flags
            }
        }
    }

    /** Leads until the hold is lost or the participant resigns, then gives the mutex back. */
    private void serveTerm(Lease l) {
        long t = l.fencingToken();
        AtomicReference<LeaseLostEvent> lost = new AtomicReference<>();
        l.onLost(e -> {
            lost.set(e);
            synchronized (monitor) {
                monitor.notifyAll();
            }
        });
        synchronized (monitor) {
            term = t;
            lease = l;
            monitor.notifyAll();
        }
        for (LeadershipListener listener : listeners) {
            try {
                listener.leadershipGained(this, t);
            } catch (RuntimeException e) {
                log.error("leadership listener {} failed on gain of '{}'", listener, group, e);
            }
        }
        synchronized (monitor) {
            while (lost.get() == null && !resignRequested && !closed) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    // only resign() or close() interrupt, and they set a flag first
                }
            }
            lease = null;
        }
        Thread.interrupted(); // no interrupt may reach the release below (see resign())
        LeaseLostEvent event = lost.get();
        LossReason reason = event == null ? null : event.reason();
        try {
            l.close();
        } catch (LockLostException e) {
            if (reason == null) {
                reason = e.reason();
            }
        } catch (RuntimeException e) {
            log.warn("leader election '{}': could not give back term {}; its lease will run out", group, t, e);
        }
        for (LeadershipListener listener : listeners) {
            try {
                listener.leadershipLost(this, t, reason);
            } catch (RuntimeException e) {
                log.error("leadership listener {} failed on loss of '{}'", listener, group, e);
            }
        }
    }

    @Override
    public boolean awaitLeadership(Duration wait) throws InterruptedException {
        long waitNanos = Args.waitNanos(wait);
        long start = System.nanoTime();
        synchronized (monitor) {
            while (!isLeader()) {
                if (waitNanos == dev.distlock.spi.AcquireRequest.FOREVER) {
                    monitor.wait();
                    continue;
                }
                long left = waitNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
            return true;
        }
    }

    @Override
    public boolean isLeader() {
        Lease l = lease;
        return l != null && l.isValid();
    }

    @Override
    public long term() {
        if (!isLeader()) {
            throw new IllegalStateException("this participant of '" + group + "' is not leader");
        }
        return term;
    }

    @Override
    public void resign() {
        Thread w;
        synchronized (monitor) {
            w = worker;
            if (w == null) {
                return;
            }
            resignRequested = true;
            if (waiting) {
                w.interrupt();
            }
            monitor.notifyAll();
            if (w == Thread.currentThread()) {
                return; // called by a listener: the thread leaves when the listener returns
            }
        }
        long bound = client.config().commandTimeout().toMillis() + 1000;
        try {
            w.join(bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void addListener(LeadershipListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        listeners.add(listener);
    }

    @Override
    public void removeListener(LeadershipListener listener) {
        listeners.remove(listener);
    }

    /**
     * The client is closing: resign (giving the mutex back while the connection is still open)
     * and stop for good.
     */
    void stopForClose() {
        resign();
        synchronized (monitor) {
            closed = true;
            monitor.notifyAll();
        }
    }

    @Override
    public void close() {
        resign();
        synchronized (monitor) {
            closed = true;
        }
        client.forget(this);
    }

    @Override
    public String toString() {
        return "LeaderElection[" + group + ", leader=" + isLeader() + "]";
    }
}

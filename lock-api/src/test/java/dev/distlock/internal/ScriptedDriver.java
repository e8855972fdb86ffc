package dev.distlock.internal;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClock;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** A driver whose answers the test decides; records what the client asked. */
final class ScriptedDriver implements LockDriver {
    enum RenewAnswer { OK, REJECT, FAIL, HANG }

    private final LockClock clock;
    private final AtomicLong tokens = new AtomicLong(100);
    volatile RenewAnswer renewAnswer = RenewAnswer.OK;
    volatile Function<AcquireRequest, CompletableFuture<Grant>> acquireBehaviour;
    volatile CompletableFuture<Boolean> releaseAnswer;
    final List<Integer> renewBatches = new CopyOnWriteArrayList<>();
    final List<HeldLock> released = new CopyOnWriteArrayList<>();
    final AtomicLong renewCalls = new AtomicLong();

    ScriptedDriver(LockClock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Grant> acquire(AcquireRequest request) {
        Function<AcquireRequest, CompletableFuture<Grant>> b = acquireBehaviour;
        if (b != null) {
            return b.apply(request);
        }
        return CompletableFuture.completedFuture(grant());
    }

    Grant grant() {
        return new Grant(tokens.incrementAndGet(), clock.nanoTime(), null);
    }

    @Override
    public CompletableFuture<Boolean> renew(HeldLock lock) {
        renewCalls.incrementAndGet();
        switch (renewAnswer) {
            case OK:
                return CompletableFuture.completedFuture(true);
            case REJECT:
                return CompletableFuture.completedFuture(false);
            case FAIL:
                return CompletableFuture.failedFuture(new BackendUnavailableException("store down", null));
            default:
                return new CompletableFuture<>();
        }
    }

    @Override
    public List<CompletableFuture<Boolean>> renewAll(List<? extends HeldLock> locks) {
        renewBatches.add(locks.size());
        List<CompletableFuture<Boolean>> out = new ArrayList<>();
        for (HeldLock l : locks) {
            out.add(renew(l));
        }
        return out;
    }

    @Override
    public CompletableFuture<Boolean> release(HeldLock lock) {
        released.add(lock);
        CompletableFuture<Boolean> answer = releaseAnswer;
        return answer != null ? answer : CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> isLocked(String name) {
        return CompletableFuture.completedFuture(false);
    }

    @Override
    public void close() {
    }
}

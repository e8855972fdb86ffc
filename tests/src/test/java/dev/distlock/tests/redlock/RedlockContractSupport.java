package dev.distlock.tests.redlock;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.tests.contract.MutexContract;

/**
 * The contract suite on Redlock: a lease is broken by deleting the lock key on every node (a
 * majority must have had it), and leftovers are the subscribers of the wake-up channels (the clients' own ones included) on all nodes.
 */
abstract class RedlockContractSupport extends MutexContract {
    /** The nodes under test. */
    protected abstract RedlockNodes nodes();

    /**
     * Returns the URI parameters of the suite's clients.
     *
     * @return per-node timeouts generous enough for a loaded machine
     */
    protected String params() {
        return "nodeTimeout=400ms&attemptFraction=0.4";
    }

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect(nodes().uri(params()), config);
    }

    @Override
    protected void breakLease(String name) {
        RedlockNodes n = nodes();
        long deleted = n.sum(i -> n.del(i, RedlockNodes.LAYOUT.lockKey(name)));
        if (deleted < n.size() / 2 + 1) {
            throw new AssertionError("lock " + name + " was held on only " + deleted + " nodes");
        }
    }

    @Override
    protected int leftovers(String name) {
        RedlockNodes n = nodes();
        return Math.toIntExact(n.sum(i -> n.wakeSubscribers(i, RedlockNodes.LAYOUT.channel(name))));
    }
}

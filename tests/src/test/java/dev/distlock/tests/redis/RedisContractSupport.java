package dev.distlock.tests.redis;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.tests.contract.MutexContract;
import java.util.List;
import java.util.function.Function;

/**
 * The contract suite on a Redis topology: clients connect by URI, a lease is broken by deleting
 * the lock key on the server, and leftovers are the subscribers of the lock's wake-up channel.
 */
abstract class RedisContractSupport extends MutexContract {
    /** The key layout of the default prefix, which the suite's clients use. */
    static final RedisKeyLayout LAYOUT = RedisKeyLayout.defaults();

    /**
     * Returns the URI of the servers under test.
     *
     * @return the URI
     */
    protected abstract String uri();

    /**
     * Deletes a key on the server that owns it.
     *
     * @param key the key
     * @return how many keys were deleted
     */
    protected abstract long del(String key);

    /**
     * Counts the subscribers of the channels matching a glob pattern on every server that could
     * carry them (each client waits on a channel of its own per lock).
     *
     * @param pattern the channel pattern, for {@code PUBSUB CHANNELS}
     * @return the number of subscriptions
     */
    protected abstract long subscribers(String pattern);

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect(uri(), config);
    }

    @Override
    protected void breakLease(String name) {
        if (del(LAYOUT.lockKey(name)) != 1) {
            throw new AssertionError("lock " + name + " was not held on the server");
        }
    }

    @Override
    protected int leftovers(String name) {
        return Math.toIntExact(subscribers(LAYOUT.channel(name) + ":*"));
    }

    /**
     * Counts the subscribers of the channels matching {@code pattern} on one server.
     *
     * @param call runs one command on the server and returns its reply
     * @param pattern the channel pattern
     * @return the sum of {@code PUBSUB NUMSUB} over {@code PUBSUB CHANNELS pattern}
     */
    static long subscribersMatching(Function<String[], Object> call, String pattern) {
        List<?> channels = (List<?>) call.apply(new String[] {"PUBSUB", "CHANNELS", pattern});
        if (channels == null || channels.isEmpty()) {
            return 0;
        }
        String[] cmd = new String[channels.size() + 2];
        cmd[0] = "PUBSUB";
        cmd[1] = "NUMSUB";
        for (int i = 0; i < channels.size(); i++) {
            Object c = channels.get(i);
            cmd[i + 2] = c instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(c);
        }
        List<?> reply = (List<?>) call.apply(cmd);
        long n = 0;
        for (int i = 1; i < reply.size(); i += 2) {
            n += ((Number) reply.get(i)).longValue();
        }
        return n;
    }

    /** Reads {@code PUBSUB NUMSUB channel}'s count from a reply {@code [channel, count]}. */
    static long numsub(Object reply) {
        java.util.List<?> list = (java.util.List<?>) reply;
        return ((Number) list.get(1)).longValue();
    }

    /**
     * Counts the subscribers of {@code name}'s read-write and semaphore wake-up channels: what a
     * coordination primitive must not leave behind.
     *
     * @param name the primitive's name
     * @param call runs one command on the server and returns its reply
     * @return the number of subscriptions
     */
    static int coordinationSubscribers(String name, Function<String[], Object> call) {
        String key = LAYOUT.lockKey(name);
        List<?> reply = (List<?>) call.apply(new String[] {"PUBSUB", "NUMSUB", key + ":rw:wake", key + ":sem:wake"});
        return ((Number) reply.get(1)).intValue() + ((Number) reply.get(3)).intValue();
    }
}

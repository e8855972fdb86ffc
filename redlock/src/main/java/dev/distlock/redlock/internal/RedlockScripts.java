package dev.distlock.redlock.internal;

import dev.distlock.redis.internal.RedisScript;
import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts Redlock needs beyond redis-lock's {@code HANDOFF}, {@code DEQUEUE} and
 * {@code RENEW} (which it reuses: same lock and queue keys, compare-and-delete with a wake-up for
 * the queue's head, leaving the queue, batched compare-and-PEXPIRE). Each runs atomically on one
 * node. Not part of the API.
 */
final class RedlockScripts {
    private RedlockScripts() {
    }

    /**
     * Acquire on one node with a value chosen by the client (the same on every node), bump the
     * node's fencing counter, and keep the client's place in the node's queue of waiting clients
     * (redis-lock's queue key {@code P{N}:queue}, here with client ids scored by when their wait
     * began, as the client says), so that a release wakes only the head of each node's queue.
     *
     * <p>KEYS[1] lock key, KEYS[2] fence key, KEYS[3] queue key; ARGV[1] the owner value, ARGV[2]
     * lease in ms, ARGV[3] fence retention in ms ({@code 0}: for ever), ARGV[4] the floor: the
     * client's wall clock in microseconds, the same on every node of one attempt, ARGV[5] the
     * client id, ARGV[6] the queue mode ({@code 0}: leave the queue alone, a single try;
     * {@code 1}: a wait's first attempt, on failure put the client at the back of the queue;
     * {@code 2}: a later attempt, the same on failure and on success take it out),
     * ARGV[7] how long (ms) the queue key outlives this attempt, ARGV[8] the client's place: the
     * wall-clock time (µs) its wait began, the same on every node ({@code ZADD NX}: a later
     * failed attempt keeps the entry and its place). Because the client chooses the score, every
     * node orders the same clients the same way, so the heads of the nodes' queues agree and a
     * release wakes one client everywhere instead of a different one per node (who would split
     * the vote). On
     * success the counter becomes {@code last + 1}, or the floor if the node has none (first use,
     * data loss, expiry), so that fresh counters start equal on every node; it is returned
     * ({@code > 0}). Otherwise the reply is {@code -1 - remaining TTL in ms}, or {@code 0} if the
     * lock has no TTL.
     */
    static final RedisScript ACQUIRE = RedisScript.of("redlock-acquire", """
            if redis.replicate_commands then redis.replicate_commands() end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              local last = tonumber(redis.call('GET', KEYS[2]))
              local token
              if last then
                token = last + 1
              else
                token = tonumber(ARGV[4])
              end
              local t = string.format('%.0f', token)
              if ARGV[3] == '0' then
                redis.call('SET', KEYS[2], t)
              else
                redis.call('SET', KEYS[2], t, 'PX', ARGV[3])
              end
              if ARGV[6] == '2' then redis.call('ZREM', KEYS[3], ARGV[5]) end
              return token
            end
            if ARGV[6] ~= '0' then
              redis.call('ZADD', KEYS[3], 'NX', ARGV[8], ARGV[5])
              redis.call('PEXPIRE', KEYS[3], ARGV[7])
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then return 0 end
            return -1 - ttl
            """, ScriptOutputType.INTEGER);

    /**
     * Write-back of a fencing token: set the counter to the token if it is lower (or absent).
     *
     * <p>KEYS[1] fence key; ARGV[1] the token, ARGV[2] retention in ms ({@code 0}: for ever).
     * Reply: 1 (the counter is now at least the token).
     */
    static final RedisScript RAISE_FENCE = RedisScript.of("redlock-raise-fence", """
            local last = tonumber(redis.call('GET', KEYS[1]))
            if last == nil or last < tonumber(ARGV[1]) then
              if ARGV[2] == '0' then
                redis.call('SET', KEYS[1], ARGV[1])
              else
                redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              end
            end
            return 1
            """, ScriptOutputType.INTEGER);

    /**
     * Compare-and-delete without a wake-up message: used to undo a failed attempt, so that
     * contenders undoing split votes do not wake each other in a loop.
     *
     * <p>KEYS[1] lock key; ARGV[1] the owner value. Reply: 1 if deleted, else 0.
     */
    static final RedisScript UNDO = RedisScript.of("redlock-undo", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);
}

package dev.distlock.redis.internal;

/**
 * What the Redis driver needs to renew or release a hold; the {@link dev.distlock.spi.Grant}
 * handle.
 *
 * @param lockKey the lock's key
 * @param value what the acquire script wrote: {@code <owner id>#<fencing token>}
 */
record RedisHold(String lockKey, String value) {
}

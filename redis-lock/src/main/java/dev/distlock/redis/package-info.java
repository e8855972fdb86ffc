/**
 * The Redis backend: {@code redis://}, {@code rediss://}, {@code redis-sentinel://} and
 * {@code redis-cluster://} lock clients on Lettuce. Connect with
 * {@link dev.distlock.LockClients#connect(String)} or, for Redis-specific options,
 * {@link dev.distlock.redis.RedisLocks#connect}. Keys and channels are described by
 * {@link dev.distlock.redis.RedisKeyLayout}; the design (scripts, failures, fencing) is in the
 * module's README.
 */
package dev.distlock.redis;

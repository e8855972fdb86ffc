package dev.distlock.embedded.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.embedded.RedisProcess;

/** Lettuce and Redisson against Debian's redis-server: proves the client tests themselves. */
class RealRedisClientsIT extends RedisClientsSuite {
    @Override
    protected RedisConformanceSuite.Target start(String password) {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed: the real-Redis half of the client suite is skipped");
        RedisProcess.Builder b = RedisProcess.builder();
        if (password != null) {
            b.requirePass(password);
        }
        RedisProcess p = b.build().start();
        return new RedisConformanceSuite.Target() {
            @Override
            public int port() {
                return p.port();
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }
}

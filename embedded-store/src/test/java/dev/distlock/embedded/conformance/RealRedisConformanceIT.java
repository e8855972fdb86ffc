package dev.distlock.embedded.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.embedded.RedisProcess;

/** The conformance suite against Debian's redis-server: proves the expected replies are Redis's. */
class RealRedisConformanceIT extends RedisConformanceSuite {
    @Override
    protected Target start(String password) {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed: the real-Redis half of the conformance suite is skipped");
        RedisProcess.Builder b = RedisProcess.builder();
        if (password != null) {
            b.requirePass(password);
        }
        RedisProcess p = b.build().start();
        return new Target() {
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

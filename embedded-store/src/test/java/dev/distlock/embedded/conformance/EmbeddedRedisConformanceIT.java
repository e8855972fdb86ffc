package dev.distlock.embedded.conformance;

import dev.distlock.embedded.EmbeddedRedisServer;

/** The conformance suite against {@link EmbeddedRedisServer}. */
class EmbeddedRedisConformanceIT extends RedisConformanceSuite {
    @Override
    protected Target start(String password) {
        EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder().port(0);
        if (password != null) {
            b.requirePass(password);
        }
        EmbeddedRedisServer s = b.build().start();
        return new Target() {
            @Override
            public int port() {
                return s.port();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }
}

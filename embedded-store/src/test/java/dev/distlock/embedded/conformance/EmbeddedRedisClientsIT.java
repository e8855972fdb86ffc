package dev.distlock.embedded.conformance;

import dev.distlock.embedded.EmbeddedRedisServer;

/** Lettuce (RESP3 and RESP2) and Redisson, unmodified, against {@link EmbeddedRedisServer}. */
class EmbeddedRedisClientsIT extends RedisClientsSuite {
    @Override
    protected RedisConformanceSuite.Target start(String password) {
        EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder().port(0);
        if (password != null) {
            b.requirePass(password);
        }
        EmbeddedRedisServer s = b.build().start();
        return new RedisConformanceSuite.Target() {
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

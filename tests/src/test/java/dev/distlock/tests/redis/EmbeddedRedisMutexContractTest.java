package dev.distlock.tests.redis;

import dev.distlock.embedded.EmbeddedRedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite on the in-process {@link EmbeddedRedisServer}: no binary, no Docker. */
class EmbeddedRedisMutexContractTest extends RedisContractSupport {
    private static EmbeddedRedisServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedRedisServer.builder().port(0).build().start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String uri() {
        return server.uri();
    }

    @Override
    protected long del(String key) {
        return (Long) MiniResp.call(server.host(), server.port(), "DEL", key);
    }

    @Override
    protected long subscribers(String pattern) {
        return subscribersMatching(args -> MiniResp.call(server.host(), server.port(), args), pattern);
    }
}

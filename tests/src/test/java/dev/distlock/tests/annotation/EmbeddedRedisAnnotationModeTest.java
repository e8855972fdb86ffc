package dev.distlock.tests.annotation;

import dev.distlock.embedded.EmbeddedRedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@code @DistributedLock(mode = READ / WRITE)} on the embedded Redis server through {@code redis://}. */
class EmbeddedRedisAnnotationModeTest extends AnnotationModeContract {
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
}

package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static dev.distlock.embedded.RawRedis.bulks;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pub/sub in RESP2 (arrays, restricted context) and RESP3 (push frames). */
class PubSubTest {
    static EmbeddedRedisServer server;

    @BeforeAll
    static void start() {
        server = EmbeddedRedisServer.builder().build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void resp2SubscribersGetArraysAndOnlyPubSubCommands() {
        try (RawRedis sub = new RawRedis(server); RawRedis pub = new RawRedis(server)) {
            sub.send("SUBSCRIBE", "a", "b");
            assertThat(sub.read()).isEqualTo("*3\r\n" + bulk("subscribe") + bulk("a") + ":1\r\n");
            assertThat(sub.read()).isEqualTo("*3\r\n" + bulk("subscribe") + bulk("b") + ":2\r\n");
            assertThat(sub.call("GET", "x")).isEqualTo("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
                    + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
            assertThat(sub.call("PING")).isEqualTo(bulks("pong", ""));
            assertThat(pub.call("PUBLISH", "a", "hello")).isEqualTo(":1\r\n");
            assertThat(sub.read()).isEqualTo(bulks("message", "a", "hello"));
            assertThat(pub.call("PUBSUB", "NUMSUB", "a", "c")).isEqualTo("*4\r\n" + bulk("a") + ":1\r\n" + bulk("c") + ":0\r\n");
            assertThat(pub.call("PUBSUB", "CHANNELS", "a*")).isEqualTo(bulks("a"));
            sub.send("PSUBSCRIBE", "b*");
            assertThat(sub.read()).isEqualTo("*3\r\n" + bulk("psubscribe") + bulk("b*") + ":3\r\n");
            assertThat(pub.call("PUBSUB", "NUMPAT")).isEqualTo(":1\r\n");
            assertThat(pub.call("PUBLISH", "b", "m")).isEqualTo(":2\r\n");
            assertThat(sub.read()).isEqualTo(bulks("message", "b", "m"));
            assertThat(sub.read()).isEqualTo(bulks("pmessage", "b*", "b", "m"));
            sub.send("UNSUBSCRIBE");
            assertThat(sub.read()).isEqualTo("*3\r\n" + bulk("unsubscribe") + bulk("a") + ":2\r\n");
            assertThat(sub.read()).isEqualTo("*3\r\n" + bulk("unsubscribe") + bulk("b") + ":1\r\n");
            sub.send("PUNSUBSCRIBE");
            assertThat(sub.read()).isEqualTo("*3\r\n" + bulk("punsubscribe") + bulk("b*") + ":0\r\n");
            assertThat(sub.call("UNSUBSCRIBE")).isEqualTo("*3\r\n" + bulk("unsubscribe") + "$-1\r\n:0\r\n");
            assertThat(sub.call("GET", "x")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void resp3SubscribersGetPushFramesAndKeepAllCommands() {
        try (RawRedis sub = new RawRedis(server); RawRedis pub = new RawRedis(server)) {
            sub.call("HELLO", "3");
            sub.send("SUBSCRIBE", "a");
            assertThat(sub.read()).isEqualTo(">3\r\n" + bulk("subscribe") + bulk("a") + ":1\r\n");
            assertThat(sub.call("GET", "x")).isEqualTo("_\r\n");
            assertThat(sub.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(pub.call("PUBLISH", "a", "m")).isEqualTo(":1\r\n");
            assertThat(sub.read()).isEqualTo(">3\r\n" + bulk("message") + bulk("a") + bulk("m"));
            // a publisher subscribed to its own channel gets the push before the reply
            sub.send("PUBLISH", "a", "self");
            assertThat(sub.read()).isEqualTo(">3\r\n" + bulk("message") + bulk("a") + bulk("self"));
            assertThat(sub.read()).isEqualTo(":1\r\n");
            sub.send("PSUBSCRIBE", "a*");
            assertThat(sub.read()).isEqualTo(">3\r\n" + bulk("psubscribe") + bulk("a*") + ":2\r\n");
            pub.call("PUBLISH", "ab", "p");
            assertThat(sub.read()).isEqualTo(">4\r\n" + bulk("pmessage") + bulk("a*") + bulk("ab") + bulk("p"));
        }
    }

    @Test
    void disconnectingUnsubscribes() throws Exception {
        try (RawRedis pub = new RawRedis(server)) {
            RawRedis sub = new RawRedis(server);
            sub.call("SUBSCRIBE", "gone");
            sub.close();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> pub.call("PUBLISH", "gone", "x").equals(":0\r\n"));
        }
    }
}

package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** requirepass, ACL users, AUTH and HELLO AUTH. */
class AuthTest {
    static EmbeddedRedisServer server;

    @BeforeAll
    static void start() {
        server = EmbeddedRedisServer.builder().requirePass("s3cret").user("alice", "pw").build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void commandsNeedAuthentication() {
        try (RawRedis r = new RawRedis(server)) {
            assertThat(r.call("GET", "a")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(r.call("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(r.call("HELLO", "3")).startsWith("-NOAUTH HELLO must be called with the client already authenticated");
            assertThat(r.call("AUTH", "bad")).isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(r.call("AUTH", "alice", "bad")).isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(r.call("AUTH", "s3cret")).isEqualTo("+OK\r\n");
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(r.call("ACL", "WHOAMI")).isEqualTo(bulk("default"));
        }
    }

    @Test
    void helloAuthenticatesAUserAndSetsTheName() {
        try (RawRedis r = new RawRedis(server)) {
            assertThat(r.call("HELLO", "3", "AUTH", "alice", "pw", "SETNAME", "n1")).startsWith("%7\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(bulk("n1"));
            assertThat(r.call("ACL", "WHOAMI")).isEqualTo(bulk("alice"));
            assertThat(r.call("HELLO", "2", "AUTH", "alice")).isEqualTo("-ERR Syntax error in HELLO option 'AUTH'\r\n");
            assertThat(r.call("QUIT")).isEqualTo("+OK\r\n");
            assertThat(r.closedByServer()).isTrue();
        }
    }

    @Test
    void authWithoutConfiguredPassword() {
        try (EmbeddedRedisServer open = EmbeddedRedisServer.builder().build().start(); RawRedis r = new RawRedis(open)) {
            assertThat(r.call("AUTH", "x")).isEqualTo("-ERR AUTH <password> called without any password configured "
                    + "for the default user. Are you sure your configuration is correct?\r\n");
            assertThat(r.call("AUTH", "default", "anything")).isEqualTo("+OK\r\n");
        }
    }
}

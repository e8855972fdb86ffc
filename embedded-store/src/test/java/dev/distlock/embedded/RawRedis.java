package dev.distlock.embedded;

import dev.distlock.embedded.conformance.RespConnection;
import java.nio.charset.StandardCharsets;

/**
 * A byte-level Redis client for tests: sends commands (as RESP multibulk or raw bytes) and
 * reads back one complete reply as its exact wire text, so tests can compare replies
 * byte for byte (for example {@code "*2\r\n$1\r\na\r\n:1\r\n"}). The wire work is done by the
 * conformance suite's {@link RespConnection}; replies are ISO-8859-1 text (one char per byte).
 */
final class RawRedis implements AutoCloseable {
    private final RespConnection conn;

    RawRedis(int port) {
        conn = new RespConnection(port, StandardCharsets.ISO_8859_1);
    }

    RawRedis(EmbeddedRedisServer server) {
        this(server.port());
    }

    /** Sends one command and returns its reply's wire text. */
    String call(String... args) {
        return conn.call(args);
    }

    /** Sends one command as a RESP multibulk without reading. */
    void send(String... args) {
        conn.send(args);
    }

    /** Sends the characters of {@code bytes} as ISO-8859-1 bytes, as they are. */
    void raw(String bytes) {
        conn.sendRaw(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    void raw(byte[] bytes) {
        conn.sendRaw(bytes);
    }

    /** Reads one complete reply and returns its wire text. */
    String read() {
        return conn.read();
    }

    /** @return true if the server closed the connection (after reading anything pending) */
    boolean closedByServer() {
        return conn.closedByServer(3000);
    }

    /** @return true if the server closed the connection within {@code millis} */
    boolean closedByServer(int millis) {
        return conn.closedByServer(millis);
    }

    /** @return whether no byte arrives within the given time */
    boolean silentFor(int millis) {
        return conn.silentFor(millis);
    }

    @Override
    public void close() {
        conn.close();
    }

    /** Builds the wire text of a bulk string. */
    static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    /** Builds the wire text of an array of bulk strings. */
    static String bulks(String... items) {
        StringBuilder sb = new StringBuilder("*").append(items.length).append("\r\n");
        for (String s : items) {
            sb.append(bulk(s));
        }
        return sb.toString();
    }
}

package dev.distlock.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A byte-level Redis client for tests: sends commands (as RESP multibulk or raw bytes) and
 * reads back one complete reply as its exact wire text, so tests can compare replies
 * byte for byte (for example {@code "*2\r\n$1\r\na\r\n:1\r\n"}).
 */
final class RawRedis implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawRedis(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RawRedis(EmbeddedRedisServer server) {
        this(server.port());
    }

    /** Sends one command and returns its reply's wire text. */
    String call(String... args) {
        send(args);
        return read();
    }

    /** Sends one command as a RESP multibulk without reading. */
    void send(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        raw(sb.toString());
    }

    /** Sends bytes as they are. */
    void raw(String bytes) {
        raw(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    void raw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one complete reply and returns its wire text. */
    String read() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            readValue(buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** @return true if the server closed the connection (after reading anything pending) */
    boolean closedByServer() {
        return closedByServer(3000);
    }

    /** @return true if the server closed the connection within {@code millis} */
    boolean closedByServer(int millis) {
        try {
            socket.setSoTimeout(millis);
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** @return whether no byte arrives within the given time */
    boolean silentFor(int millis) {
        try {
            socket.setSoTimeout(millis);
            in.mark(1);
            int b = in.read();
            in.reset();
            return b == -2;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                socket.setSoTimeout(5000);
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    private String line(ByteArrayOutputStream buf) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after " + buf.toString(StandardCharsets.ISO_8859_1) + sb);
            }
            buf.write(c);
            if (c == '\r') {
                int n = in.read();
                buf.write(n);
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    private void readValue(ByteArrayOutputStream buf) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("connection closed");
        }
        buf.write(type);
        String l = line(buf);
        switch (type) {
            case '+', '-', ':', '_', ',', '#', '(' -> {
            }
            case '$', '=', '!' -> {
                int n = Integer.parseInt(l);
                if (n >= 0) {
                    buf.write(in.readNBytes(n + 2));
                }
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(l);
                for (int i = 0; i < n; i++) {
                    readValue(buf);
                }
            }
            case '%' -> {
                int n = Integer.parseInt(l);
                for (int i = 0; i < 2 * n; i++) {
                    readValue(buf);
                }
            }
            default -> throw new IOException("unexpected type byte " + (char) type + " in " + buf);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
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

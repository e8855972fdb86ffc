package dev.distlock.embedded.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw RESP2/RESP3 test client: sends commands as RESP arrays and returns each reply frame
 * exactly as the server wrote it (type bytes, lengths, CRLFs), so tests can compare reply shapes
 * byte for byte. {@link #decode(String)} turns a frame into Java values for shape checks.
 *
 * <p>Public (for tests only) so that the module's other tests use this one wire client too, through
 * {@code dev.distlock.embedded.RawRedis}.
 */
public final class RespConnection implements AutoCloseable {
    /** An error reply, decoded. */
    record Err(String message) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final java.nio.charset.Charset replyCharset;

    /**
     * Connects to 127.0.0.1; replies are returned as UTF-8 text.
     *
     * @param port the server's port
     */
    RespConnection(int port) {
        this(port, StandardCharsets.UTF_8);
    }

    /**
     * Connects to 127.0.0.1.
     *
     * @param port         the server's port
     * @param replyCharset how {@link #read()} turns reply bytes into text (ISO-8859-1 keeps every byte)
     * @throws UncheckedIOException if the connection fails
     */
    public RespConnection(int port, java.nio.charset.Charset replyCharset) {
        this.replyCharset = replyCharset;
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(5_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to 127.0.0.1:" + port, e);
        }
    }

    /**
     * Sends a command and returns its raw reply frame.
     *
     * @param args the command and its arguments (sent as UTF-8 bulk strings)
     * @return the reply frame as the server wrote it
     * @throws UncheckedIOException on a connection failure or after 5 s without a reply
     */
    public String call(String... args) {
        send(args);
        return read();
    }

    /**
     * Sends a command without reading.
     *
     * @param args the command and its arguments (sent as UTF-8 bulk strings)
     * @throws UncheckedIOException on a connection failure
     */
    public void send(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(bytes);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        sendRaw(b.toByteArray());
    }

    /**
     * Writes bytes as they are (inline commands, malformed input).
     *
     * @param bytes what to write
     * @throws UncheckedIOException on a connection failure
     */
    public void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the next reply frame (waits up to 5 s).
     *
     * @return the frame as the server wrote it
     * @throws UncheckedIOException on a connection failure or a timeout
     */
    public String read() {
        return read(Duration.ofSeconds(5));
    }

    /** Reads the next reply frame, waiting up to {@code timeout}; null if none came. */
    String readOrNull(Duration timeout) {
        try {
            return read(timeout);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                return null;
            }
            throw e;
        }
    }

    private String read(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            frame(raw);
            return raw.toString(replyCharset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the server closed the connection (reads EOF within 2 s). */
    boolean closedByServer() {
        return closedByServer(2_000);
    }

    /**
     * Whether the server closes the connection within {@code millis}: EOF (after anything pending)
     * or a reset.
     *
     * @param millis how long to wait
     * @return true if closed, false if the connection is still open after the wait
     */
    public boolean closedByServer(int millis) {
        try {
            socket.setSoTimeout(millis);
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /**
     * Whether no byte arrives within {@code millis} (a byte that does arrive stays unread).
     *
     * @param millis how long to wait
     * @return true if nothing arrived
     */
    public boolean silentFor(int millis) {
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
                socket.setSoTimeout(5_000);
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    private void frame(ByteArrayOutputStream raw) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("server closed the connection");
        }
        raw.write(type);
        String line = line(raw);
        switch (type) {
            case '+', '-', ':', '_', ',', '#', '(' -> {
            }
            case '$', '!', '=' -> {
                int len = Integer.parseInt(line);
                if (len >= 0) {
                    raw.write(in.readNBytes(len + 2));
                }
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(line);
                for (int i = 0; i < n; i++) {
                    frame(raw);
                }
            }
            case '%', '|' -> {
                int n = Integer.parseInt(line);
                for (int i = 0; i < 2 * n; i++) {
                    frame(raw);
                }
                if (type == '|') { // an attribute precedes the real reply
                    frame(raw);
                }
            }
            default -> throw new IOException("unknown RESP type byte '" + (char) type + "' after " + raw);
        }
    }

    private String line(ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException("server closed the connection mid-frame");
            }
            b.write(c);
        }
        int lf = in.read();
        byte[] bytes = b.toByteArray();
        raw.write(bytes);
        raw.write('\r');
        raw.write(lf);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Closes the socket. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // test cleanup
        }
    }

    /** Builds an expected frame from its lines: {@code frame("*1", "$1", "a")} is {@code "*1\r\n$1\r\na\r\n"}. */
    static String frame(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    /**
     * Decodes one raw frame: simple and bulk strings to String, errors to {@link Err}, integers
     * to Long, doubles to Double, booleans to Boolean, nulls to null, arrays, sets and pushes to
     * List, maps to LinkedHashMap.
     */
    static Object decode(String raw) {
        int[] pos = {0};
        return decode(raw, pos);
    }

    private static Object decode(String raw, int[] pos) {
        char type = raw.charAt(pos[0]);
        int eol = raw.indexOf("\r\n", pos[0]);
        String line = raw.substring(pos[0] + 1, eol);
        pos[0] = eol + 2;
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Err(line);
            case ':':
                return Long.parseLong(line);
            case ',':
                return Double.parseDouble(line);
            case '#':
                return line.equals("t");
            case '_':
                return null;
            case '(':
                return new java.math.BigInteger(line);
            case '$':
            case '!':
            case '=': {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                // lengths count bytes; the test data is ASCII
                String s = raw.substring(pos[0], pos[0] + len);
                pos[0] += len + 2;
                return type == '!' ? new Err(s) : s;
            }
            case '*':
            case '~':
            case '>': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(decode(raw, pos));
                }
                return l;
            }
            case '%': {
                int n = Integer.parseInt(line);
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    Object k = decode(raw, pos);
                    m.put(k, decode(raw, pos));
                }
                return m;
            }
            default:
                throw new IllegalArgumentException("cannot decode " + raw);
        }
    }
}

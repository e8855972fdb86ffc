package dev.distlock.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds free TCP ports on 127.0.0.1 for servers that cannot bind port 0 themselves (a
 * ZooKeeper ensemble must know every member's ports before any member starts; redis-server
 * has no way to report a port 0 binding).
 *
 * <p>The ports are free when returned; another process may take one before it is bound, which
 * callers accept (the window is a few milliseconds). Thread-safe (stateless).
 */
final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** The loopback address every embedded server binds. */
    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    /**
     * Returns {@code count} distinct free ports: all are held open together while choosing, so
     * no port is returned twice.
     */
    static int[] free(int count) {
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket();
                held.add(s);
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(loopback(), 0));
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket that accepted nothing does not fail in practice
                }
            }
        }
    }

    /** Returns one free port. */
    static int free() {
        return free(1)[0];
    }

    /** True when something accepts TCP connections on 127.0.0.1:{@code port}. */
    static boolean accepting(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(loopback(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

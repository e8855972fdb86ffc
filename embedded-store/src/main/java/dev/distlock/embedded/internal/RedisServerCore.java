package dev.distlock.embedded.internal;

import java.time.Duration;

/** The server engine behind {@code EmbeddedRedisServer} (skeleton; being implemented). */
public final class RedisServerCore implements FaultControl {
    private final ServerConfig config;

    /** @param config the settings */
    public RedisServerCore(ServerConfig config) {
        this.config = config;
    }

    /** Starts listening. */
    public void start() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** @return the port, or 0 if not started */
    public int port() {
        return config.port();
    }

    /** @return whether serving */
    public boolean isServing() {
        return false;
    }

    /** Closes everything. */
    public void close() {
    }

    @Override public void pause(Duration duration) { }
    @Override public void resume() { }
    @Override public int dropConnections() { return 0; }
    @Override public void refuseConnections() { }
    @Override public void acceptConnections() { }
    @Override public void stopServing() { }
    @Override public void restart(boolean keepData) { }
    @Override public void latency(Duration delay) { }
    @Override public void failNext(int count, String command, String error) { }
    @Override public void skewClock(Duration amount, boolean relative) { }
    @Override public Duration clockSkew() { return Duration.ZERO; }
    @Override public void clearFaults() { }
}

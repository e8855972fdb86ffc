package dev.distlock.embedded;

import dev.distlock.embedded.internal.FaultControl;
import java.time.Duration;
import java.util.Objects;

/**
 * Deterministic fault injection for an {@link EmbeddedRedisServer}, driven from tests.
 *
 * <p>Every method takes effect before it returns (it runs on, or waits for, the server's command
 * thread), so a test can inject a fault and act on it on the next line. Faults stay until
 * they are cleared ({@link #clear()}), they run out (pause, fail-next), or the server is closed.
 *
 * <p>Thread-safe: call from any thread except the server's own threads.
 */
public final class RedisFaults {
    private final FaultControl control;

    /**
     * For {@link EmbeddedRedisServer} only.
     *
     * @param control the server side
     */
    RedisFaults(FaultControl control) {
        this.control = Objects.requireNonNull(control, "control");
    }

    /**
     * Stalls the server for a while, as a stuck Redis would: it keeps accepting connections and
     * reading requests but executes and answers nothing until {@code duration} has passed; then
     * it executes everything that arrived, in order, and carries on. Calling it again replaces
     * the end of the pause.
     *
     * @param duration how long to stall (wall time, not the server's clock)
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void pause(Duration duration) {
        control.pause(positiveOrZero(duration, "duration"));
    }

    /** Ends a {@link #pause(Duration)} early; queued requests are executed at once. */
    public void resume() {
        control.resume();
    }

    /**
     * Closes every client connection now (the clients see a reset or end-of-stream). The server
     * keeps listening and keeps its data.
     *
     * @return how many connections were closed
     */
    public int dropConnections() {
        return control.dropConnections();
    }

    /**
     * Refuses new connections (the listening socket is closed, so a connect gets "connection
     * refused"); connections already open keep being served. Undo with
     * {@link #acceptConnections()}.
     */
    public void refuseConnections() {
        control.refuseConnections();
    }

    /**
     * Accepts connections again on the same port after {@link #refuseConnections()} or
     * {@link #partition()}.
     *
     * @throws java.io.UncheckedIOException if the port can no longer be bound
     */
    public void acceptConnections() {
        control.acceptConnections();
    }


    /**
     * A network partition as seen by clients: new connections are refused and every open one is
     * dropped, including replication links (a replica's link to its primary too; it does not
     * reconnect while connections are refused). The data stays. Undo with
     * {@link #acceptConnections()} (or {@link #clear()}).
     */
    public void partition() {
        control.refuseConnections();
        control.dropConnections();
        control.dropMasterLink();
    }

    /**
     * Stops the server as a process crash would: the listening socket and every connection are
     * closed (replication links too: a replica stops following until restarted). The data is
     * kept in memory until {@link #restart(boolean)} decides its fate; appended bytes that were
     * not fsynced still reach the append-only file (the page cache outlives the process). Does
     * nothing if already stopped.
     */
    public void stop() {
        control.stopServing();
    }

    /**
     * Starts the server again on the same port, stopping it first if it is running. A replica
     * reconnects to its primary; replicas of this server reconnect to it (partially resyncing
     * when {@code keepData}, in full otherwise, since an empty restart starts a new replication
     * history, which empties them as it would in Redis).
     *
     * @param keepData {@code true} to keep every key in memory, {@code false} to start empty (an
     *                 append-only file is then rewritten empty, so disk and memory agree); scripts
     *                 are always flushed. To restart from what is on disk, use
     *                 {@link #restartFromDisk()}
     * @throws java.io.UncheckedIOException if the port can no longer be bound
     */
    public void restart(boolean keepData) {
        control.restart(keepData);
    }

    /**
     * A power loss: the server stops (as {@link #stop()}), the data in memory is gone, and so is
     * every byte appended to the append-only file but not yet fsynced (with
     * {@link AppendFsync#ALWAYS} nothing acknowledged; with {@link AppendFsync#EVERYSEC} up to the
     * last second; with {@link AppendFsync#NO} everything since the last rewrite). It stays down
     * until {@link #restartFromDisk()} (or {@link #restart(boolean)}, which then starts empty).
     */
    public void crash() {
        control.crash();
    }

    /**
     * Restarts the server from what is on disk: stops it if it is running (as {@link #stop()}),
     * drops the data in memory, loads the snapshot file and then the append-only file (keys
     * already expired at load time are not loaded), and serves again on the same port. A server
     * without persistence comes back empty. The replication history starts anew, so its replicas
     * resync in full; a replica reconnects to its primary.
     *
     * @throws java.io.UncheckedIOException if the files cannot be read or the port can no longer be bound
     */
    public void restartFromDisk() {
        control.restartFromDisk();
    }

    /**
     * On a primary: holds the replication stream back — writes are still executed, answered and
     * counted in the offset, but replicas get nothing (and so acknowledge nothing new) until
     * {@link #resumeReplication()}. Together with {@link #stop()} or {@link #crash()}, this is
     * "the primary crashes before replicating".
     */
    public void pauseReplication() {
        control.pauseReplication();
    }

    /**
     * Sends replicas what {@link #pauseReplication()} held back (a replica whose missing bytes
     * left the backlog meanwhile is disconnected and resyncs in full).
     */
    public void resumeReplication() {
        control.resumeReplication();
    }

    /**
     * Cuts replication only (clients are not affected): drops every replica link of this server
     * and its own link to its primary, and refuses new ones ({@code PSYNC} is answered with an
     * error) until {@link #healReplication()}. On a primary with {@code min-replicas-to-write},
     * this is the minority side of a split brain.
     */
    public void partitionReplication() {
        control.partitionReplication();
    }

    /** Ends {@link #partitionReplication()}: replicas reconnect by themselves within about 100 ms. */
    public void healReplication() {
        control.healReplication();
    }

    /**
     * Delays every reply by {@code delay} (commands still run at once, in order; their replies
     * leave the server later). {@link Duration#ZERO} removes the delay.
     *
     * @param delay the added latency per reply
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public void latency(Duration delay) {
        control.latency(positiveOrZero(delay, "delay"));
    }

    /**
     * Fails the next {@code count} commands, whatever their name, with {@code error} instead of
     * running them. A new call replaces an earlier one that has not run out.
     *
     * @param count how many commands to fail
     * @param error the error reply, for example {@code "ERR injected"} or
     *              {@code "LOADING Redis is loading the dataset in memory"}; its first word is the
     *              error code
     * @throws IllegalArgumentException if {@code count} is negative or {@code error} is blank or
     *                                  contains CR or LF
     */
    public void failNext(int count, String error) {
        control.failNext(count, null, checkError(count, error));
    }

    /**
     * Fails the next {@code count} commands named {@code command} (case-insensitive, for
     * example {@code "evalsha"}) with {@code error}; other commands run as usual.
     *
     * @param count   how many commands to fail
     * @param command the command name
     * @param error   the error reply, as for {@link #failNext(int, String)}
     * @throws IllegalArgumentException if {@code count} is negative, {@code command} is blank, or
     *                                  {@code error} is blank or contains CR or LF
     */
    public void failNext(int count, String command, String error) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command must not be blank");
        }
        control.failNext(count, command.trim(), checkError(count, error));
    }

    /**
     * Moves the server's clock forward by {@code amount} (on top of its {@link StoreClock}) and
     * runs a full expiry pass at once, so every key whose TTL ran out in that time is gone
     * when this method returns. A negative amount moves the clock back.
     *
     * @param amount how far to move
     * @throws NullPointerException if {@code amount} is null
     */
    public void advanceClock(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        control.skewClock(amount, true);
    }

    /**
     * Sets the server's clock skew: the server reads its {@link StoreClock} plus {@code skew}
     * (a clock jump if changed suddenly). Keys whose deadline has now passed are expired at once.
     *
     * @param skew the offset to apply; {@link Duration#ZERO} for none
     * @throws NullPointerException if {@code skew} is null
     */
    public void skewClock(Duration skew) {
        Objects.requireNonNull(skew, "skew");
        control.skewClock(skew, false);
    }

    /**
     * Returns the current clock skew.
     *
     * @return the offset added to the {@link StoreClock}, {@link Duration#ZERO} if none
     */
    public Duration clockSkew() {
        return control.clockSkew();
    }

    /**
     * Removes every active fault: ends a pause, removes latency and pending fail-next
     * counts, resumes and heals replication, accepts connections again and resets the clock
     * skew to zero. Stopped servers are not restarted.
     */
    public void clear() {
        control.clearFaults();
    }

    private static Duration positiveOrZero(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d;
    }

    private static String checkError(int count, String error) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        if (error == null || error.isBlank()) {
            throw new IllegalArgumentException("error must not be blank");
        }
        if (error.indexOf('\r') >= 0 || error.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("error must not contain CR or LF");
        }
        return error.startsWith("-") ? error.substring(1) : error;
    }
}

package dev.distlock.embedded.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A reply of the embedded Redis server, independent of the protocol version it is written in.
 * The writer turns each kind into its RESP2 or RESP3 form (a {@link MapReply} is a flat array
 * in RESP2, a {@code %} map in RESP3; {@link NullReply} is {@code $-1} or {@code _}).
 *
 * <p>Immutable and thread-safe (byte arrays are never modified after construction).
 */
public sealed interface Reply {
    /** {@code +OK}. */
    Reply OK = new SimpleReply("OK");
    /** The null bulk string ({@code $-1} in RESP2, {@code _} in RESP3). */
    Reply NULL = NullReply.INSTANCE;
    /** The null array ({@code *-1} in RESP2, {@code _} in RESP3). */
    Reply NULL_ARRAY = NullArrayReply.INSTANCE;

    /** A status reply, {@code +text}. @param text the status, without CR or LF */
    record SimpleReply(String text) implements Reply {
    }

    /** An error reply, {@code -CODE message}. @param message the whole text, for example {@code ERR unknown command 'x'} */
    record ErrorReply(String message) implements Reply {
    }

    /** An integer reply. @param value the value */
    record IntReply(long value) implements Reply {
    }

    /** A bulk string. @param data the bytes */
    record BulkReply(byte[] data) implements Reply {
        /** @param s a string to encode as UTF-8 @return the bulk reply */
        public static BulkReply of(String s) {
            return new BulkReply(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The null bulk string. */
    enum NullReply implements Reply {
        /** The only instance. */
        INSTANCE
    }

    /** The null array. */
    enum NullArrayReply implements Reply {
        /** The only instance. */
        INSTANCE
    }

    /** An array. @param items the elements */
    record ArrayReply(List<Reply> items) implements Reply {
    }

    /** A map: a flat array in RESP2. @param keysAndValues key, value, key, value… */
    record MapReply(List<Reply> keysAndValues) implements Reply {
    }

    /** A set: an array in RESP2. @param items the elements */
    record SetReply(List<Reply> items) implements Reply {
    }

    /** A double: a bulk string in RESP2. @param value the value */
    record DoubleReply(double value) implements Reply {
    }

    /** A boolean: the integer 1 or 0 in RESP2. @param value the value */
    record BoolReply(boolean value) implements Reply {
    }

    /** An out-of-band push ({@code >} in RESP3, an array in RESP2). @param items the elements */
    record PushReply(List<Reply> items) implements Reply {
    }
}

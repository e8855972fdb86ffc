package dev.distlock.embedded.internal;

import dev.distlock.embedded.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a command writes its reply: straight into a connection's output buffer as RESP2 or
 * RESP3 ({@link BufOut}), or into a {@link Reply} tree for a script ({@link ReplyBuilder}).
 * Containers are written as a header with the element count followed by the elements.
 * Single-threaded.
 */
public abstract class Out {
    /** @return whether the client speaks RESP3 */
    public abstract boolean resp3();

    /** Writes {@code +text}. */
    public abstract void simple(String text);

    /** Writes {@code +OK}. */
    public abstract void ok();

    /** Writes {@code -message} (CR/LF in the message become spaces). */
    public abstract void error(String message);

    /** Writes an integer. */
    public abstract void integer(long v);

    /** Writes a bulk string. */
    public abstract void bulk(byte[] data);

    /** Writes a bulk string from text. */
    public void bulk(String text) {
        bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the null bulk string ({@code $-1} / {@code _}). */
    public abstract void nullBulk();

    /** Writes the null array ({@code *-1} / {@code _}). */
    public abstract void nullArray();

    /** Starts an array of n elements. */
    public abstract void array(int n);

    /** Starts a map of n pairs (a flat array of 2n in RESP2). */
    public abstract void map(int n);

    /** Starts a set of n elements (an array in RESP2). */
    public abstract void set(int n);

    /** Starts a push of n elements (an array in RESP2). */
    public abstract void push(int n);

    /** Writes a double (a bulk string in RESP2). */
    public abstract void dbl(double d);

    /** Writes a boolean (1 or 0 in RESP2). */
    public abstract void bool(boolean b);

    /** Writes a verbatim text (a bulk string in RESP2). */
    public abstract void verbatim(String text);

    /** @return a position to return to with {@link #reset(long)} */
    public abstract long mark();

    /** Drops everything written since {@code mark}. */
    public abstract void reset(long mark);

    /** Writes a reply model. */
    public void reply(Reply r) {
        if (r instanceof Reply.BulkReply b) {
            bulk(b.data());
        } else if (r instanceof Reply.IntReply i) {
            integer(i.value());
        } else if (r instanceof Reply.SimpleReply s) {
            simple(s.text());
        } else if (r instanceof Reply.ErrorReply e) {
            error(e.message());
        } else if (r instanceof Reply.NullReply) {
            nullBulk();
        } else if (r instanceof Reply.NullArrayReply) {
            nullArray();
        } else if (r instanceof Reply.ArrayReply a) {
            array(a.items().size());
            items(a.items());
        } else if (r instanceof Reply.MapReply m) {
            map(m.keysAndValues().size() / 2);
            items(m.keysAndValues());
        } else if (r instanceof Reply.SetReply s) {
            set(s.items().size());
            items(s.items());
        } else if (r instanceof Reply.PushReply p) {
            push(p.items().size());
            items(p.items());
        } else if (r instanceof Reply.DoubleReply d) {
            dbl(d.value());
        } else if (r instanceof Reply.BoolReply b) {
            bool(b.value());
        } else {
            throw new IllegalArgumentException("unknown reply " + r);
        }
    }

    private void items(List<Reply> items) {
        for (Reply x : items) {
            reply(x);
        }
    }

    /** Writes an array of bulk strings. */
    public void bulks(List<byte[]> items) {
        array(items.size());
        for (byte[] b : items) {
            bulk(b);
        }
    }
}

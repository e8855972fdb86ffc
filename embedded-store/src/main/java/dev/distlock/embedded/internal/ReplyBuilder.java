package dev.distlock.embedded.internal;

import dev.distlock.embedded.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Reply} tree from what a command writes. In RESP2 mode (what a script's client
 * sees in Redis, unless it asks for RESP3) the RESP3-only kinds are lowered as a RESP2 client
 * would receive them: maps and sets become arrays, doubles bulk strings, booleans integers.
 * Single-threaded.
 */
public final class ReplyBuilder extends Out {
    private static final int ARRAY = 0;
    private static final int MAP = 1;
    private static final int SET = 2;
    private static final int PUSH = 3;

    private final boolean resp3;
    private final ArrayList<Frame> stack = new ArrayList<>();
    private final ArrayList<Reply> top = new ArrayList<>();

    private static final class Frame {
        final int kind;
        final int declared;
        final ArrayList<Reply> items;

        Frame(int kind, int declared) {
            this.kind = kind;
            this.declared = declared;
            this.items = new ArrayList<>(Math.min(declared, 64));
        }
    }

    /** @param resp3 keep RESP3 kinds (true) or lower them to RESP2 (false) */
    public ReplyBuilder(boolean resp3) {
        this.resp3 = resp3;
    }

    /**
     * Returns the single complete reply written so far and clears the builder.
     *
     * @return the reply
     * @throws IllegalStateException if not exactly one complete reply was written
     */
    public Reply take() {
        if (!stack.isEmpty() || top.size() != 1) {
            throw new IllegalStateException("incomplete reply: " + top.size() + " replies, " + stack.size() + " open");
        }
        Reply r = top.get(0);
        top.clear();
        return r;
    }

    /** @return every complete top-level reply written so far (cleared) */
    public List<Reply> takeAll() {
        List<Reply> r = List.copyOf(top);
        top.clear();
        stack.clear();
        return r;
    }

    private void add(Reply r) {
        Reply x = r;
        while (true) {
            if (stack.isEmpty()) {
                top.add(x);
                return;
            }
            Frame f = stack.get(stack.size() - 1);
            f.items.add(x);
            if (f.items.size() < f.declared) {
                return;
            }
            stack.remove(stack.size() - 1);
            x = close(f);
        }
    }

    private Reply close(Frame f) {
        List<Reply> items = List.copyOf(f.items);
        if (!resp3) {
            return new Reply.ArrayReply(items);
        }
        return switch (f.kind) {
            case MAP -> new Reply.MapReply(items);
            case SET -> new Reply.SetReply(items);
            case PUSH -> new Reply.PushReply(items);
            default -> new Reply.ArrayReply(items);
        };
    }

    private void open(int kind, int n) {
        if (n == 0) {
            add(close(new Frame(kind, 0)));
        } else {
            stack.add(new Frame(kind, n));
        }
    }

    @Override
    public boolean resp3() {
        return resp3;
    }

    @Override
    public void simple(String text) {
        add(new Reply.SimpleReply(text));
    }

    @Override
    public void ok() {
        add(Reply.OK);
    }

    @Override
    public void error(String message) {
        add(new Reply.ErrorReply(message.replace('\r', ' ').replace('\n', ' ')));
    }

    @Override
    public void integer(long v) {
        add(new Reply.IntReply(v));
    }

    @Override
    public void bulk(byte[] data) {
        add(new Reply.BulkReply(data));
    }

    @Override
    public void nullBulk() {
        add(Reply.NULL);
    }

    @Override
    public void nullArray() {
        add(resp3 ? Reply.NULL : Reply.NULL_ARRAY);
    }

    @Override
    public void array(int n) {
        open(ARRAY, n);
    }

    @Override
    public void map(int n) {
        open(MAP, 2 * n);
    }

    @Override
    public void set(int n) {
        open(SET, n);
    }

    @Override
    public void push(int n) {
        open(PUSH, n);
    }

    @Override
    public void dbl(double d) {
        add(resp3 ? new Reply.DoubleReply(d) : new Reply.BulkReply(Args.formatDouble(d).getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public void bool(boolean b) {
        add(resp3 ? new Reply.BoolReply(b) : new Reply.IntReply(b ? 1 : 0));
    }

    @Override
    public void verbatim(String text) {
        bulk(text);
    }

    @Override
    public long mark() {
        int depth = stack.size();
        int count = depth == 0 ? top.size() : stack.get(depth - 1).items.size();
        return ((long) depth << 32) | count;
    }

    @Override
    public void reset(long mark) {
        int depth = (int) (mark >>> 32);
        int count = (int) mark;
        if (stack.size() < depth) {
            return; // the marked container was completed meanwhile; nothing sensible to undo
        }
        while (stack.size() > depth) {
            stack.remove(stack.size() - 1);
        }
        List<Reply> items = depth == 0 ? top : stack.get(depth - 1).items;
        while (items.size() > count) {
            items.remove(items.size() - 1);
        }
    }
}

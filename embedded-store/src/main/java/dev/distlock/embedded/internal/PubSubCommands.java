package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.FAST;
import static dev.distlock.embedded.internal.Command.LOADING;
import static dev.distlock.embedded.internal.Command.NOSCRIPT;
import static dev.distlock.embedded.internal.Command.PUBSUB;
import static dev.distlock.embedded.internal.Command.STALE;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** SUBSCRIBE, PSUBSCRIBE, their UN- forms, PUBLISH and PUBSUB. */
final class PubSubCommands extends Cmds {
    PubSubCommands(RedisServerCore core) {
        super(core);
    }

    void register(CommandTable t) {
        int f = PUBSUB | NOSCRIPT | LOADING | STALE;
        t.add("subscribe", -2, f, 0, 0, 0, op(0));
        t.add("psubscribe", -2, f, 0, 0, 0, op(1));
        t.add("unsubscribe", -1, f, 0, 0, 0, op(2));
        t.add("punsubscribe", -1, f, 0, 0, 0, op(3));
        t.add("publish", 3, PUBSUB | LOADING | STALE | FAST, 0, 0, 0, op(4));
        t.add("pubsub", -2, 0, 0, 0, 0, null)
                .sub("channels", -2, PUBSUB | LOADING | STALE, op(5))
                .sub("numsub", -2, PUBSUB | LOADING | STALE, op(6))
                .sub("numpat", 2, PUBSUB | LOADING | STALE, op(7))
                .sub("help", 2, LOADING | STALE, op(8));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> core.pubsub.subscribe(c, rest(a), o, false);
            case 1 -> core.pubsub.subscribe(c, rest(a), o, true);
            case 2 -> core.pubsub.unsubscribe(c, rest(a), o, false);
            case 3 -> core.pubsub.unsubscribe(c, rest(a), o, true);
            case 4 -> o.integer(core.pubsub.publish(a[1], a[2]));
            case 5 -> channels(c, a, o);
            case 6 -> numsub(c, a, o);
            case 7 -> o.integer(core.pubsub.patterns.size());
            case 8 -> o.bulks(List.of(Args.bytes(
                    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are: CHANNELS, NUMSUB, NUMPAT")));
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    private static byte[][] rest(byte[][] a) {
        return java.util.Arrays.copyOfRange(a, 1, a.length);
    }

    private void channels(Client c, byte[][] a, Out out) {
        if (a.length > 3) {
            throw Errors.wrongArity("pubsub|channels");
        }
        byte[] pattern = a.length == 3 ? a[2] : null;
        List<byte[]> names = new ArrayList<>();
        for (Map.Entry<Bytes, LinkedHashSet<Client>> e : core.pubsub.channels.entrySet()) {
            if (pattern == null || Glob.matches(pattern, e.getKey().b)) {
                names.add(e.getKey().b);
            }
        }
        out.bulks(names);
    }

    private void numsub(Client c, byte[][] a, Out out) {
        out.array((a.length - 2) * 2);
        for (int i = 2; i < a.length; i++) {
            LinkedHashSet<Client> s = core.pubsub.channels.get(new Bytes(a[i]));
            out.bulk(a[i]);
            out.integer(s == null ? 0 : s.size());
        }
    }
}

package dev.distlock.tests.redis;

import dev.distlock.embedded.RedisProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Inspection helpers over {@link RedisProcess#call}: command statistics, connected clients. */
final class RedisAdmin {
    private RedisAdmin() {
    }

    /** How often {@code command} ran since the last {@code CONFIG RESETSTAT}, from {@code INFO commandstats}. */
    static long calls(RedisProcess redis, String command) {
        String info = (String) redis.call("INFO", "commandstats");
        String marker = "cmdstat_" + command + ":calls=";
        int at = info.indexOf(marker);
        if (at < 0) {
            return 0;
        }
        int from = at + marker.length();
        int to = info.indexOf(',', from);
        return Long.parseLong(info.substring(from, to));
    }

    /** Script calls: {@code EVALSHA} plus {@code EVAL}. */
    static long scriptCalls(RedisProcess redis) {
        return calls(redis, "evalsha") + calls(redis, "eval");
    }

    /** The connections whose client name is {@code name}, each as the fields of its {@code CLIENT LIST} line. */
    static List<Map<String, String>> connections(RedisProcess redis, String name) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : ((String) redis.call("CLIENT", "LIST")).split("\n")) {
            Map<String, String> fields = new HashMap<>();
            for (String part : line.trim().split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            if (name.equals(fields.get("name"))) {
                out.add(fields);
            }
        }
        return out;
    }

    /**
     * Subscribers of a lock's channels: {@code channel} itself and every client's own channel for
     * the lock ({@code channel:<client id>}).
     */
    static long subscribers(RedisProcess redis, String channel) {
        return RedisContractSupport.subscribersMatching(redis::call, channel + "*");
    }
}

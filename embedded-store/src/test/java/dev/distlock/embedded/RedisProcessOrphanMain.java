package dev.distlock.embedded;

/**
 * Run by {@link RedisProcessIT} in a child JVM: starts a redis-server, prints its pid and waits
 * to be killed with SIGKILL (no shutdown hooks run).
 */
final class RedisProcessOrphanMain {
    private RedisProcessOrphanMain() {
    }

    public static void main(String[] args) throws Exception {
        RedisProcess redis = RedisProcess.startDefault();
        System.out.println("PID " + redis.pid() + " DIR " + redis.directory());
        System.out.flush();
        Thread.sleep(60_000);
    }
}

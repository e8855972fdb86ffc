package dev.distlock.embedded.internal;

/** Redis 7.0's error texts (checked against a real redis-server 7.0.15). */
final class Errors {
    static final RedisError WRONGTYPE = new RedisError("WRONGTYPE Operation against a key holding the wrong kind of value");
    static final RedisError NOT_INTEGER = new RedisError("ERR value is not an integer or out of range");
    static final RedisError NOT_FLOAT = new RedisError("ERR value is not a valid float");
    static final RedisError MINMAX_NOT_FLOAT = new RedisError("ERR min or max is not a float");
    static final RedisError SYNTAX = new RedisError("ERR syntax error");
    static final RedisError OVERFLOW = new RedisError("ERR increment or decrement would overflow");
    static final RedisError NOAUTH = new RedisError("NOAUTH Authentication required.");
    static final RedisError WRONGPASS = new RedisError("WRONGPASS invalid username-password pair or user is disabled.");
    static final RedisError DB_RANGE = new RedisError("ERR DB index is out of range");
    static final RedisError TIMEOUT_NOT_FLOAT = new RedisError("ERR timeout is not a float or out of range");
    static final RedisError TIMEOUT_NEGATIVE = new RedisError("ERR timeout is negative");
    static final RedisError INVALID_CURSOR = new RedisError("ERR invalid cursor");
    static final RedisError NO_SUCH_CLIENT = new RedisError("ERR No such client");
    static final RedisError NOSCRIPT = new RedisError("NOSCRIPT No matching script. Please use EVAL.");
    static final RedisError NOTBUSY = new RedisError("NOTBUSY No scripts in execution right now.");
    static final RedisError UNKILLABLE = new RedisError("UNKILLABLE Sorry the script already executed write commands "
            + "against the dataset. You can either wait the script termination or kill the server in a hard way "
            + "using the SHUTDOWN NOSAVE command.");
    static final String BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    static final RedisError EXECABORT = new RedisError("EXECABORT Transaction discarded because of previous errors.");

    private Errors() {
    }

    static RedisError wrongArity(String name) {
        return new RedisError("ERR wrong number of arguments for '" + name + "' command");
    }

    static RedisError unknownSubcommand(String sub, String cmd) {
        return new RedisError("ERR unknown subcommand '" + Args.printable(sub, 128) + "'. Try " + cmd + " HELP.");
    }

    static RedisError invalidExpire(String cmd) {
        return new RedisError("ERR invalid expire time in '" + cmd + "' command");
    }
}

package dev.distlock.embedded.script;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-1 as lowercase hex, the name of a script in Redis. Thread-safe (one digest per thread). */
final class Sha1 {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-1", e);
        }
    });

    private Sha1() {
    }

    static String hex(byte[] data) {
        MessageDigest md = DIGEST.get();
        md.reset();
        return HexFormat.of().formatHex(md.digest(data));
    }
}

package dev.distlock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RedisScriptTest {
    @Test
    void shaIsComputedLocallyAsRedisDoes() {
        // redis-cli SCRIPT LOAD "return 1"
        assertThat(RedisScript.sha1("return 1")).isEqualTo("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
        assertThat(LockScripts.ACQUIRE.sha()).hasSize(40).isEqualTo(RedisScript.sha1(LockScripts.ACQUIRE.body()));
        assertThat(LockScripts.ACQUIRE.toString()).contains("acquire").contains(LockScripts.ACQUIRE.sha());
    }

    @Test
    void noScriptIsRecognisedWrappedOrNot() {
        assertThat(RedisScript.isNoScript(new RedisNoScriptException("NOSCRIPT No matching script."))).isTrue();
        assertThat(RedisScript.isNoScript(new CompletionException(
                new RedisCommandExecutionException("NOSCRIPT No matching script. Please use EVAL.")))).isTrue();
        assertThat(RedisScript.isNoScript(new RedisCommandExecutionException("ERR something else"))).isFalse();
        assertThat(RedisScript.isNoScript(new IllegalStateException((String) null))).isFalse();
    }
}

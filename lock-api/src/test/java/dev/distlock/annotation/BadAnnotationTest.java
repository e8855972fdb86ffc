package dev.distlock.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every bad annotation fails when wrapping, with a message naming the method and the rule. */
@Timeout(60)
class BadAnnotationTest {
    private TestClients clients;
    private LockClient client;

    /** waitTime is not a duration. */
    public static class BadWait {
        @DistributedLock(key = "'k'", waitTime = "2x")
        public void m() {
        }
    }

    /** waitTime is negative. */
    public static class NegativeWait {
        @DistributedLock(key = "'k'", waitTime = "-PT1S")
        public void m() {
        }
    }

    /** leaseTime of zero. */
    public static class ZeroLease {
        @DistributedLock(key = "'k'", leaseTime = "0ms")
        public void m() {
        }
    }

    /** leaseTime over a year. */
    public static class HugeLease {
        @DistributedLock(key = "'k'", leaseTime = "400d")
        public void m() {
        }
    }

    /** A number without a unit. */
    public static class NoUnit {
        @DistributedLock(key = "'k'", leaseTime = "30")
        public void m() {
        }
    }

    /** An unknown client. */
    public static class UnknownClient {
        @DistributedLock(key = "'k'", client = "nope")
        public void m() {
        }
    }

    /** FALLBACK without a fallback. */
    public static class NoFallback {
        @DistributedLock(key = "'k'", onFailure = OnFailure.FALLBACK)
        public void m() {
        }
    }

    /** A fallback with SKIP. */
    public static class FallbackWithoutPolicy {
        @DistributedLock(key = "'k'", onFailure = OnFailure.SKIP, fallback = "other")
        public void m() {
        }

        void other() {
        }
    }

    /** A fallback that does not exist with these parameters. */
    public static class MissingFallback {
        @DistributedLock(key = "'k'", onFailure = OnFailure.FALLBACK, fallback = "other")
        public String m(String a, int b) {
            return a;
        }

        String other(String a) {
            return a;
        }
    }

    /** A fallback whose return type does not fit. */
    public static class WrongReturn {
        @DistributedLock(key = "'k'", onFailure = OnFailure.FALLBACK, fallback = "other")
        public String m(String a) {
            return a;
        }

        Integer other(String a) {
            return 1;
        }
    }

    /** A fallback returning a primitive for a boxed return type. */
    public static class PrimitiveMismatch {
        @DistributedLock(key = "'k'", onFailure = OnFailure.FALLBACK, fallback = "other")
        public Integer m(String a) {
            return 1;
        }

        int other(String a) {
            return 1;
        }
    }

    /** Fine: ISO and short forms, fallback inherited from a superclass. */
    public static class Good extends GoodBase {
        @DistributedLock(key = "'k'", waitTime = "PT0.5S", leaseTime = "1m", onFailure = OnFailure.FALLBACK,
                fallback = "inherited")
        public CharSequence m(String a) {
            return a;
        }
    }

    /** Holds the fallback {@link Good} names. */
    public static class GoodBase {
        String inherited(String a) {
            return "fallback " + a;
        }
    }

    @BeforeEach
    void setUp() {
        clients = new TestClients();
        client = clients.client();
    }

    @AfterEach
    void tearDown() {
        clients.close();
    }

    private void assertRejected(Object target, String... messageParts) {
        assertThatThrownBy(() -> LockProxies.wrap(target, client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("@DistributedLock on " + target.getClass().getSimpleName() + ".m(")
                .satisfies(e -> assertThat(e.getMessage()).contains(messageParts));
    }

    @Test
    void badTimesAreRejected() {
        assertRejected(new BadWait(), "waitTime", "'2x' is not a duration");
        assertRejected(new NegativeWait(), "waitTime", "negative");
        assertRejected(new ZeroLease(), "leaseTime must be at least 1ms");
        assertRejected(new HugeLease(), "leaseTime must be at least 1ms and at most");
        assertRejected(new NoUnit(), "leaseTime", "'30' is not a duration");
    }

    @Test
    void unknownClientsAreRejected() {
        assertRejected(new UnknownClient(), "no LockClient named 'nope'");
        assertThatThrownBy(() -> LockProxies.wrap(new Good(), LockClientRegistry.of(null, Map.of("a", client))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no default LockClient")
                .hasMessageContaining("[a]");
    }

    @Test
    void badFallbacksAreRejected() {
        assertRejected(new NoFallback(), "FALLBACK needs fallback");
        assertRejected(new FallbackWithoutPolicy(), "fallback 'other' is given but onFailure is SKIP");
        assertRejected(new MissingFallback(), "fallback method other(String,int) not found");
        assertRejected(new WrongReturn(), "returns Integer", "returns String");
        assertRejected(new PrimitiveMismatch(), "returns int");
    }

    @Test
    void goodAnnotationsAreAccepted() {
        Good good = LockProxies.wrap(new Good(), client);
        assertThat(good.m("x")).isEqualTo("x");
        assertThat(client.mutex("k").tryLock()).isTrue();
        assertThat(DurationText.parse("PT0.5S")).isEqualTo(Duration.ofMillis(500));
    }
}

package dev.distlock.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockClient;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How {@link DistributedLock#key()} is resolved: by name, by position, from #root; and its errors. */
@Timeout(60)
class KeyResolutionTest {
    private TestClients clients;
    private LockClient client;

    /** Records which locks this thread held while each method ran. */
    public static class Keys {
        final List<String> seen = new ArrayList<>();
        LockClient client;

        public String getTenant() {
            return "acme";
        }

        private void saw(String... names) {
            for (String n : names) {
                if (client.mutex(n).isHeldByCurrentThread()) {
                    seen.add(n);
                }
            }
        }

        @DistributedLock(key = "'stock:' + #sku")
        public void byName(String sku, int qty) {
            saw("stock:" + sku);
        }

        @DistributedLock(key = "#p0 + ':' + #a1")
        public void byPosition(String a, int b) {
            saw(a + ":" + b);
        }

        @DistributedLock(key = "#root.methodName + '/' + #root.method.name + '/' + #root.args[1]")
        public void root(String a, long b) {
            saw("root/root/" + b);
        }

        @DistributedLock(key = "#root.target.tenant + ':' + #root.targetClass.simpleName + ':' + #id")
        public void target(long id) {
            saw("acme:Keys:" + id);
        }

        @DistributedLock(key = "#id")
        public void number(long id) {
            saw(Long.toString(id));
        }

        @DistributedLock(key = "'order:' + #order.id() + ':' + #order.lines().size()")
        public void methodCall(Order order) {
            saw("order:" + order.id() + ":" + order.lines().size());
        }

        @DistributedLock(key = "'stock:' + #skux")
        public void unknown(String sku) {
            seen.add("ran");
        }

        @DistributedLock(key = "#sku")
        public void nullKey(String sku) {
            seen.add("ran");
        }

        @DistributedLock(key = "'  '.trim() + #sku")
        public void blankName(String sku) {
            seen.add("ran");
        }

        @DistributedLock(key = "#p2")
        public void outOfRange(String a, String b) {
            seen.add("ran");
        }
    }

    /** An argument type whose parts the key reaches by method calls. */
    public record Order(long id, List<String> lines) {
    }

    /** A key that does not parse. */
    public static class Broken {
        @DistributedLock(key = "'stock:' + + ")
        public void broken(String sku) {
        }
    }

    /** A blank key. */
    public static class Blank {
        @DistributedLock(key = "  ")
        public void blank(String sku) {
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

    private Keys wrap() {
        Keys target = new Keys();
        target.client = client;
        return LockProxies.wrap(target, client);
    }

    @Test
    void argumentsByNameAndPositionAndRootAreResolved() {
        Keys keys = wrap();
        keys.byName("a", 1);
        keys.byPosition("b", 2);
        keys.root("x", 7L);
        keys.target(5L);
        keys.number(42L);
        keys.methodCall(new Order(9, List.of("x", "y")));
        assertThat(LockProxies.targetOf(keys).seen)
                .containsExactly("stock:a", "b:2", "root/root/7", "acme:Keys:5", "42", "order:9:2");
        assertThat(client.mutex("stock:a").isLocked()).isFalse();
    }

    @Test
    void unknownVariableFailsAtFirstCallNamingMethodAndExpression() {
        Keys keys = wrap();   // wrapping succeeds: the expression is well-formed
        assertThatThrownBy(() -> keys.unknown("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Keys.unknown(String)")
                .hasMessageContaining("'stock:' + #skux")
                .hasMessageContaining("unknown variable #skux")
                .hasMessageContaining("#sku");
        assertThatThrownBy(() -> keys.outOfRange("a", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Keys.outOfRange(String,String)")
                .hasMessageContaining("#p2");
        assertThat(LockProxies.targetOf(keys).seen).isEmpty();
    }

    @Test
    void nullKeyFailsNamingMethodAndExpression() {
        Keys keys = wrap();
        assertThatThrownBy(() -> keys.nullKey(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Keys.nullKey(String)")
                .hasMessageContaining("'#sku'")
                .hasMessageContaining("null");
        assertThat(LockProxies.targetOf(keys).seen).isEmpty();
    }

    @Test
    void blankLockNameFailsNamingMethod() {
        Keys keys = wrap();
        assertThatThrownBy(() -> keys.blankName(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Keys.blankName(String)")
                .hasMessageContaining("invalid lock name");
    }

    @Test
    void malformedOrBlankKeyFailsAtWrapTime() {
        assertThatThrownBy(() -> LockProxies.wrap(new Broken(), client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Broken.broken(String)")
                .hasMessageContaining("not a valid expression");
        assertThatThrownBy(() -> LockProxies.wrap(new Blank(), client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Blank.blank(String)")
                .hasMessageContaining("key must not be blank");
    }

    @Test
    void expressionsAreParsedOncePerMethod() throws Throwable {
        LockInterceptor interceptor = LockInterceptor.create(LockClientRegistry.of(client));
        Method m = Keys.class.getMethod("byName", String.class, int.class);
        LockPlan first = interceptor.plan(m, Keys.class);
        assertThat(interceptor.plan(m, Keys.class)).isSameAs(first);
        assertThat(first.specs[0].key.source()).isEqualTo("'stock:' + #sku");
        Keys target = new Keys();
        target.client = client;
        interceptor.invoke(target, m, new Object[] {"z", 1}, () -> {
            target.byName("z", 1);
            return null;
        });
        assertThat(interceptor.plan(m, Keys.class)).isSameAs(first);
        assertThat(target.seen).containsExactly("stock:z");
    }
}

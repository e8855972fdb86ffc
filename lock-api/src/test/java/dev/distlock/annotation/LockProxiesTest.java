package dev.distlock.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockClient;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two kinds of proxy, what they forward, and what they refuse to wrap. */
@Timeout(60)
class LockProxiesTest {
    private TestClients clients;
    private LockClient client;

    /** A service interface with an annotation on the interface. */
    public interface Shop {
        @DistributedLock(key = "'stock:' + #sku")
        boolean buy(String sku, int qty) throws IOException;

        String name();
    }

    /** Implements {@link Shop}; adds an annotated method of its own. */
    public static class ShopImpl implements Shop {
        static final AtomicInteger CONSTRUCTED = new AtomicInteger();
        LockClient client;
        int bought;

        public ShopImpl() {
            CONSTRUCTED.incrementAndGet();
        }

        @Override
        public boolean buy(String sku, int qty) throws IOException {
            if (qty < 0) {
                throw new IOException("negative quantity " + qty);
            }
            bought += qty;
            return client.mutex("stock:" + sku).isHeldByCurrentThread();
        }

        @Override
        public String name() {
            return "shop";
        }

        @DistributedLock(key = "'audit:' + #day")
        public boolean audit(String day) {
            return client.mutex("audit:" + day).isHeldByCurrentThread();
        }

        public boolean unlocked(String sku) {
            return client.mutex("stock:" + sku).isHeldByCurrentThread();
        }

        @Override
        public String toString() {
            return "ShopImpl[" + bought + "]";
        }
    }

    /** Implements {@link Shop} with no annotation of its own. */
    public static class PlainShop implements Shop {
        @Override
        public boolean buy(String sku, int qty) {
            return true;
        }

        @Override
        public String name() {
            return "plain";
        }
    }

    /** Inherits everything, annotations included. */
    public static class SubShop extends PlainShop {
    }

    /** A final class with an interface: only a JDK proxy is possible. */
    public static final class FinalShop implements Shop {
        LockClient client;

        @Override
        @DistributedLock(key = "'final:' + #sku")
        public boolean buy(String sku, int qty) {
            return client.mutex("final:" + sku).isHeldByCurrentThread();
        }

        @Override
        public String name() {
            return "final";
        }
    }

    /** A final class with no interface: cannot be wrapped. */
    public static final class Sealed {
        @DistributedLock(key = "'x'")
        public void run() {
        }
    }

    /** An annotated final method: cannot be intercepted by a subclass. */
    public static class FinalMethod {
        @DistributedLock(key = "'x'")
        public final void run() {
        }
    }

    /** An annotated private method: never reachable through a proxy. */
    public static class PrivateMethod {
        @DistributedLock(key = "'x'")
        private void run() {
        }

        public void call() {
            run();
        }
    }

    /** A package-private class with a package-private annotated method, inherited annotations. */
    static class Hidden extends Base {
        LockClient client;

        @DistributedLock(key = "'hidden:' + #id")
        boolean work(int id) {
            return client.mutex("hidden:" + id).isHeldByCurrentThread();
        }

        @Override
        public boolean inherited(String id) {
            return client.mutex("base:" + id).isHeldByCurrentThread();
        }
    }

    /** Declares the annotation that {@link Hidden#inherited} inherits by overriding. */
    abstract static class Base {
        @DistributedLock(key = "'base:' + #id")
        public abstract boolean inherited(String id);
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

    private ShopImpl shop() {
        ShopImpl s = new ShopImpl();
        s.client = client;
        return s;
    }

    @Test
    void aClassIsWrappedInAGeneratedSubclassThatLocksAndForwards() throws Exception {
        ShopImpl target = shop();
        int constructed = ShopImpl.CONSTRUCTED.get();
        ShopImpl locked = LockProxies.wrap(target, client);

        assertThat(locked).isNotSameAs(target).isInstanceOf(ShopImpl.class);
        assertThat(Proxy.isProxyClass(locked.getClass())).isFalse();
        assertThat(ShopImpl.CONSTRUCTED.get()).as("the target's constructor is not run again").isEqualTo(constructed);
        assertThat(LockProxies.isProxy(locked)).isTrue();
        assertThat(LockProxies.isProxy(target)).isFalse();
        assertThat(LockProxies.targetOf(locked)).isSameAs(target);

        assertThat(locked.buy("a", 2)).as("annotation on the interface").isTrue();
        assertThat(locked.audit("mon")).as("annotation on the class").isTrue();
        assertThat(locked.unlocked("a")).isFalse();
        assertThat(locked.name()).isEqualTo("shop");
        assertThat(target.bought).isEqualTo(2);
        assertThat(locked.toString()).isEqualTo("ShopImpl[2]");
        assertThat(locked.hashCode()).isEqualTo(target.hashCode());
        assertThat(locked.equals(locked)).isTrue();
        assertThat(client.mutex("stock:a").isLocked()).isFalse();
    }

    @Test
    void anInterfaceIsWrappedInAJdkProxy() throws Exception {
        ShopImpl target = shop();
        Shop locked = LockProxies.wrap(Shop.class, target, client);
        assertThat(Proxy.isProxyClass(locked.getClass())).isTrue();
        assertThat(LockProxies.isProxy(locked)).isTrue();
        assertThat(LockProxies.targetOf(locked)).isSameAs(target);
        assertThat(locked.buy("b", 1)).isTrue();
        assertThat(locked.name()).isEqualTo("shop");
        assertThat(locked.equals(locked)).isTrue();
        assertThat(client.mutex("stock:b").isLocked()).isFalse();
    }

    @Test
    void aFinalClassWithAnInterfaceGetsAJdkProxy() throws Exception {
        FinalShop target = new FinalShop();
        target.client = client;
        Shop locked = LockProxies.wrap(target, client);
        assertThat(Proxy.isProxyClass(locked.getClass())).isTrue();
        assertThat(locked.buy("c", 1)).isTrue();
    }

    @Test
    void whatCannotBeInterceptedIsRefusedAtWrapTime() {
        assertThatThrownBy(() -> LockProxies.wrap(new Sealed(), client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be subclassed")
                .hasMessageContaining("implements no interface");
        assertThatThrownBy(() -> LockProxies.wrap(new FinalMethod(), client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FinalMethod.run()")
                .hasMessageContaining("final");
        assertThatThrownBy(() -> LockProxies.wrap(new PrivateMethod(), client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PrivateMethod.run()")
                .hasMessageContaining("private");
        ShopImpl proxy = LockProxies.wrap(shop(), client);
        assertThatThrownBy(() -> LockProxies.wrap(proxy, client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already a distlock proxy");
        assertThatThrownBy(() -> LockProxies.wrap(null, client)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LockProxies.wrap(shop(), (LockClient) null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void packagePrivateClassesMethodsAndInheritedAnnotationsWork() {
        Hidden target = new Hidden();
        target.client = client;
        Hidden locked = LockProxies.wrap(target, client);
        assertThat(locked.work(3)).isTrue();
        assertThat(locked.inherited("q")).as("annotation on the overridden abstract method").isTrue();
    }

    @Test
    void annotationsAreFoundOnInterfacesAndSuperclasses() throws Exception {
        LockInterceptor interceptor = LockInterceptor.create(LockClientRegistry.of(client));
        assertThat(interceptor.declaresLocks(PlainShop.class)).isTrue();
        assertThat(interceptor.declaresLocks(SubShop.class)).isTrue();
        assertThat(interceptor.declaresLocks(Object.class)).isFalse();
        assertThat(interceptor.declaresLocks(String.class)).isFalse();
        assertThat(interceptor.check(SubShop.class)).containsExactly(PlainShop.class.getMethod("buy", String.class, int.class));
        assertThat(interceptor.isLocked(Shop.class.getMethod("buy", String.class, int.class), SubShop.class)).isTrue();
        assertThat(interceptor.isLocked(Shop.class.getMethod("name"), SubShop.class)).isFalse();
    }

    @Test
    void checkedExceptionsPassThroughUnchangedAndTheLockIsReleased() {
        ShopImpl locked = LockProxies.wrap(shop(), client);
        assertThatThrownBy(() -> locked.buy("d", -1))
                .isExactlyInstanceOf(IOException.class)
                .hasMessage("negative quantity -1");
        assertThat(client.mutex("stock:d").isLocked()).isFalse();
        assertThat(locked.unlocked("d")).isFalse();
    }
}

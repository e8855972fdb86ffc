package dev.distlock.spring;

import dev.distlock.LockClient;
import dev.distlock.annotation.LockClientRegistry;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The {@link LockClient} beans as a {@link LockClientRegistry}: a name is a bean name; the
 * default is the only {@code LockClient} bean, or the {@code @Primary} one. Beans are looked up
 * when an annotation is first checked. Thread-safe.
 */
final class BeanFactoryLockClientRegistry implements LockClientRegistry {
    private final ListableBeanFactory beanFactory;

    BeanFactoryLockClientRegistry(ListableBeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public LockClient find(String name) {
        if (name == null || name.isEmpty()) {
            String[] names = beanFactory.getBeanNamesForType(LockClient.class);
            if (names.length == 0) {
                throw new IllegalArgumentException("there is no LockClient bean: set distlock.uri (for example"
                        + " distlock.uri=redis://127.0.0.1:6379) or define a LockClient bean");
            }
            LockClient unique = beanFactory.getBeanProvider(LockClient.class).getIfUnique();
            if (unique == null) {
                throw new IllegalArgumentException("there are several LockClient beans " + Arrays.toString(names)
                        + " and none is @Primary: mark one @Primary or name one with client = \"...\"");
            }
            return unique;
        }
        if (!beanFactory.containsBean(name) || !beanFactory.isTypeMatch(name, LockClient.class)) {
            return null;
        }
        return beanFactory.getBean(name, LockClient.class);
    }

    @Override
    public Collection<String> names() {
        return List.of(beanFactory.getBeanNamesForType(LockClient.class));
    }

    @Override
    public String toString() {
        return "LockClient beans " + names();
    }
}

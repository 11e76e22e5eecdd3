package org.layerswap.profiler.internal;

import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Reaches the persistence layer's {@code saveState(String, byte[])} / {@code loadState(String)} on a
 * service object without a compile-time or package dependency on the persistence bundle (which is
 * optional and evolves separately): the methods are looked up by name on the service's interfaces.
 */
final class StateStore {

    static final String SERVICE = "org.layerswap.persistence.api.PersistenceService";

    private final Object service;
    private final Method save;
    private final Method load;

    private StateStore(Object service, Method save, Method load) {
        this.service = service;
        this.save = save;
        this.load = load;
    }

    /** Adapts {@code service}, or empty when it lacks the two state methods. */
    static Optional<StateStore> of(Object service) {
        if (service == null) {
            return Optional.empty();
        }
        for (Class<?> c = service.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                try {
                    Method save = i.getMethod("saveState", String.class, byte[].class);
                    Method load = i.getMethod("loadState", String.class);
                    if (Optional.class.equals(load.getReturnType())) {
                        return Optional.of(new StateStore(service, save, load));
                    }
                } catch (NoSuchMethodException ignored) {
                    // try the next interface
                }
            }
        }
        return Optional.empty();
    }

    void save(String key, byte[] value) throws ReflectiveOperationException {
        save.invoke(service, key, value);
    }

    Optional<byte[]> load(String key) throws ReflectiveOperationException {
        Object o = load.invoke(service, key);
        if (o instanceof Optional<?> opt && opt.isPresent() && opt.get() instanceof byte[] bytes) {
            return Optional.of(bytes);
        }
        return Optional.empty();
    }
}

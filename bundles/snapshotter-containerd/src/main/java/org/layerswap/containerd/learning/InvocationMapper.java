package org.layerswap.containerd.learning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * containerd's task starts to LayerSwap invocations. The function id is the container's {@code functionLabel}
 * (e.g. {@code org.layerswap.function=thumbnail}) when set and not blank, else the container's image name; the tenant
 * is the containerd namespace. A container is looked up when it is created (cached, at most {@code cacheSize}, least
 * recently used out first) so that a short-lived one ({@code ctr run --rm}) is still known when its task starts; a
 * start of a container that was neither cached nor can be looked up maps to nothing. Thread-confined (the event
 * thread).
 */
public final class InvocationMapper {

    /** One function start, as the profiler wants it. */
    public record Invocation(String functionId, String image, String tenant, long timestampMillis) {
    }

    private final ContainerLookup lookup;
    private final String functionLabel;
    private final Map<String, ContainerLookup.ContainerRef> cache;

    public InvocationMapper(ContainerLookup lookup, String functionLabel, int cacheSize) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException("container cache size must be at least 1, got " + cacheSize);
        }
        this.lookup = lookup;
        this.functionLabel = functionLabel == null ? "" : functionLabel.trim();
        this.cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ContainerLookup.ContainerRef> eldest) {
                return size() > cacheSize;
            }
        });
    }

    /** Remembers a created container (its labels are not in the event: containerd is asked). */
    public void containerCreated(ContainerdEvent e) {
        lookup.find(e.namespace(), e.subject()).ifPresent(c -> cache.put(key(e), c));
    }

    /** The invocation a task start stands for, or empty when its container is unknown. */
    public Optional<Invocation> taskStarted(ContainerdEvent e) {
        ContainerLookup.ContainerRef c = cache.get(key(e));
        if (c == null) {
            c = lookup.find(e.namespace(), e.subject()).orElse(null);
        }
        if (c == null || c.image().isBlank() && functionOf(c).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Invocation(functionOf(c), c.image(), e.namespace(), e.timestampMillis()));
    }

    String functionOf(ContainerLookup.ContainerRef c) {
        String label = functionLabel.isEmpty() ? null : c.labels().get(functionLabel);
        return label != null && !label.isBlank() ? label.trim() : c.image();
    }

    private static String key(ContainerdEvent e) {
        return e.namespace() + "/" + e.subject();
    }
}

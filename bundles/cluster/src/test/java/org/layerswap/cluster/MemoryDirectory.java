package org.layerswap.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.layerswap.api.LayerId;

/**
 * Unit-test stand-in for {@link HazelcastLayerDirectory}: the same contract over in-process maps shared by the
 * {@link #member member views} of one {@link Shared} cluster (no network). Real Hazelcast is in the cluster tests.
 */
final class MemoryDirectory implements LayerDirectory {

    /** The cluster-wide state the member views share. */
    static final class Shared {
        final Map<String, Map<String, String>> layers = new ConcurrentHashMap<>(); // digest -> uuid -> endpoint
        final Map<String, String> pulls = new ConcurrentHashMap<>();
        final Object changed = new Object();
        /** Calls of awaitChange, to follow a waiter in tests. */
        volatile int waits;

        void changed() {
            synchronized (changed) {
                changed.notifyAll();
            }
        }

        MemoryDirectory member(String uuid, String endpoint) {
            return new MemoryDirectory(this, uuid, endpoint);
        }
    }

    private final Shared shared;
    private final String uuid;
    private final String endpoint;

    private MemoryDirectory(Shared shared, String uuid, String endpoint) {
        this.shared = shared;
        this.uuid = uuid;
        this.endpoint = endpoint;
    }

    @Override
    public Map<String, String> holders(LayerId id) {
        return new TreeMap<>(shared.layers.getOrDefault(id.digest(), Map.of()));
    }

    @Override
    public void add(LayerId id) {
        shared.layers.computeIfAbsent(id.digest(), k -> new ConcurrentHashMap<>()).put(uuid, endpoint);
        shared.changed();
    }

    @Override
    public void remove(LayerId id) {
        shared.layers.getOrDefault(id.digest(), new ConcurrentHashMap<>()).remove(uuid);
        shared.changed();
    }

    @Override
    public int removeMember(String member) {
        int n = 0;
        for (Map<String, String> h : shared.layers.values()) {
            n += h.remove(member) == null ? 0 : 1;
        }
        shared.pulls.values().removeIf(member::equals);
        shared.changed();
        return n;
    }

    @Override
    public Map<String, List<String>> layersByMember() {
        Map<String, List<String>> out = new TreeMap<>();
        shared.layers.forEach((d, h) -> h.keySet().forEach(u -> out.computeIfAbsent(u, k -> new ArrayList<>()).add(d)));
        return out;
    }

    @Override
    public boolean tryClaimPull(LayerId id) {
        String current = shared.pulls.putIfAbsent(id.digest(), uuid);
        return current == null || current.equals(uuid);
    }

    @Override
    public void releasePull(LayerId id) {
        shared.pulls.remove(id.digest(), uuid);
        shared.changed();
    }

    @Override
    public Optional<String> pullClaimant(LayerId id) {
        return Optional.ofNullable(shared.pulls.get(id.digest()));
    }

    @Override
    public void awaitChange(long maxMillis) throws InterruptedException {
        shared.waits++;
        synchronized (shared.changed) {
            shared.changed.wait(Math.max(1, maxMillis));
        }
    }

    @Override
    public String self() {
        return uuid;
    }
}

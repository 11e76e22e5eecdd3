package org.layerswap.replay.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeSettings;
import org.layerswap.replay.NodeView;
import org.layerswap.workload.LayerResolver;

class ExpiringLruPolicyTest {

    /** One function using three layers: dense layer ids 0..2. */
    private static final EventTable TABLE = EventTable.of(List.of(InvocationEvent.of("f", 0)), new LayerResolver() {
        @Override
        public List<LayerDescriptor> baseLayers(String functionId) {
            List<LayerDescriptor> layers = new ArrayList<>();
            for (char c : new char[] {'a', 'b', 'c'}) {
                layers.add(new LayerDescriptor(LayerId.of("sha256:" + String.valueOf(c).repeat(64)), 1_000_000, null));
            }
            return layers;
        }

        @Override
        public List<LayerDescriptor> optionalLayers(String functionId, Map<String, String> params) {
            return List.of();
        }
    });

    /** A node where the test decides what is resident and pinned; evictions are recorded. */
    private static final class Node implements NodeView {
        final Set<Integer> resident = new HashSet<>();
        final Set<Integer> pinned = new HashSet<>();
        final List<String> evicted = new ArrayList<>();

        @Override
        public EventTable table() {
            return TABLE;
        }

        @Override
        public NodeSettings config() {
            return new NodeSettings(10_000_000, 100e6, 20, 200e6);
        }

        @Override
        public long budgetBytes() {
            return 10_000_000;
        }

        @Override
        public long usedBytes() {
            return resident.size() * 1_000_000L;
        }

        @Override
        public boolean resident(int layer) {
            return resident.contains(layer);
        }

        @Override
        public boolean queued(int layer) {
            return false;
        }

        @Override
        public boolean pinned(int layer) {
            return pinned.contains(layer);
        }

        @Override
        public void evict(int layer, double atMillis) {
            resident.remove(layer);
            evicted.add(layer + "@" + (long) atMillis);
        }

        @Override
        public boolean prefetch(int layer) {
            return false;
        }

        @Override
        public long queuedPrefetchBytes() {
            return 0;
        }

        @Override
        public double now() {
            return 0;
        }
    }

    /** Expires every layer at a fixed time; records when it was asked. */
    private static final class ExpireAll extends ExpiringLruPolicy {
        final List<Long> asked = new ArrayList<>();
        final long at;

        ExpireAll(long at) {
            super("expire-all");
            this.at = at;
        }

        @Override
        protected void expire(long t) {
            asked.add(t);
            if (t > at) {
                for (int l = 0; l < 3; l++) {
                    if (node.resident(l) && !node.pinned(l)) {
                        node.evict(l, at);
                        onEvict(l);
                    }
                }
            }
        }
    }

    private static void insert(ExpiringLruPolicy p, Node node, int layer) {
        node.resident.add(layer);
        p.onInsert(layer, 0, false);
    }

    @Test
    void expiryIsAppliedBeforeEachInvocationAndOnceAtTheEnd() {
        Node node = new Node();
        ExpireAll p = new ExpireAll(50);
        p.init(node);
        insert(p, node, 0);
        insert(p, node, 1);
        node.pinned.add(1);

        p.beforeInvocation(0, 10);
        assertEquals(List.of(), node.evicted);
        p.beforeInvocation(1, 60);
        p.onEnd(70);

        assertEquals(List.of(10L, 60L, 70L), p.asked);
        assertEquals(List.of("0@50"), node.evicted);
        assertEquals("expire-all", p.name());
    }

    @Test
    void underBudgetPressureTheLeastRecentlyUsedUnpinnedLayerIsTheVictim() {
        Node node = new Node();
        ExpireAll p = new ExpireAll(Long.MAX_VALUE);
        p.init(node);
        insert(p, node, 0);
        insert(p, node, 1);
        insert(p, node, 2);
        p.onAccess(0, 0, 0, 5); // order now 1, 2, 0
        node.pinned.add(1);

        assertEquals(2, p.victim(5, -1, false));

        node.pinned.add(2);
        node.pinned.add(0);
        assertEquals(-1, p.victim(5, -1, false));
    }
}

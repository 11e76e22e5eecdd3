package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerswap.replay.Fixtures.MB;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.replay.policy.LruPolicy;

/** On-demand queueing on the link and preemption of an in-flight prefetch, worked out by hand. */
class LinkModelTest {

    static final LayerDescriptor A = Fixtures.layer('a', 100 * MB);
    static final LayerDescriptor B = Fixtures.layer('b', 50 * MB);
    static final LayerDescriptor D = Fixtures.layer('d', 100 * MB);
    static final NodeSettings NODE = new NodeSettings(1000 * MB, 100e6, 20, 200e6);
    static final Map<String, List<LayerDescriptor>> STACKS = Map.of("f1", List.of(A, B), "f3", List.of(D));

    /**
     * f1@0 fetches 150 MB: transfer 20..1520, ready 2270. f3@100 needs D (100 MB): its transfer waits
     * for the link until 1520, ends 2520, unpacked 3020: stall 2920.
     */
    @Test
    void onDemandFetchesQueueOnTheLink() {
        EventTable tab = EventTable.of(Fixtures.events("f1", 0, "f3", 100), Fixtures.resolver(STACKS, Map.of()));
        PolicyResult r = Fixtures.replay(tab, NODE, 0, new LruPolicy());
        assertEquals(2270 + 2920, r.totalStallMs(), 1e-6);
    }

    /**
     * A policy prefetches D right after f1@0. The link is busy with f1's fetch until 1520, so D's
     * prefetch (1520 ms of link time) runs from 1520; at f3@2000 480 ms are done and 1040/1520 remain.
     * The on-demand fetch preempts it and takes the remaining 68.42 MB: stall 20 + 1026.316 ms.
     */
    @Test
    void onDemandPreemptsAnInFlightPrefetch() {
        EventTable tab = EventTable.of(Fixtures.events("f1", 0, "f3", 2000), Fixtures.resolver(STACKS, Map.of()));
        ReplayPolicy p = new LruPolicy() {
            @Override
            public void afterInvocation(int event, long t) {
                if (event == 0) {
                    node.prefetch(node.table().layerIndex(D.id()));
                }
            }
        };
        PolicyResult r = Fixtures.replay(tab, NODE, 0, p);
        double remaining = 1040.0 / 1520.0;
        assertEquals(2270 + 20 + remaining * 1500, r.totalStallMs(), 1e-6);
        assertEquals(2, r.criticalPathInvocations());
        assertEquals(Math.round(150 * MB + remaining * 100 * MB), r.onDemandBytes());
        assertEquals(Math.round((1 - remaining) * 100 * MB), r.prefetchBytes());
        assertEquals(0, r.prefetchesCompleted());
    }

    /** A prefetch evicted before use is waste; one used is a hit. */
    @Test
    void wastedPrefetchIsCounted() {
        // budget 150 MB: D prefetched after f1 (done at 3.04 s, evicting the LRU A), then f1 at 60 s
        // needs A back and evicts D unused (B is pinned); f3 at 600 s fetches D again
        NodeSettings small = NODE.withBudget(150 * MB);
        EventTable tab = EventTable.of(Fixtures.events("f1", 0, "f1", 60_000, "f3", 600_000),
                Fixtures.resolver(STACKS, Map.of()));
        ReplayPolicy p = new LruPolicy() {
            @Override
            public void afterInvocation(int event, long t) {
                if (event == 0) {
                    node.prefetch(node.table().layerIndex(D.id()));
                }
            }
        };
        PolicyResult r = Fixtures.replay(tab, small, 0, p);
        assertEquals(100 * MB, r.wastedPrefetchBytes());
        assertEquals(1, r.prefetchesCompleted());
        assertEquals(0, r.prefetchesUsed());
        assertEquals(3, r.criticalPathInvocations());
        assertEquals(2270 + 1520 + 1520, r.totalStallMs(), 1e-6);
    }
}

package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.replay.Fixtures.MB;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerDescriptor;

/**
 * Hand-computed cluster runs. Layers A 100 MB (shared), B 50 MB, C 50 MB; f1 = [A, B], f2 = [A, C], f3 = [A].
 * Every node: budget 1 GB, registry 100 MB/s, RTT 20 ms, unpack 200 MB/s; LAN 1 GB/s, RTT 0.2 ms.
 */
class ClusterReplayTest {

    static final LayerDescriptor A = Fixtures.layer('a', 100 * MB);
    static final LayerDescriptor B = Fixtures.layer('b', 50 * MB);
    static final LayerDescriptor C = Fixtures.layer('c', 50 * MB);
    static final NodeSettings NODE = new NodeSettings(1000 * MB, 100e6, 20, 200e6);

    static EventTable table(long t2, long t3) {
        return EventTable.of(Fixtures.events("f1", 0, "f2", t2, "f3", t3),
                Fixtures.resolver(Map.of("f1", List.of(A, B), "f2", List.of(A, C), "f3", List.of(A)), Map.of()));
    }

    static ClusterResult run(EventTable tab, boolean peerCache, int... nodeOf) {
        ClusterSpec spec = new ClusterSpec(2, ClusterPlacement.HASH, peerCache, PeerLink.defaults(), 0.25, 1);
        return ClusterReplay.run(tab, NODE, 0, Policies.byName("lru", 60_000), spec, nodeOf, null);
    }

    /**
     * f1@0 on node 0 pulls A, B from the registry: 20 + 1500 + 750 = 2270 ms, A ready there at 2270.
     * f2@60s on node 1: A from node 0 over the LAN (0.2 + 100 ms) in parallel with C from the registry
     * (20 + 500), then unpack 150 MB (750): stall 1270. f3@120s on node 1 hits. Registry egress 200 MB, 100 MB
     * from the peer; without the peer cache node 1 pulls A too: 300 MB, stall 2270.
     */
    @Test
    void aSharedLayerIsPulledFromTheRegistryOnceAndCopiedToTheOtherNode() {
        EventTable tab = table(60_000, 120_000);
        ClusterResult on = run(tab, true, 0, 1, 1);
        assertEquals(200 * MB, on.registryBytes(), 1e-6);
        assertEquals(100 * MB, on.peerBytes(), 1e-6);
        assertEquals(2270 + 1270, on.perNode().get(0).totalStallMs() + on.perNode().get(1).totalStallMs(), 1e-6);
        assertEquals(2, on.registryServed());
        assertEquals(0, on.peerServed());
        ClusterResult off = run(tab, false, 0, 1, 1);
        assertEquals(300 * MB, off.registryBytes(), 1e-6);
        assertEquals(0, off.peerBytes(), 1e-6);
        assertEquals(2270 + 2270, off.perNode().get(1).totalStallMs() + off.perNode().get(0).totalStallMs(), 1e-6);
    }

    /** f3@60s on node 1 needs only A, held by node 0: a LAN-speed cold fetch, 0.2 + 100 + 500 (unpack) = 600.2 ms. */
    @Test
    void aColdFetchServedByAPeerRunsAtLanSpeed() {
        EventTable tab = EventTable.of(Fixtures.events("f1", 0, "f3", 60_000),
                Fixtures.resolver(Map.of("f1", List.of(A, B), "f3", List.of(A)), Map.of()));
        ClusterResult on = run(tab, true, 0, 1);
        assertEquals(1, on.peerServed());
        assertEquals(600.2, on.peerServedMeanMs(), 1e-6);
        assertEquals(1, on.registryServed());
        assertEquals(2270, on.registryServedMeanMs(), 1e-6);
        ClusterResult off = run(tab, false, 0, 1);
        assertEquals(0, off.peerServed());
        assertEquals((2270 + 1520) / 2.0, off.registryServedMeanMs(), 1e-6, "A from the registry: 20 + 1000 + 500");
    }

    /**
     * Cluster-wide single flight: f2@1 s on node 1 needs A while node 0 is still pulling it (ready at 2270): node 1
     * waits for node 0's copy (2270 + 100 ms over the LAN) instead of pulling A again; C from the registry ends at
     * 1520; unpack 750: ready 3120, stall 2120.
     */
    @Test
    void aLayerStillInFlightOnAPeerIsWaitedForNotPulledTwice() {
        ClusterResult on = run(table(1_000, 120_000), true, 0, 1, 1);
        assertEquals(200 * MB, on.registryBytes(), 1e-6);
        assertEquals(2120, on.perNode().get(1).totalStallMs(), 1e-6);
    }

    @Test
    void theHashPlacementKeepsEveryInvocationOfAFunctionOnOneNode() {
        EventTable tab = ReplayRunner.load(ReplayMain.parse(new String[] {"--trace", "synthetic:days=1,functions=40,seed=2"}),
                ProgressListener.NONE);
        int[] nodeOf = ClusterPlacement.HASH.assign(tab, 8, 0.25, 1);
        int[] nodeOfFunction = new int[tab.functionCount()];
        java.util.Arrays.fill(nodeOfFunction, -1);
        for (int e = 0; e < tab.size(); e++) {
            int f = tab.function(e);
            if (nodeOfFunction[f] < 0) {
                nodeOfFunction[f] = nodeOf[e];
            }
            assertEquals(nodeOfFunction[f], nodeOf[e], "function " + tab.functionId(f));
        }
        int[] random = ClusterPlacement.RANDOM.assign(tab, 8, 0.25, 1);
        assertArrayEquals(random, ClusterPlacement.RANDOM.assign(tab, 8, 0.25, 1), "seeded");
        int[] perNode = new int[8];
        for (int k : random) {
            perNode[k]++;
        }
        for (int c : perNode) {
            assertTrue(Math.abs(c - tab.size() / 8.0) < tab.size() / 40.0, "uniform: " + java.util.Arrays.toString(perNode));
        }
        assertEquals(ClusterPlacement.RANDOM, ClusterPlacement.parse("random"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterPlacement.parse("sticky"));
        assertTrue(e.getMessage().contains("hash or random"), e.getMessage());
    }

    @Test
    void aSubsetKeepsTheWholeTracesSpanAndClassesAndCountsItsOwnInvocations() {
        EventTable tab = table(60_000, 120_000);
        EventTable sub = tab.subset(new int[] {1});
        assertEquals(1, sub.size());
        assertEquals(0, sub.startMillis());
        assertEquals(120_000, sub.endMillis());
        assertEquals(tab.layerCount(), sub.layerCount());
        assertEquals(tab.functionId(tab.function(1)), sub.functionId(sub.function(0)));
        assertEquals(1, sub.invocations(sub.function(0)));
        assertEquals(tab.frequencyClass(0), sub.frequencyClass(0));
        assertThrows(IllegalArgumentException.class, () -> tab.subset(new int[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> tab.subset(new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> run(tab, true, 0, 1));
    }
}

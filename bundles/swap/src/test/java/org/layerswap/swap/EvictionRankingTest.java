package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.swap.NextUsePlanningTest.FakeNode;

class EvictionRankingTest {

    static final long MB = 1L << 20;

    /** Layers 0..n-1, each its own function's only layer, resident; next use of layer l at {@code next[l]}. */
    private static EvictionRanking ranking(FakeNode node, long[] next) {
        EvictionRanking r = new EvictionRanking(node, new NextUseEvictionPlanner(CostModel.DEFAULT),
                new BrokenStacks(node), (l, now) -> next[l]);
        r.resident().resize(next.length);
        for (int l = 0; l < next.length; l++) {
            node.resident[l] = true;
            r.resident().add(l);
        }
        return r;
    }

    @Test
    void theBestVictimIsTheUnpinnedLayerWithTheLargestKeyAndTiesGoToTheOlderLastUse() {
        FakeNode node = new FakeNode(3, 10 * MB, 30 * MB);
        long[] next = {50_000, 900_000, 900_000};
        EvictionRanking r = ranking(node, next);
        long[] lastUse = {0, 500, 100};
        assertEquals(2, r.best(1_000, lastUse), "1 and 2 tie on the key; 2 was used longer ago");
        assertEquals(r.key(2, 1_000), r.bestKey(), 1e-9);
        node.pinned[1] = true;
        node.pinned[2] = true;
        assertEquals(0, r.best(1_000, lastUse), "pinned layers are never victims");
        node.pinned[0] = true;
        assertEquals(-1, r.best(1_000, lastUse));
        assertEquals(-1, r.bestKey(), 0);
    }

    @Test
    void onlyUnpinnedLayersRankedAboveTheIncomingKeyCoverANeed() {
        FakeNode node = new FakeNode(3, 10 * MB, 30 * MB);
        node.size[2] = 40 * MB;
        long[] next = {50_000, 900_000, 2_000_000};
        EvictionRanking r = ranking(node, next);
        double incoming = r.key(1, 1_000) - 1; // just below layer 1: layers 1 and 2 rank above it
        assertEquals(100 * MB - 50 * MB, r.uncovered(100 * MB, incoming, 1_000));
        node.pinned[2] = true;
        assertEquals(100 * MB - 10 * MB, r.uncovered(100 * MB, incoming, 1_000), "a pinned layer covers nothing");
        assertEquals(-5 * MB, r.uncovered(5 * MB, incoming, 1_000), "stops at the first layer that covers the need");
    }

    @Test
    void oneSnapshotPassGivesEveryResidentLayersOwnKeyWithTheBrokenStackWeight() {
        // f0 = {0, 1} with layer 1 missing (broken), f1 = {2} whole; same size and next use
        FakeNode node = new FakeNode(3, 10 * MB, 30 * MB);
        node.fnLayers = new int[][] {{0, 1}, {2}, {}};
        node.layerFns = new int[][] {{0}, {0}, {1}};
        long[] next = {600_000, 600_000, 600_000};
        EvictionRanking r = ranking(node, next);
        node.resident[1] = false;
        r.resident().remove(1);
        Map<Integer, Double> pass = new HashMap<>();
        r.keys(1_000, pass::put);
        assertEquals(Map.of(0, r.key(0, 1_000), 2, r.key(2, 1_000)), pass);
        assertEquals(2 * pass.get(2), pass.get(0), 1e-3, "broken-only: weight 1/q = 2 before any outcome");
        assertTrue(r.best(1_000, new long[3]) == 0);
    }
}

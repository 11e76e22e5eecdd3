package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.layerswap.swap.NextUsePlanningTest.FakeNode;

class EvictionRankingTest {

    static final long MB = 1L << 20;

    /** Layers 0..n-1, each its own function's only layer, resident; next use of layer l at {@code next[l]}. */
    private static EvictionRanking ranking(FakeNode node, long[] next) {
        return ranking(node, next, EvictionRanking.SHORTLIST);
    }

    private static EvictionRanking ranking(FakeNode node, long[] next, int shortlist) {
        EvictionRanking r = new EvictionRanking(node, new NextUseEvictionPlanner(CostModel.DEFAULT),
                new BrokenStacks(node), (l, now) -> next[l], shortlist);
        r.resize(next.length);
        for (int l = 0; l < next.length; l++) {
            node.resident[l] = true;
            r.resident().add(l);
        }
        return r;
    }

    /** 12 layers, 10 functions: layer 0 a base shared by functions 0..7, each with its own layer i + 1; 8 and 9 share 10. */
    private static FakeNode sharedBaseNode() {
        FakeNode node = new FakeNode(12, 10 * MB, 120 * MB);
        node.fnLayers = new int[][] {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0, 6}, {0, 7}, {0, 8}, {9, 10}, {10, 11}, {}, {}};
        node.layerFns = new int[][] {{0, 1, 2, 3, 4, 5, 6, 7}, {0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {8, 9}, {9}};
        return node;
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

    /**
     * A make-room loop evicts several victims at one instant: re-ranking only the layers that share a function with
     * each victim ({@code bestAfter}) must pick, victim after victim, what a full pass over the node picks, with the
     * same key, broken-only weights included (a shared base layer whose users all break as their own layers go). It
     * picks from the pass's shortlist while that can tell, and sweeps again when not: whatever the list's length, pins
     * taken or released between two victims, and ties in key and last use.
     */
    @Test
    void victimsChainedAtOneInstantAreTheOnesFullPassesPickWhateverTheShortlistsLength() {
        Random rnd = new Random(7);
        for (int round = 0; round < 800; round++) {
            int shortlist = 1 + round % 4;
            FakeNode node = sharedBaseNode();
            long[] next = new long[12];
            long[] lastUse = new long[12];
            for (int l = 0; l < 12; l++) {
                next[l] = 2_000 + rnd.nextInt(600_000);
                lastUse[l] = rnd.nextInt(1_000);
                node.size[l] = (1 + rnd.nextInt(50)) * MB;
            }
            EvictionRanking chained = ranking(node, next, round % 8 == 7 ? EvictionRanking.SHORTLIST : shortlist);
            // some layers share a key and a last use (one function's layers): ties must fall as a sweep breaks them
            if (round % 3 == 0) {
                next[4] = next[3];
                node.size[4] = node.size[3];
                lastUse[4] = lastUse[3];
            }
            EvictionRanking full = new EvictionRanking(node, new NextUseEvictionPlanner(CostModel.DEFAULT),
                    new BrokenStacks(node), (l, now) -> next[l]);
            full.resize(12);
            for (int l = 0; l < 12; l++) { // the same resident order as the chained one's (ties follow it)
                full.resident().add(l);
            }
            for (int l = 0; l < 12; l++) {
                if (rnd.nextInt(5) == 0) { // missing from the start: its functions are broken
                    node.resident[l] = false;
                    chained.resident().remove(l);
                    full.resident().remove(l);
                } else {
                    node.pinned[l] = rnd.nextInt(6) == 0;
                }
            }
            long now = 1_000;
            int v = chained.best(now, lastUse);
            for (int step = 0; v >= 0; step++) {
                assertEquals(full.best(now, lastUse), v, "round " + round + ", victim " + step);
                assertEquals(full.bestKey(), chained.bestKey(), 0, "round " + round + ", victim " + step);
                node.resident[v] = false;
                chained.resident().remove(v);
                full.resident().remove(v);
                if (step == 1) { // a layer unpinned between two victims is ranked as a full pass would
                    for (int l = 0; l < 12; l++) {
                        node.pinned[l] = false;
                    }
                }
                if (step == 2 && round % 2 == 0) { // and one pinned after the pass is not picked while pinned
                    for (int l = 0; l < 12; l++) {
                        node.pinned[l] = node.resident[l] && rnd.nextInt(4) == 0;
                    }
                }
                v = chained.bestAfter(v == -1 ? 0 : v, now, lastUse);
            }
            assertEquals(-1, full.best(now, lastUse), "round " + round + ": both ran out of victims together");
        }
    }

    /**
     * A layer whose next use would be recounted over many functions ranks first by a cheap upper bound: the victims and
     * their keys, chained ones included, and the bytes ranked above an incoming key must be those of a pass that
     * recounts every layer, and a victim pass recounts a layer only when its bound reaches the best key of the layers
     * known without a recount; a recount that stops once it shows the layer below that key leaves a tighter bound.
     */
    @Test
    void layersRankedByAnUpperBoundAreRecountedOnlyWhenTheBoundCouldWinAndPickAsExactPassesDo() {
        Random rnd = new Random(11);
        int skipped = 0;
        long[] stops = {0};
        for (int round = 0; round < 300; round++) {
            FakeNode node = sharedBaseNode();
            long[] next = new long[12];
            long[] upper = new long[12];
            boolean[] known = new boolean[12];
            long[] lastUse = new long[12];
            for (int l = 0; l < 12; l++) {
                next[l] = 2_000 + rnd.nextInt(600_000);
                known[l] = rnd.nextInt(3) != 0;
                upper[l] = known[l] ? next[l] : next[l] + rnd.nextInt(300_000);
                lastUse[l] = rnd.nextInt(1_000);
                node.size[l] = (1 + rnd.nextInt(50)) * MB;
            }
            boolean[] recounted = new boolean[12];
            EvictionRanking.NextUse bounded = new EvictionRanking.NextUse() {
                public long at(int l, long now) {
                    recounted[l] |= !known[l];
                    return next[l];
                }
                public long atMost(int l, long now) {
                    return upper[l];
                }
                public boolean known(int l, long now) {
                    return known[l];
                }
                public long atOrBelow(int l, long now, EvictionRanking.Below below) {
                    long partial = next[l] + (upper[l] - next[l]) / 2; // a recount half way: a bound
                    if (!known[l] && partial > next[l] && below.test(partial)) {
                        recounted[l] = true;
                        below.stop();
                        stops[0]++;
                        return partial;
                    }
                    return at(l, now);
                }
            };
            EvictionRanking fast = new EvictionRanking(node, new NextUseEvictionPlanner(CostModel.DEFAULT),
                    new BrokenStacks(node), bounded, 1 + round % 3);
            EvictionRanking exact = new EvictionRanking(node, new NextUseEvictionPlanner(CostModel.DEFAULT),
                    new BrokenStacks(node), (l, now) -> next[l]);
            fast.resize(12);
            exact.resize(12);
            for (int l = 0; l < 12; l++) {
                node.resident[l] = rnd.nextInt(6) != 0;
                node.pinned[l] = node.resident[l] && rnd.nextInt(6) == 0;
                if (node.resident[l]) {
                    fast.resident().add(l);
                    exact.resident().add(l);
                }
            }
            long now = 1_000;
            double incoming = exact.key(rnd.nextInt(12), now) * rnd.nextDouble() * 2;
            long need = rnd.nextInt(200) * MB;
            assertEquals(exact.uncovered(need, incoming, now), fast.uncovered(need, incoming, now),
                    "round " + round + ": the bytes ranked above an incoming key");
            Arrays.fill(recounted, false);
            int v = fast.best(now, lastUse);
            double knownTop = -1;
            for (int l = 0; l < 12; l++) {
                if (node.resident[l] && !node.pinned[l] && known[l]) {
                    knownTop = Math.max(knownTop, exact.key(l, now));
                }
            }
            for (int l = 0; l < 12; l++) {
                if (node.resident[l] && !node.pinned[l] && !known[l]) {
                    double bound = new NextUseEvictionPlanner(CostModel.DEFAULT).key(upper[l], now, node.size[l]);
                    boolean brokenOnly = exact.key(l, now) != new NextUseEvictionPlanner(CostModel.DEFAULT).key(next[l], now, node.size[l]);
                    if (!brokenOnly && bound < knownTop) {
                        assertTrue(!recounted[l], "round " + round + ": layer " + l + "'s bound could not win, yet it was recounted");
                        skipped++;
                    }
                }
            }
            for (int step = 0; v >= 0; step++) {
                assertEquals(exact.best(now, lastUse), v, "round " + round + ", victim " + step);
                assertEquals(exact.bestKey(), fast.bestKey(), 0, "round " + round + ", victim " + step);
                node.resident[v] = false;
                fast.resident().remove(v);
                exact.resident().remove(v);
                v = fast.bestAfter(v, now, lastUse);
            }
            assertEquals(-1, exact.best(now, lastUse), "round " + round + ": both ran out of victims together");
        }
        assertTrue(skipped > 100, "bounds that cannot win are skipped, not recounted: " + skipped);
        assertTrue(stops[0] > 50, "recounts that stopped below the floor: " + stops[0]);
    }
}

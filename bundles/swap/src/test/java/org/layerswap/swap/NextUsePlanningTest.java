package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class NextUsePlanningTest {

    static final long MB = 1 << 20;
    static final long INTERVAL = 10_000;

    /** A node of {@code layers} layers, function f using layer f only (unless re-mapped), budget in bytes. */
    static final class FakeNode implements NextUsePlanning.Node {
        int[][] fnLayers;
        int[][] layerFns;
        long[] size;
        boolean[] resident;
        boolean[] queued;
        boolean[] pinned;
        long budget;
        /** Functions the placement put on another node (null: every function is local). */
        boolean[] remote;
        /** Whether the test reports every presence change to the planning ({@link NextUsePlanning.Node#reportsPresence}). */
        boolean reportsPresence;
        final List<Integer> started = new ArrayList<>();

        FakeNode(int n, long sizeEach, long budget) {
            fnLayers = new int[n][];
            layerFns = new int[n][];
            for (int i = 0; i < n; i++) {
                fnLayers[i] = new int[] {i};
                layerFns[i] = new int[] {i};
            }
            size = new long[n];
            Arrays.fill(size, sizeEach);
            resident = new boolean[n];
            queued = new boolean[n];
            pinned = new boolean[n];
            this.budget = budget;
        }

        @Override
        public int[] layersOf(int f) {
            return fnLayers[f];
        }

        @Override
        public int[] functionsUsing(int l) {
            return layerFns[l];
        }

        @Override
        public long sizeBytes(int l) {
            return size[l];
        }

        @Override
        public double fetchMillis(int l) {
            return size[l] / (100.0 * MB) * 1000;
        }

        @Override
        public boolean resident(int l) {
            return resident[l];
        }

        @Override
        public boolean queued(int l) {
            return queued[l];
        }

        @Override
        public boolean pinned(int l) {
            return pinned[l];
        }

        @Override
        public long usedBytes() {
            long u = 0;
            for (int l = 0; l < size.length; l++) {
                u += resident[l] ? size[l] : 0;
            }
            return u;
        }

        @Override
        public long queuedPrefetchBytes() {
            long u = 0;
            for (int l = 0; l < size.length; l++) {
                u += queued[l] ? size[l] : 0;
            }
            return u;
        }

        @Override
        public long budgetBytes() {
            return budget;
        }

        @Override
        public boolean local(int f) {
            return remote == null || !remote[f];
        }

        @Override
        public boolean reportsPresence() {
            return reportsPresence;
        }

        @Override
        public boolean prefetch(int l, int f) {
            queued[l] = true;
            started.add(l);
            return true;
        }
    }

    /** Fixed predictions: function f runs next at median[f] (earliest = median), seen at 0, probability p[f]. */
    static class FakeSource implements NextUseSource {
        long[] median;
        double[] p;
        boolean[] overdue;

        FakeSource(int n) {
            median = new long[n];
            p = new double[n];
            overdue = new boolean[n];
            Arrays.fill(p, 1.0);
        }

        @Override
        public long lastSeen(int f) {
            return 0;
        }

        @Override
        public long median(int f, long now) {
            return median[f];
        }

        @Override
        public long earliest(int f, long now) {
            return median[f];
        }

        @Override
        public boolean overdue(int f, long now) {
            return overdue[f];
        }

        @Override
        public double probabilityWithin(int f, long now, long horizonMillis) {
            return p[f];
        }
    }

    static NextUsePlanning planning(FakeNode node, FakeSource source) {
        return new NextUsePlanning(node, source, new NextUseEvictionPlanner(CostModel.DEFAULT), node.size.length,
                node.size.length, INTERVAL, 0.5, 4);
    }

    static void insert(FakeNode node, NextUsePlanning plan, int l, long t) {
        node.resident[l] = true;
        plan.onInsert(l, t, false);
    }

    @Test
    void theVictimIsTheUnpinnedResidentLayerNeededFurthestAway() {
        FakeNode node = new FakeNode(3, 10 * MB, 30 * MB);
        FakeSource source = new FakeSource(3);
        source.median[0] = 50_000;
        source.median[1] = 900_000;
        source.median[2] = 2_000_000;
        NextUsePlanning plan = planning(node, source);
        for (int l = 0; l < 3; l++) {
            insert(node, plan, l, 0);
        }
        plan.tick(1_000);
        node.pinned[2] = true;
        assertEquals(1, plan.victim(1_000, -1, false), "layer 2 is pinned, layer 1 is needed after layer 0");
        node.pinned[2] = false;
        assertEquals(2, plan.victim(1_000, -1, false));
    }

    @Test
    void aLayersNextUseIsTheEarliestOverTheFunctionsUsingIt() {
        FakeNode node = new FakeNode(2, 10 * MB, 30 * MB);
        node.fnLayers[1] = new int[] {0, 1};
        node.layerFns[0] = new int[] {0, 1};
        FakeSource source = new FakeSource(2);
        source.median[0] = 900_000;
        source.median[1] = 60_000;
        NextUsePlanning plan = planning(node, source);
        plan.tick(1_000);
        assertEquals(60_000, plan.nextOf(0, 1_000));
        assertEquals(60_000, plan.nextOf(1, 1_000));
    }

    @Test
    void aPrefetchDisplacesOnlyLayersTheOrderWouldEvictBeforeIt() {
        FakeNode node = new FakeNode(3, 10 * MB, 20 * MB);
        FakeSource source = new FakeSource(3);
        source.median[0] = 30_000;
        source.median[1] = 40_000;
        source.median[2] = 5_000_000;
        NextUsePlanning plan = planning(node, source);
        insert(node, plan, 0, 0);
        insert(node, plan, 1, 0);
        plan.tick(1_000);
        assertFalse(plan.tryPrefetch(2, 2, 5_000_000, 1_000), "both residents are needed sooner than layer 2");
        assertEquals(-1, plan.victim(1_000, 2, true));
        assertTrue(node.started.isEmpty());
    }

    /** Layers 1-2 needed far away, 3-4 just before function 5's layer 5; 6-7 evicted at 0 and 100 s (churn). */
    static NextUsePlanning churningNode(FakeNode node, FakeSource source, boolean churn) {
        long[] need = {0, 5_000_000, 5_000_000, 390_000, 390_000, 400_000, 9_000_000, 9_000_000};
        System.arraycopy(need, 0, source.median, 0, need.length);
        Arrays.fill(source.p, 0.0);
        NextUsePlanning plan = planning(node, source);
        for (int l = 1; l <= 4; l++) {
            insert(node, plan, l, 0);
        }
        plan.tick(0);
        if (churn) {
            plan.onInsert(6, 0, false);
            plan.onInsert(7, 0, false);
            plan.onEvictedOnDemand(6, 0);
            plan.onEvictedOnDemand(7, 100_000);
        }
        return plan;
    }

    @Test
    void aPrefetchWaitsUntilEnoughLayersRankAboveItToCoverWhatTheNodeWillEvictBeforeItsNeed() {
        FakeNode calm = new FakeNode(8, 10 * MB, 40 * MB);
        assertTrue(churningNode(calm, new FakeSource(8), false).tryPrefetch(5, 5, 400_000, 100_000),
                "no eviction seen: the 10 MB of room now is covered by layers 1-2");

        FakeNode node = new FakeNode(8, 10 * MB, 40 * MB);
        NextUsePlanning plan = churningNode(node, new FakeSource(8), true);
        assertFalse(plan.tryPrefetch(5, 5, 400_000, 100_000),
                "10 MB per 100 s evicted: 30 MB more before the need at 400 s, only 20 MB rank above layer 5");
        assertTrue(node.started.isEmpty());
        assertTrue(plan.tryPrefetch(5, 5, 400_000, 350_000),
                "50 s before the need about 1.4 MB more will go: 11.4 MB needed, 20 MB rank above");
        assertEquals(List.of(5), node.started);
    }

    @Test
    void theTickPrefetchesTheMissingLayersOfFunctionsDueNowAndNotOfThoseDueLater() {
        FakeNode node = new FakeNode(3, 10 * MB, 100 * MB);
        FakeSource source = new FakeSource(3);
        source.median[0] = 15_000;      // due: 15 s - 0.1 s transfer - 10 s interval < 6 s
        source.median[1] = 3_600_000;   // an hour away
        source.median[2] = 16_000;
        source.p[2] = 0.2;              // due, but unlikely within the cache lifetime
        NextUsePlanning plan = planning(node, source);
        plan.tick(6_000);
        assertEquals(List.of(0), node.started);
    }

    /**
     * Function 1 is due at 15 s; if it has not come by then its prediction moves out by hours, so an unused copy of its
     * layer would outrank the resident layer 0 for eviction within 20 s; it comes within 100 s only with P 0.9, within
     * less with P 0.3. Whether it is prefetched depends on how long the copy would stay: on what layer 0 is worth.
     */
    @Test
    void aDueLayerIsPrefetchedOnlyWhenItsFunctionLikelyComesBeforeAnUnusedCopyWouldBeEvicted() {
        for (long layer0Next : new long[] {1_000_000, 100_000_000}) {
            FakeNode node = new FakeNode(2, 10 * MB, 20 * MB);
            FakeSource source = new FakeSource(2) {
                @Override
                public long median(int f, long now) {
                    return f == 1 && now >= 26_000 ? now + 10_000_000 : super.median(f, now);
                }

                @Override
                public double probabilityWithin(int f, long now, long horizonMillis) {
                    return f == 1 ? (horizonMillis >= 100_000 ? 0.9 : 0.3) : super.probabilityWithin(f, now, horizonMillis);
                }
            };
            source.median[0] = layer0Next;
            source.median[1] = 15_000;
            NextUsePlanning plan = planning(node, source);
            insert(node, plan, 0, 0);
            plan.tick(6_000);
            assertEquals(layer0Next == 1_000_000 ? List.of() : List.of(1), node.started,
                    "layer 0 needed at " + layer0Next + " ms: an unused copy of layer 1 (needed in 10,000 s once late) "
                            + (layer0Next == 1_000_000 ? "would be the next victim after 20 s" : "would stay behind it"));
        }
    }

    @Test
    void theTickSkipsFunctionsWhosePredictionIsOverdue() {
        FakeNode node = new FakeNode(1, 10 * MB, 100 * MB);
        FakeSource source = new FakeSource(1);
        source.median[0] = 7_000;
        source.overdue[0] = true;
        NextUsePlanning plan = planning(node, source);
        plan.tick(6_000);
        assertTrue(node.started.isEmpty());
    }

    @Test
    void aFunctionWhosePrefetchedBytesWereWastedLosesItsCreditUntilOneIsUsed() {
        FakeNode node = new FakeNode(2, 10 * MB, 100 * MB);
        FakeSource source = new FakeSource(2);
        source.median[0] = 15_000;
        source.median[1] = 3_600_000;
        NextUsePlanning plan = planning(node, source);
        plan.tick(6_000);
        assertEquals(List.of(0), node.started);
        node.queued[0] = false;
        node.resident[0] = true;
        plan.onInsert(0, 7_000, true);
        node.resident[0] = false;
        plan.onEvict(0);
        assertFalse(plan.credit().allows(0), "evicted unused");
        assertFalse(plan.tryPrefetch(0, 0, 15_000, 8_000));
        plan.credit().used(0, 10 * MB);
        assertFalse(plan.tryPrefetch(0, 0, 15_000, 8_000), "even, but the node would stake 10 MB it has not earned");
        plan.credit().used(1, 10 * MB);
        assertTrue(plan.tryPrefetch(0, 0, 15_000, 8_000));
    }

    @Test
    void theNodesStakeCountsItsPrefetchesThatAreQueuedOrLandedAndNotUsedYet() {
        FakeNode node = new FakeNode(3, 10 * MB, 100 * MB);
        FakeSource source = new FakeSource(3);
        Arrays.fill(source.median, 15_000);
        NextUsePlanning plan = planning(node, source);
        plan.credit().used(2, 15 * MB); // an outcome: 15 MB earned, nothing wasted
        assertTrue(plan.tryPrefetch(0, 0, 15_000, 8_000), "10 MB on 15 earned");
        assertFalse(plan.tryPrefetch(1, 1, 15_000, 8_000), "10 more while the first 10 are queued: 20 > 15");
        node.queued[0] = false;
        node.resident[0] = true;
        plan.onInsert(0, 9_000, true);
        assertFalse(plan.tryPrefetch(1, 1, 15_000, 9_000), "landed but not used: still at stake");
        plan.onAccess(0, 10_000);
        assertTrue(plan.tryPrefetch(1, 1, 15_000, 10_000), "used: 25 MB earned, nothing at stake");
    }

    @Test
    void aPrefetchedLayerUsedByAnInvocationCountsAsUsedOnce() {
        FakeNode node = new FakeNode(1, 10 * MB, 100 * MB);
        FakeSource source = new FakeSource(1);
        source.median[0] = 15_000;
        NextUsePlanning plan = planning(node, source);
        plan.tick(6_000);
        node.queued[0] = false;
        node.resident[0] = true;
        plan.onInsert(0, 7_000, true);
        plan.onAccess(0, 15_000);
        plan.onEvict(0);
        assertTrue(plan.credit().allows(0), "used 10 MB, wasted none");
        assertEquals(0, plan.residentCount());
    }

    @Test
    void theMarginLearnsHowEarlyFunctionsCameAgainstThePredictedEarliestUse() {
        FakeNode node = new FakeNode(1, 10 * MB, 100 * MB);
        FakeSource source = new FakeSource(1);
        source.median[0] = 20_000;
        NextUsePlanning plan = planning(node, source);
        plan.afterObserve(0, 0);
        plan.beforeObserve(0, 15_000);
        assertEquals(5_000, plan.jit().marginMillis());
    }

    @Test
    void onDemandVictimsTeachTheCacheLifetime() {
        FakeNode node = new FakeNode(1, 10 * MB, 10 * MB);
        FakeSource source = new FakeSource(1);
        source.median[0] = 500_000;
        NextUsePlanning plan = planning(node, source);
        insert(node, plan, 0, 1_000);
        assertEquals(0, plan.victim(61_000, -1, false));
        assertEquals(60_000, plan.jit().lifetimeMillis(), 0.0);
    }

    @Test
    void theIndexSpacesGrowAndKeepWhatWasLearned() {
        FakeNode node = new FakeNode(1, 10 * MB, 100 * MB);
        NextUsePlanning plan = planning(node, new FakeSource(1));
        insert(node, plan, 0, 0);
        plan.resize(5, 7);
        assertEquals(5, plan.functionCount());
        assertEquals(7, plan.layerCount());
        assertTrue(plan.resident(0));
        assertFalse(plan.resident(6));
    }

    @Test
    void aNextUseThatPassedSinceTheTickIsReReadFromItsFunctionsBeforeItCountsAsOverdue() {
        FakeNode node = new FakeNode(2, 10 * MB, 30 * MB);
        FakeSource source = new FakeSource(2);
        source.median[0] = 50_000;
        source.median[1] = 400_000;
        NextUsePlanning plan = planning(node, source);
        insert(node, plan, 0, 0);
        insert(node, plan, 1, 0);
        plan.tick(40_000);
        // function 0's median moved on (it did not come at 50 s) before the next tick
        source.median[0] = 120_000;
        assertEquals(120_000, plan.nextOf(0, 55_000), "not now + 55 s of idle time: its function still predicts a use");
        assertEquals(1, plan.victim(55_000, -1, false), "layer 1 is needed later");
        // no function predicts a later use: overdue, ranked by its idle time
        source.median[0] = 50_000;
        plan.tick(130_000);
        assertEquals(130_000 + 130_000, plan.nextOf(0, 130_000));
    }

    @Test
    void aLayerWhoseEveryUserAlreadyMissesAnotherLayerIsEvictedBeforeAnEquallyNeededWholeOne() {
        // f0 = {0, 1}, f1 = {2}; all needed at the same time, same size; layer 1 is not resident, so f0 is broken
        FakeNode node = new FakeNode(3, 10 * MB, 30 * MB);
        node.fnLayers = new int[][] {{0, 1}, {2}, {}};
        node.layerFns = new int[][] {{0}, {0}, {1}};
        FakeSource source = new FakeSource(3);
        source.median[0] = 600_000;
        source.median[1] = 600_000;
        NextUsePlanning plan = planning(node, source);
        insert(node, plan, 0, 0);
        insert(node, plan, 2, 0);
        plan.tick(1_000);
        assertEquals(plan.evictionKey(2, 1_000) * 2, plan.evictionKey(0, 1_000), 1e-3,
                "before any outcome a broken-only layer weighs twice (q = 1/2)");
        assertEquals(0, plan.victim(1_000, -1, false));
        node.resident[1] = true; // f0 whole again
        assertEquals(plan.evictionKey(2, 1_000), plan.evictionKey(0, 1_000), 1e-3);
    }

    @Test
    void theOnePassKeySnapshotEqualsEachResidentLayersOwnKeyAndSkipsTheLayersNotResident() {
        // f0 = {0, 1} is broken (1 not resident), f1 = {2} whole, f2 = {3} whole: the pass must weigh 0 like its own key
        FakeNode node = new FakeNode(4, 10 * MB, 40 * MB);
        node.fnLayers = new int[][] {{0, 1}, {2}, {3}, {}};
        node.layerFns = new int[][] {{0}, {0}, {1}, {2}};
        FakeSource source = new FakeSource(4);
        source.median[0] = 600_000;
        source.median[1] = 300_000;
        source.median[2] = 900_000;
        NextUsePlanning plan = planning(node, source);
        insert(node, plan, 0, 0);
        insert(node, plan, 2, 0);
        insert(node, plan, 3, 0);
        plan.tick(1_000);
        Map<Integer, Double> pass = new HashMap<>();
        plan.evictionKeys(1_000, (l, key) -> assertNull(pass.put(l, key), "each resident layer once"));
        assertEquals(Set.of(0, 2, 3), pass.keySet());
        for (int l : new int[] {0, 2, 3}) {
            assertEquals(plan.evictionKey(l, 1_000), pass.get(l), 1e-9, "layer " + l);
        }
        assertTrue(pass.get(0) > pass.get(2) * 2, "the broken-only layer's weight is in the snapshot too");
    }
}

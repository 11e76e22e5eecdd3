package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.layerswap.swap.NextUsePlanningTest.FakeNode;
import org.layerswap.swap.NextUsePlanningTest.FakeSource;

class MissingLayersTest {

    static final long MB = 1 << 20;

    /** {@code nf} functions over {@code nl} layers; layer 0 is a base every function uses, the rest drawn at random. */
    static FakeNode randomNode(Random rnd, int nf, int nl) {
        return randomNode(rnd, nf, nl, true);
    }

    /** As above; without the shared base, a function holds its own layer {@code f % nl} and one or two drawn ones. */
    static FakeNode randomNode(Random rnd, int nf, int nl, boolean sharedBase) {
        FakeNode node = new FakeNode(nl, 10 * MB, 40 * MB * nl);
        node.fnLayers = new int[nf][];
        List<List<Integer>> users = new ArrayList<>();
        for (int l = 0; l < nl; l++) {
            users.add(new ArrayList<>());
        }
        for (int f = 0; f < nf; f++) {
            List<Integer> ls = new ArrayList<>(List.of(sharedBase ? 0 : f % nl));
            for (int l = 1; l < nl; l++) {
                if (sharedBase ? rnd.nextInt(4) == 0 : !ls.contains(l) && rnd.nextInt(nl) < 2) {
                    ls.add(l);
                }
            }
            node.fnLayers[f] = ls.stream().mapToInt(Integer::intValue).toArray();
            for (int l : ls) {
                users.get(l).add(f);
            }
        }
        node.layerFns = new int[nl][];
        for (int l = 0; l < nl; l++) {
            node.layerFns[l] = users.get(l).stream().mapToInt(Integer::intValue).toArray();
        }
        node.remote = new boolean[nf];
        for (int f = 0; f < nf; f++) {
            node.remote[f] = rnd.nextInt(5) == 0;
        }
        return node;
    }

    @Test
    void countsKeptFromPresenceChangesEqualARecountAfterEveryChange() {
        Random rnd = new Random(7);
        for (int round = 0; round < 50; round++) {
            FakeNode node = randomNode(rnd, 2 + rnd.nextInt(10), 2 + rnd.nextInt(12));
            int nf = node.fnLayers.length;
            int nl = node.size.length;
            MissingLayers counts = new MissingLayers(node);
            counts.resize(nf, nl);
            BrokenStacks recount = new BrokenStacks(node);
            recount.resize(nf, nl);
            for (int step = 0; step < 200; step++) {
                int l = rnd.nextInt(nl);
                switch (rnd.nextInt(3)) {
                    case 0 -> node.resident[l] = !node.resident[l];
                    case 1 -> node.queued[l] = !node.queued[l] && !node.resident[l];
                    default -> { } // a refresh without a change changes nothing
                }
                counts.refresh(l);
                recount.beginScan();
                for (int f = 0; f < nf; f++) {
                    int m = 0;
                    for (int o : node.fnLayers[f]) {
                        m += node.resident[o] || node.queued[o] ? 0 : 1;
                    }
                    assertEquals(m, counts.missing(f), "round " + round + ", step " + step + ", function " + f);
                }
                for (int k = 0; k < nl; k++) {
                    assertEquals(recount.allUsersBroken(k), counts.allUsersMissAnother(k),
                            "round " + round + ", step " + step + ", layer " + k);
                }
            }
        }
    }

    @Test
    void aLayerWithoutLocalUsersIsNeverAllBroken() {
        FakeNode node = BrokenStacksTest.twoFunctionsSharingALayer();
        node.remote = new boolean[] {true, true};
        MissingLayers counts = new MissingLayers(node);
        counts.resize(2, 3);
        node.resident[1] = true;
        counts.refresh(1);
        assertFalse(counts.allUsersMissAnother(1), "present, but nobody here uses it");
        assertFalse(counts.allUsersMissAnother(2), "absent, and nobody here uses it");
        node.remote = null;
        MissingLayers local = new MissingLayers(node);
        local.resize(2, 3);
        local.refresh(1);
        assertTrue(local.allUsersMissAnother(1), "f0 misses 0 and f1 misses 2");
    }

    /**
     * f0 = {0, 1}, f1 = {1, 2}; 1 resident, 2 absent (f1 broken), 0 being prefetched (f0 whole). When the prefetch of 0
     * ends and room is made for it, f0 is broken too, so layer 1 is worth a broken layer's key: the planning must hear
     * that the fetch ended, not only that the layer landed.
     */
    @Test
    void aPrefetchThatEndedButHasNotLandedBreaksItsFunctionsWhileRoomIsMadeForIt() {
        for (boolean reports : new boolean[] {false, true}) {
            FakeNode node = BrokenStacksTest.twoFunctionsSharingALayer();
            node.reportsPresence = reports;
            FakeSource source = new FakeSource(2);
            source.median[0] = source.median[1] = 500_000;
            NextUsePlanning p = planning(node, source);
            NextUsePlanningTest.insert(node, p, 1, 0);
            assertTrue(p.tryPrefetch(0, 0, 500_000, 0));
            double whole = p.evictionKey(1, 1_000);
            node.queued[0] = false;
            p.onPresenceChanged(0);
            double broken = p.evictionKey(1, 1_000);
            assertEquals(2 * whole, broken, 1e-6 * whole, "reports presence: " + reports);
        }
    }

    static NextUsePlanning planning(FakeNode node, FakeSource source) {
        return new NextUsePlanning(node, source, new NextUseEvictionPlanner(CostModel.DEFAULT), node.fnLayers.length,
                node.size.length, 10_000, 0.5, 4);
    }

    /**
     * One random history (inserts, prefetches that start, end and land or are dropped, evictions by the planning's own
     * victims) driven into two plannings over twin nodes, one that reports its presence changes and one that does not:
     * every victim and every key must be the same.
     */
    @Test
    void aNodeThatReportsPresenceGetsTheVictimsOfOneThatIsCountedEveryPass() {
        Random rnd = new Random(11);

        for (int round = 0; round < 30; round++) {
            long seed = rnd.nextLong();
            FakeNode counted = randomNode(new Random(seed), 12, 16, round % 2 == 0);
            FakeNode reporting = randomNode(new Random(seed), 12, 16, round % 2 == 0);
            reporting.reportsPresence = true;
            FakeSource source = new FakeSource(12);
            for (int f = 0; f < 12; f++) {
                source.median[f] = 1_000 + rnd.nextInt(900_000);
            }
            NextUsePlanning a = planning(counted, source);
            NextUsePlanning b = planning(reporting, source);
            for (int step = 0; step < 300; step++) {
                long t = 10_000L * step;
                int l = rnd.nextInt(16);
                int action = rnd.nextInt(5);
                int f = rnd.nextInt(12);
                int[] whileLanding = new int[2];
                double[][] keysWhileLanding = new double[2][16];
                for (FakeNode node : new FakeNode[] {counted, reporting}) {
                    NextUsePlanning p = node == counted ? a : b;
                    switch (action) {
                        case 0 -> { // an on-demand fetch lands
                            if (!node.resident[l] && !node.queued[l]) {
                                NextUsePlanningTest.insert(node, p, l, t);
                            }
                        }
                        case 1 -> { // a prefetch starts
                            p.tryPrefetch(l, f, t + 60_000, t);
                        }
                        case 2 -> { // a prefetch ends: kept or dropped
                            if (node.queued[l]) {
                                node.queued[l] = false;
                                p.onPresenceChanged(l);
                                for (int k = 0; k < 16; k++) { // room for it is made now
                                    keysWhileLanding[node == counted ? 0 : 1][k] = node.resident[k] ? p.evictionKey(k, t) : -1;
                                }
                                whileLanding[node == counted ? 0 : 1] = p.victim(t, l, true);
                                if (l % 2 == 0) {
                                    node.resident[l] = true;
                                    p.onInsert(l, t, true);
                                } else {
                                    p.onPrefetchDropped(l);
                                }
                            }
                        }
                        default -> { // room is made: the planning's victims leave
                            for (int k = 0; k < 2; k++) {
                                int v = p.victim(t, -1, false);
                                if (v >= 0) {
                                    node.resident[v] = false;
                                    p.onEvict(v);
                                }
                            }
                        }
                    }
                }
                assertEquals(whileLanding[0], whileLanding[1], "round " + round + ", step " + step + ", a prefetch landing");
                assertArrayEquals(keysWhileLanding[0], keysWhileLanding[1], "round " + round + ", step " + step);
                for (int k = 0; k < 16; k++) {
                    if (counted.resident[k]) {
                        assertEquals(a.evictionKey(k, t), b.evictionKey(k, t), 0, "round " + round + ", step " + step);
                    }
                }
                assertEquals(a.victim(t, -1, true), b.victim(t, -1, true), "round " + round + ", step " + step);
            }
        }
    }
}

package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.layerswap.swap.NextUsePlanningTest.FakeNode;
import org.layerswap.swap.NextUsePlanningTest.FakeSource;

class LayerNextUseTest {

    static final long MB = 1L << 20;

    @Test
    void aRunLeavesASharedLayersPassedNextUseToBeRecountedOverAllItsFunctionsNotSetToTheOneThatRan() {
        // f0 = {0, 1}, f1 = {0, 2}: layer 0 is shared
        FakeNode node = new FakeNode(3, 10 * MB, 30 * MB);
        node.fnLayers = new int[][] {{0, 1}, {0, 2}, {}};
        node.layerFns = new int[][] {{0, 1}, {0}, {1}};
        FakeSource source = new FakeSource(3);
        source.median[0] = 300_000;
        source.median[1] = 60_000;
        NextUsePlanning plan = NextUsePlanningTest.planning(node, source);
        plan.tick(0);
        assertEquals(60_000, plan.nextOf(0, 1_000), "the sooner of its two functions");
        // f1 did not come at 60 s and now predicts 90 s; f0 runs at 70 s and predicts 400 s
        source.median[1] = 90_000;
        source.median[0] = 400_000;
        plan.beforeObserve(0, 70_000);
        plan.afterObserve(0, 70_000);
        assertEquals(90_000, plan.nextOf(0, 70_000), "f1 still predicts the sooner use, not f0's 400 s");
        assertEquals(300_000, plan.nextOf(1, 70_000), "a run only lowers a next use that has not passed");
        source.median[0] = 500_000;
        plan.beforeObserve(0, 350_000);
        plan.afterObserve(0, 350_000);
        assertEquals(500_000, plan.nextOf(1, 350_000), "a passed one of f0's own layer is f0's median");
    }

    @Test
    void theBoundOfAPassedSharedLayerIsNeverBelowItsRecountAndARecountStopsOnlyOnceItFallsBelowTheFloor() {
        Random rnd = new Random(5);
        int stops = 0;
        for (int round = 0; round < 500; round++) {
            int nf = 2 + rnd.nextInt(6);
            FakeNode node = new FakeNode(nf + 1, 10 * MB, 100 * MB);
            node.fnLayers = new int[nf + 1][];
            node.layerFns = new int[nf + 1][];
            int[] users = new int[nf];
            for (int f = 0; f < nf; f++) {
                node.fnLayers[f] = new int[] {0, f + 1};
                node.layerFns[f + 1] = new int[] {f};
                users[f] = f;
            }
            node.fnLayers[nf] = new int[0];
            node.layerFns[0] = users;
            FakeSource source = new FakeSource(nf + 1);
            for (int f = 0; f < nf; f++) {
                source.median[f] = 10_000 + rnd.nextInt(500_000);
            }
            FunctionPredictions predictions = new FunctionPredictions(source);
            predictions.resize(nf + 1);
            LayerNextUse next = new LayerNextUse(node, source, predictions);
            long[] lastUse = new long[nf + 1];
            next.resize(nf + 1, lastUse);
            predictions.readChanged(nf + 1, 0);
            next.refresh(nf + 1);
            long now = 10_000 + rnd.nextInt(600_000); // often past the soonest median
            lastUse[0] = now - rnd.nextInt(20_000);
            long idle = now + now - lastUse[0];
            for (int f = 0; f < nf; f++) { // the functions' predictions move on, later or earlier
                source.median[f] = rnd.nextBoolean() ? now + rnd.nextInt(300_000) : source.median[f];
            }
            boolean known = next.known(0, now);
            long bound = next.atMost(0, now);
            // a recount against a floor: a next use before the cut keeps the layer below it
            long cut = now + rnd.nextInt(400_000);
            NextUseEvictionPlanner evictor = new NextUseEvictionPlanner(CostModel.DEFAULT);
            EvictionRanking.Below below = new EvictionRanking.Below(evictor);
            below.set(now, node.sizeBytes(0), 1, evictor.key(cut, now, node.sizeBytes(0)), false);
            long stoppedAt = next.atOrBelow(0, now, below);
            boolean stopped = below.stopped;
            long exact = next.at(0, now);
            assertTrue(bound >= exact, "round " + round + ": bound " + bound + " below the recount " + exact);
            if (known) {
                assertEquals(exact, bound, "round " + round + ": a known next use is its own bound");
            }
            if (stopped) {
                assertTrue(stoppedAt >= exact && stoppedAt < cut, "round " + round + ": a recount stopped at "
                        + stoppedAt + " must bound the next use " + exact + " and fall below the cut " + cut);
                stops++;
            } else {
                assertEquals(exact, stoppedAt, "round " + round + ": a recount that did not stop is the next use");
                assertTrue(known || Math.max(exact, idle) >= cut, "round " + round + ": a recount that could tell went on");
            }
        }
        assertTrue(stops > 50, "recounts that can tell early stop early: " + stops);
    }
}

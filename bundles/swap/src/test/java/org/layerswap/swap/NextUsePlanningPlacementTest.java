package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.NextUsePlanningTest.MB;
import static org.layerswap.swap.NextUsePlanningTest.insert;
import static org.layerswap.swap.NextUsePlanningTest.planning;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.swap.NextUsePlanningTest.FakeNode;
import org.layerswap.swap.NextUsePlanningTest.FakeSource;

/** {@link NextUsePlanning} on a cluster node: functions placed elsewhere ({@code Node#local} false). */
class NextUsePlanningPlacementTest {

    @Test
    void aFunctionPlacedOnAnotherNodeIsNeitherPrefetchedForAtTheTickNorWhenPlannedAlone() {
        FakeNode node = new FakeNode(3, 10 * MB, 100 * MB);
        node.remote = new boolean[] {false, true, false};
        FakeSource source = new FakeSource(3);
        source.median[0] = 15_000; // every function due at the tick at 6 s
        source.median[1] = 15_000;
        source.median[2] = 16_000;
        NextUsePlanning plan = planning(node, source);
        plan.tick(6_000);
        assertEquals(List.of(0, 2), node.started, "function 1 is due too but placed elsewhere");
        plan.planFunction(1, 7_000);
        assertFalse(plan.tryPrefetch(1, 1, 15_000, 7_000), "not even asked directly (a data layer's prefetch)");
        assertEquals(List.of(0, 2), node.started);
    }

    @Test
    void theSameFunctionsArePrefetchedForOnceTheyAreLocalAgain() {
        FakeNode node = new FakeNode(2, 10 * MB, 100 * MB);
        node.remote = new boolean[] {true, true};
        FakeSource source = new FakeSource(2);
        source.median[0] = 15_000;
        source.median[1] = 15_000;
        NextUsePlanning plan = planning(node, source);
        plan.tick(6_000);
        assertTrue(node.started.isEmpty());
        node.remote[1] = false; // a member left: function 1 is placed here now
        plan.tick(6_500);
        assertEquals(List.of(1), node.started);
    }

    @Test
    void aLayerUsedOnlyByFunctionsPlacedElsewhereIsEvictedFirstEvenWhenTheyRunSoon() {
        FakeNode node = new FakeNode(3, 10 * MB, 30 * MB);
        node.remote = new boolean[] {true, false, false};
        FakeSource source = new FakeSource(3);
        source.median[0] = 20_000;     // elsewhere, soon
        source.median[1] = 900_000;
        source.median[2] = 2_000_000;  // here, far
        NextUsePlanning plan = planning(node, source);
        for (int l = 0; l < 3; l++) {
            insert(node, plan, l, 0);
        }
        plan.tick(1_000);
        assertEquals(Long.MAX_VALUE, plan.nextOf(0, 1_000), "not needed here");
        assertTrue(plan.evictionKey(0, 1_000) > plan.evictionKey(2, 1_000));
        assertEquals(0, plan.victim(1_000, -1, false));
        plan.onEvict(0);
        node.resident[0] = false;
        assertEquals(2, plan.victim(1_000, -1, false), "then the local layer needed furthest away");
    }

    @Test
    void aSharedLayerKeepsTheEarliestNextUseOverTheLocalFunctionsOnly() {
        FakeNode node = new FakeNode(2, 10 * MB, 30 * MB);
        node.fnLayers[1] = new int[] {0, 1}; // layer 0: base of function 0 (elsewhere) and function 1 (here)
        node.layerFns[0] = new int[] {0, 1};
        node.remote = new boolean[] {true, false};
        FakeSource source = new FakeSource(2);
        source.median[0] = 60_000;
        source.median[1] = 900_000;
        NextUsePlanning plan = planning(node, source);
        insert(node, plan, 0, 0);
        insert(node, plan, 1, 0);
        plan.tick(1_000);
        assertEquals(900_000, plan.nextOf(0, 1_000), "function 0's sooner run does not count here");
        plan.afterObserve(0, 2_000); // an invocation of function 0 did arrive here: it ran, nothing is lowered
        assertEquals(900_000, plan.nextOf(0, 2_000));
        assertEquals(900_000, plan.nextOf(1, 2_000));
        node.remote[0] = false;
        plan.tick(3_000);
        assertEquals(60_000, plan.nextOf(0, 3_000), "placed here again: its run counts");
    }

    @Test
    void aPassedNextUseIsReReadFromTheLocalFunctionsOnly() {
        FakeNode node = new FakeNode(2, 10 * MB, 30 * MB);
        node.fnLayers[1] = new int[] {0, 1};
        node.layerFns[0] = new int[] {0, 1};
        FakeSource source = new FakeSource(2);
        source.median[0] = 5_000;
        source.median[1] = 5_000;
        NextUsePlanning plan = planning(node, source);
        insert(node, plan, 0, 0);
        plan.tick(1_000);
        source.median[0] = 60_000; // both predictions moved on after 5 s, function 0 to a sooner run than function 1
        source.median[1] = 900_000;
        node.remote = new boolean[] {true, false};
        assertEquals(900_000, plan.nextOf(0, 10_000));
    }
}

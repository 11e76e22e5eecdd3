package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsistentPlacementTest {

    @Test
    void aPlacedFunctionKeepsItsNode() {
        ConsistentPlacement p = new ConsistentPlacement(8, 0.25);
        int first = p.nodeOf("app/f");
        for (int i = 0; i < 500; i++) {
            p.nodeOf("other-" + i);
        }
        assertEquals(first, p.nodeOf("app/f"));
        assertEquals(501, p.placedFunctions());
    }

    @Test
    void noNodeEverExceedsTheBoundedLoad() {
        for (int nodes : new int[] {1, 3, 8, 16}) {
            for (double eps : new double[] {0, 0.1, 0.25, 1}) {
                ConsistentPlacement p = new ConsistentPlacement(nodes, eps);
                for (int m = 1; m <= 1500; m++) {
                    p.nodeOf("fn-" + m);
                    long cap = (long) Math.ceil((1 + eps) * m / nodes);
                    int sum = 0;
                    for (int k = 0; k < nodes; k++) {
                        assertTrue(p.load(k) <= cap, "node " + k + " load " + p.load(k) + " > " + cap + " at m=" + m
                                + ", nodes=" + nodes + ", eps=" + eps);
                        sum += p.load(k);
                    }
                    assertEquals(m, sum);
                }
            }
        }
    }

    @Test
    void theSameFunctionsInTheSameOrderGetTheSameNodes() {
        ConsistentPlacement a = new ConsistentPlacement(16, 0.25);
        ConsistentPlacement b = new ConsistentPlacement(16, 0.25);
        for (int i = 0; i < 300; i++) {
            assertEquals(a.nodeOf("f" + i), b.nodeOf("f" + i));
        }
    }

    /** Consistency: without a binding load bound, a new node only takes functions, it never shuffles the others. */
    @Test
    void addingANodeMovesFunctionsOnlyToTheNewNode() {
        ConsistentPlacement eight = new ConsistentPlacement(8, 1000);
        ConsistentPlacement nine = new ConsistentPlacement(9, 1000);
        int moved = 0;
        int total = 3000;
        for (int i = 0; i < total; i++) {
            int before = eight.nodeOf("f" + i);
            int after = nine.nodeOf("f" + i);
            if (before != after) {
                assertEquals(8, after, "f" + i + " moved from " + before + " to an old node");
                moved++;
            }
        }
        assertTrue(moved > total / 20 && moved < total / 4, "about 1/9 should move; moved " + moved);
    }

    @Test
    void theHashSpreadsFunctionsOverAllNodes() {
        ConsistentPlacement p = new ConsistentPlacement(16, 1000);
        for (int i = 0; i < 4000; i++) {
            p.nodeOf("func-" + i);
        }
        for (int k = 0; k < 16; k++) {
            assertTrue(p.load(k) > 4000 / 16 / 2 && p.load(k) < 4000 / 16 * 2, "node " + k + ": " + p.load(k));
        }
    }

    @Test
    void badSettingsAreRefusedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConsistentPlacement(0, 0.25));
        assertTrue(e.getMessage().contains("nodes=0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConsistentPlacement(4, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new ConsistentPlacement(4, 0, 0.25));
        assertThrows(IllegalArgumentException.class, () -> new ConsistentPlacement(4, Double.NaN));
    }
}

package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerswap.swap.NextUsePlanningTest.FakeNode;

class BrokenStacksTest {

    static final long MB = 1 << 20;

    /** Two functions over three layers: f0 = {0, 1}, f1 = {1, 2}; layer 1 is shared. */
    static FakeNode twoFunctionsSharingALayer() {
        FakeNode node = new FakeNode(3, 10 * MB, 100 * MB);
        node.fnLayers = new int[][] {{0, 1}, {1, 2}};
        node.layerFns = new int[][] {{0}, {0, 1}, {1}};
        return node;
    }

    @Test
    void aLayerIsBrokenOnlyWhenEveryFunctionUsingItMissesAnotherOfItsLayers() {
        FakeNode node = twoFunctionsSharingALayer();
        node.resident[1] = node.resident[2] = true;
        BrokenStacks b = new BrokenStacks(node);
        b.resize(2, 3);
        b.beginScan();
        assertFalse(b.allUsersBroken(1), "f1 = {1, 2} is whole");
        node.resident[2] = false;
        b.beginScan();
        assertTrue(b.allUsersBroken(1), "f0 misses 0 and f1 misses 2");
        node.queued[2] = true;
        b.beginScan();
        assertFalse(b.allUsersBroken(1), "a layer being fetched does not break f1");
    }

    @Test
    void aLayerNoFunctionHoldsInItsBaseStackIsNeverBroken() {
        FakeNode node = twoFunctionsSharingALayer();
        node.layerFns[2] = new int[0]; // a data layer
        BrokenStacks b = new BrokenStacks(node);
        b.resize(2, 3);
        assertFalse(b.allUsersBroken(2));
    }

    @Test
    void functionsPlacedOnAnotherNodeNeitherBreakNorKeepALayerHere() {
        FakeNode node = twoFunctionsSharingALayer();
        node.resident[1] = node.resident[2] = true; // f0 misses 0, f1 is whole
        node.remote = new boolean[] {false, true};
        BrokenStacks b = new BrokenStacks(node);
        b.resize(2, 3);
        b.beginScan();
        assertTrue(b.allUsersBroken(1), "the whole f1 runs elsewhere: layer 1's only local user, f0, is broken");
        node.remote = new boolean[] {true, true};
        b.beginScan();
        assertFalse(b.allUsersBroken(1), "no local user: the plain order (which ranks it first already)");
        b.ran(1);
        assertEquals(2.0, b.weight(), 1e-12, "f1 was never seen broken here: its run teaches nothing");
    }

    @Test
    void beforeAnyOutcomeTheWeightIsTwo() {
        assertEquals(2.0, new BrokenStacks(twoFunctionsSharingALayer()).weight(), 1e-12);
    }

    @Test
    void functionsThatRunBrokenRaiseTheWeightAndFunctionsAPrefetchRestoresLowerIt() {
        FakeNode node = twoFunctionsSharingALayer();
        BrokenStacks b = new BrokenStacks(node);
        b.resize(2, 3);
        node.resident[1] = true;
        assertTrue(b.allUsersBroken(1)); // both seen broken
        b.ran(0);
        b.ran(0); // a second run without being seen broken again counts once
        assertEquals(1, b.ranBroken());
        assertEquals(3.0, b.weight(), 1e-12, "(0 + 1 + 2) / (0 + 1)");

        node.resident[1] = true;
        node.resident[2] = true; // layer 2 arrives by a prefetch: f1 is whole
        b.prefetched(2);
        assertEquals(1, b.restored());
        assertEquals(2.0, b.weight(), 1e-12, "(1 + 1 + 2) / (1 + 1)");
        b.ran(1);
        assertEquals(1, b.ranBroken(), "f1 was restored before it ran");
    }

    @Test
    void aPrefetchThatLeavesTheFunctionBrokenRestoresNothing() {
        FakeNode node = twoFunctionsSharingALayer();
        BrokenStacks b = new BrokenStacks(node);
        b.resize(2, 3);
        assertTrue(b.allUsersBroken(1)); // nothing resident: f0 and f1 broken
        b.prefetched(0); // f0 = {0, 1}: 1 still missing
        assertEquals(0, b.restored());
        b.ran(0);
        assertEquals(1, b.ranBroken());
    }

    @Test
    void theLayerBeingInsertedCountsAsResident() {
        FakeNode node = twoFunctionsSharingALayer();
        BrokenStacks b = new BrokenStacks(node);
        b.resize(2, 3);
        node.resident[1] = true;
        assertTrue(b.allUsersBroken(1));
        b.prefetched(0); // the node may report layer 0 resident only after the callback
        assertEquals(1, b.restored());
    }

    @Test
    void withinOnePassEachFunctionIsCountedOnceAndANewPassSeesTheNodeAgain() {
        FakeNode node = twoFunctionsSharingALayer();
        node.resident[0] = node.resident[1] = true;
        BrokenStacks b = new BrokenStacks(node);
        b.resize(2, 3);
        b.beginScan();
        assertFalse(b.allUsersBroken(1), "f0 = {0, 1} is whole");
        node.resident[0] = false; // changes only count from the next pass
        assertFalse(b.allUsersBroken(1));
        b.beginScan();
        assertTrue(b.allUsersBroken(1), "f0 misses 0, f1 misses 2");
    }

    @Test
    void theRankedLayerItselfDoesNotBreakItsFunctions() {
        FakeNode node = twoFunctionsSharingALayer();
        node.resident[0] = true; // f0 = {0, 1}: only 1 missing
        BrokenStacks b = new BrokenStacks(node);
        b.resize(2, 3);
        b.beginScan();
        assertFalse(b.allUsersBroken(1), "f0 misses only layer 1 itself, so evicting 1 is what would break it");
    }
}

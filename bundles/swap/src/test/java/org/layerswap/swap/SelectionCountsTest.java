package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** A data layer's next use: its function's median next use, pushed back by (1/share - 1) gaps. */
class SelectionCountsTest {

    @Test
    void aLayerEveryRunSelectsIsNeededAtTheMedianAndAHalfSharedOneAGapLater() {
        SelectionCounts c = new SelectionCounts();
        c.resize(1);
        for (int run = 0; run < 4; run++) {
            c.ran(0);
            c.selected(0, 0);
            if (run % 2 == 0) {
                c.selected(0, 1);
            }
        }
        long[] next = {Long.MAX_VALUE, Long.MAX_VALUE, 5};
        c.lowerNextUse(0, 1_000, 900, next); // gap 100
        assertArrayEquals(new long[] {1_000, 1_100, 5}, next, "layer 2 was never selected: untouched");
    }

    @Test
    void anEarlierNextUseIsKeptAndAFunctionWithoutMedianChangesNothing() {
        SelectionCounts c = new SelectionCounts();
        c.resize(2);
        c.ran(1);
        c.selected(1, 0);
        long[] next = {700};
        c.lowerNextUse(1, 1_000, 900, next);
        c.lowerNextUse(1, Long.MAX_VALUE, 900, next);
        assertArrayEquals(new long[] {700}, next);
    }

    @Test
    void aSelectionCountedBeforeItsRunStillReadsAsAShareOfOne() {
        SelectionCounts c = new SelectionCounts();
        c.resize(1);
        c.selected(0, 0);
        long[] next = {Long.MAX_VALUE};
        c.lowerNextUse(0, 1_000, 900, next);
        assertArrayEquals(new long[] {1_000}, next);
    }
}

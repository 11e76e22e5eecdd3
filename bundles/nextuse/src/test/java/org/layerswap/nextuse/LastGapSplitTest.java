package org.layerswap.nextuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LastGapSplitTest {

    @Test
    void theRankTestTellsDifferentSamplesFromAlikeOnes() {
        long[] a = {10, 20, 30, 40, 50};
        assertFalse(LastGapSplit.differ(a, 5, new long[] {52, 11, 39, 19, 31}, 5), "in any order");
        assertFalse(LastGapSplit.differ(a, 5, a.clone(), 5), "ties count one half");
        assertTrue(LastGapSplit.differ(a, 5, new long[] {500, 100, 200, 300, 400}, 5));
        long[] big = {100, 200, 300, 400, 500, 0, 0};
        assertTrue(LastGapSplit.differ(big, 5, new long[] {1, 2, 3, 4, 5, 900}, 5), "only the first k and o values count");
    }

    /** A mask follows a list of flags through random inserts and removes at positions, as the sorted gaps move. */
    @Test
    void aMaskStaysInStepWithInsertsAndRemovesAtPositions() {
        Random rnd = new Random(17);
        List<Boolean> flags = new ArrayList<>();
        long mask = 0;
        for (int i = 0; i < 5_000; i++) {
            if (flags.size() == 32 || !flags.isEmpty() && rnd.nextInt(3) == 0) {
                int p = rnd.nextInt(flags.size());
                flags.remove(p);
                mask = LastGapSplit.dropBit(mask, p);
            } else {
                int p = rnd.nextInt(flags.size() + 1);
                boolean b = rnd.nextBoolean();
                flags.add(p, b);
                mask = LastGapSplit.addBit(mask, p, b);
            }
            long expected = 0;
            for (int j = 0; j < flags.size(); j++) {
                expected |= flags.get(j) ? 1L << j : 0;
            }
            assertEquals(expected, mask, "after step " + i);
        }
    }

    @Test
    void aSampleHoldsTheKnownGapsOfOneSideAndNoneWhenTooFew() {
        long known = 0b1111_1111L;
        assertEquals(0b0000_1111L, LastGapSplit.sample(0b0000_1111L, known, true));
        assertEquals(0b1111_0000L, LastGapSplit.sample(0b0000_1111L, known, false));
        assertEquals(0, LastGapSplit.sample(0b0000_0111L, known, true), "3 gaps are too few");
        assertEquals(0b1_0111_0000L, LastGapSplit.sample(0b0000_1111L, 0b1_0111_1111L, false), "only known gaps");
    }
}

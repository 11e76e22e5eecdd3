package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A data layer's own next use: the conditional median of its reuse gaps, whichever function used it. */
class DataLayerReuseTest {

    @Test
    void aLayerUsedEveryTenSecondsIsNeededTenSecondsAfterItsLastUse() {
        DataLayerReuse r = new DataLayerReuse();
        for (long t = 0; t <= 40_000; t += 10_000) {
            r.used(3, t);
        }
        assertEquals(50_000, r.nextUse(3, 42_000));
        long[] next = {Long.MAX_VALUE, 7, Long.MAX_VALUE, Long.MAX_VALUE, 60_000};
        r.lowerNextUse(42_000, next);
        assertArrayEquals(new long[] {Long.MAX_VALUE, 7, Long.MAX_VALUE, 50_000, 60_000}, next,
                "only the layer seen is lowered");
    }

    @Test
    void anEarlierNextUseFromTheShareRuleIsKept() {
        DataLayerReuse r = new DataLayerReuse();
        r.used(0, 0);
        r.used(0, 100_000);
        r.used(0, 200_000);
        long[] next = {150_000};
        r.lowerNextUse(120_000, next);
        assertArrayEquals(new long[] {150_000}, next);
    }

    @Test
    void aLayerWithFewerThanTwoOwnGapsIsLeftToTheShareRule() {
        DataLayerReuse r = new DataLayerReuse();
        r.used(1, 0);
        r.used(1, 5_000);
        long[] next = {Long.MAX_VALUE, Long.MAX_VALUE};
        r.lowerNextUse(6_000, next);
        assertArrayEquals(new long[] {Long.MAX_VALUE, Long.MAX_VALUE}, next);
        assertEquals(1, r.layers());
    }

    @Test
    void usesByTwoFunctionsShortenTheGapsAndAnOverdueLayerFallsBackToItsIdleTime() {
        DataLayerReuse r = new DataLayerReuse();
        // function A uses layer 2 at 0, 60 s, 120 s; function B at 30 s, 90 s: gaps of 30 s
        for (long t : new long[] {0, 30_000, 60_000, 90_000, 120_000}) {
            r.used(2, t);
        }
        assertEquals(150_000, r.nextUse(2, 125_000));
        // idle 100 s, longer than every gap: now + idle time (LRU-like)
        assertEquals(320_000, r.nextUse(2, 220_000));
    }
}

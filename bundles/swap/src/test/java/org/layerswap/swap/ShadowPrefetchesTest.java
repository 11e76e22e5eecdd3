package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShadowPrefetchesTest {

    static final long SIZE = 100;

    static ShadowPrefetches shadows(PrefetchCredit c) {
        ShadowPrefetches s = new ShadowPrefetches(c, l -> SIZE * (l + 1));
        s.resize(4);
        return s;
    }

    @Test
    void aRefusedPrefetchWhoseLayerIsAccessedWithinTheWindowWouldHaveBeenUsed() {
        PrefetchCredit c = new PrefetchCredit(2);
        ShadowPrefetches s = shadows(c);
        s.refused(1, 0, 1_000);
        s.refused(1, 1, 1_500);
        assertTrue(s.pending(1));
        s.expire(5_000, 60_000);
        s.accessed(1);
        assertFalse(s.pending(1));
        assertEquals(200, c.shadowUsedBytes(), "layer 1 is 200 bytes, counted once, for the first refusal's function");
        s.accessed(1);
        assertEquals(200, c.shadowUsedBytes(), "settled: a second access counts nothing");
        assertEquals(0, c.usedBytes());
    }

    @Test
    void aRefusedPrefetchNotAccessedWithinTheCacheLifetimeWouldHaveBeenWasted() {
        PrefetchCredit c = new PrefetchCredit(2);
        ShadowPrefetches s = shadows(c);
        s.refused(0, 1, 0);
        s.expire(10_000, Double.POSITIVE_INFINITY);
        assertTrue(s.pending(0), "no lifetime learned yet: nothing expires");
        s.expire(60_000, 60_000);
        assertTrue(s.pending(0), "60 s is not older than a 60 s window");
        s.expire(60_001, 60_000);
        assertFalse(s.pending(0));
        assertEquals(100, c.shadowWastedBytes());
        assertFalse(c.allows(1) && c.shadowUsedBytes() > 0);
    }

    @Test
    void aWastedPrefetchNeededWithinTheTimePrefetchesStayWouldHaveBeenUsedAndTheWindowIsThatTime() {
        PrefetchCredit c = new PrefetchCredit(2);
        ShadowPrefetches s = shadows(c);
        c.wasted(0, 300);
        s.evictedUnused(2, 0, 100_000, 20_000);
        assertEquals(20_000, s.survivalMillis(), 1e-9);
        s.evictedUnused(3, 0, 100_000, 40_000);
        assertEquals(30_000, s.survivalMillis(), 1e-9, "mean of the times wasted prefetches stayed");
        s.accessed(2);
        assertEquals(300, c.wouldHaveBeenUsedBytes());
        assertTrue(c.allows(0), "wasted 300, would have been used 300");
        s.expire(130_001, 3_600_000);
        assertFalse(s.pending(3), "the window is the shorter of the lifetime and the survival time");
        assertEquals(0, c.shadowWastedBytes(), "an expired would-have-been shadow adds no waste: it was counted already");
    }
}

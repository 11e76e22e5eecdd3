package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayMeterTest {

    @Test
    void stallPercentilesCountTheInvocationsThatFetchedNothingAsZero() {
        ReplayMeter m = new ReplayMeter(0, 0);
        for (int i = 0; i < 8; i++) {
            m.invocation(1, 3, 0, 0, 0);
        }
        m.invocation(0, 2, 1, 5e6, 100);
        m.invocation(2, 4, 2, 7e6, 300);
        PolicyResult r = m.result("p", "f", 0.5, 0, 1.0, null, 0);
        assertEquals(10, r.invocations());
        assertEquals(2, r.criticalPathInvocations());
        assertArrayEquals(new long[] {1, 8, 1}, r.invocationsByClass());
        assertArrayEquals(new long[] {1, 0, 1}, r.criticalByClass());
        assertEquals(0, r.stallP50Ms(), "8 of 10 stalled 0 ms");
        assertEquals(300, r.stallP95Ms(), "nearest rank 10 of 10");
        assertEquals(200, r.stallMeanWhenFetchingMs(), 1e-9);
        assertEquals(400, r.totalStallMs(), 1e-9);
        assertEquals(12_000_000, r.onDemandBytes());
        assertEquals(3, r.demandLayerMisses());
        assertEquals(8 * 3 + 2 + 4, r.layerAccesses());
        assertTrue(Double.isNaN(r.brier()), "no calibration");
    }

    @Test
    void noMeasuredInvocationGivesUndefinedPercentilesNotZero() {
        PolicyResult r = new ReplayMeter(0, 0).result("p", "f", 0.5, 0, 0, null, 0);
        assertTrue(Double.isNaN(r.stallP50Ms()));
        assertEquals(0, r.stallMeanWhenFetchingMs());
    }

    @Test
    void prefetchOutcomesAndUnusedBytesAtTheEndReachTheRow() {
        ReplayMeter m = new ReplayMeter(0, 0);
        m.prefetched(100);
        m.prefetched(50.4);
        m.prefetchCompleted();
        m.prefetchCompleted();
        m.prefetchUsed();
        m.wasted(70);
        PolicyResult r = m.result("p", "f", 0.5, 30, 0, null, 0);
        assertEquals(150, r.prefetchBytes());
        assertEquals(2, r.prefetchesCompleted());
        assertEquals(1, r.prefetchesUsed());
        assertEquals(70, r.wastedPrefetchBytes());
        assertEquals(30, r.unusedAtEndBytes());
    }

    @Test
    void storageIsIntegratedFromTheEndOfTheWarmUpAndALayerThatLeftEarlierIsTakenBack() {
        ReplayMeter m = new ReplayMeter(1_000, 0);
        m.account(500, 10); // all before the warm-up ends: nothing counted
        m.account(2_000, 10); // 10 bytes over [1000, 2000)
        m.heldUntil(4, 1_500); // 4 of them left at 1500: [1500, 2000) taken back
        m.heldUntil(6, 2_500); // left after the clock: nothing to take back
        m.account(1_800, 99); // time does not run backwards
        PolicyResult r = m.result("p", "f", 0.5, 0, 0, null, 0);
        assertEquals((10 * 1_000 - 4 * 500) / 1e12, r.residentGbSeconds(), 1e-24);
    }
}

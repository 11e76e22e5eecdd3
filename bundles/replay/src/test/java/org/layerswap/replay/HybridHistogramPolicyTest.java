package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerswap.replay.Fixtures.MB;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.replay.policy.HybridHistogramPolicy;

class HybridHistogramPolicyTest {

    static final LayerDescriptor A = Fixtures.layer('a', 100 * MB);
    static final NodeSettings NODE = new NodeSettings(1000 * MB, 100e6, 20, 200e6);

    /**
     * A function invoked every 10 minutes, 20 times. With fewer than 5 gaps the histogram is not
     * representative and the policy keeps the layer for the 4-hour range. From the 6th invocation on
     * (5 gaps, all in bin 10, CV ~ 15.5 >= 2) it pre-warms at 10 min x 0.9 = 9 min and keeps the layer
     * (11 min x 1.1) - 9 = 3.1 min: the layer is released after each invocation and prefetched 9 min
     * later, so invocations 7..20 are served by prefetches and only the first fetches on demand.
     */
    @Test
    void regularFunctionIsPrewarmedFromItsIdleTimeHistogram() {
        List<InvocationEvent> ev = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ev.add(InvocationEvent.of("f", i * 600_000L));
        }
        EventTable tab = EventTable.of(ev, Fixtures.resolver(Map.of("f", List.of(A)), Map.of()));
        HybridHistogramPolicy p = new HybridHistogramPolicy();
        PolicyResult r = Fixtures.replay(tab, NODE, 0, p);
        assertArrayEquals(new long[] {540_000, 186_000}, p.windows(0));
        assertEquals(1, r.criticalPathInvocations());
        assertEquals(14, r.prefetchesCompleted());
        assertEquals(14, r.prefetchesUsed());
        assertEquals(0, r.wastedPrefetchBytes());
        // storage: kept from 0 until the 6th invocation (50 min), then from each prefetch's completion
        // (9 min + 1.52 s after the previous invocation) to the next invocation: 14 x 58.48 s
        double expected = (100 * MB * (3000.0 + 14 * 58.48)) / 1e9;
        assertEquals(expected, r.residentGbSeconds(), 1e-6);
    }

    /**
     * Irregular (uniformly spread) idle times are not representative: fixed 4-hour keep-alive. While
     * only a handful of gaps are known, the sparse histogram still looks peaked (as in the paper), so
     * the first invocations are excluded by the warm-up; afterwards every gap (< 200 min) is covered.
     */
    @Test
    void uniformIdleTimesFallBackToTheRangeKeepAlive() {
        List<InvocationEvent> ev = new ArrayList<>();
        long t = 0;
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            t += 60_000L * (1 + r.nextInt(200));
            ev.add(InvocationEvent.of("f", t));
        }
        EventTable tab = EventTable.of(ev, Fixtures.resolver(Map.of("f", List.of(A)), Map.of()));
        HybridHistogramPolicy p = new HybridHistogramPolicy();
        PolicyResult res = Fixtures.replay(tab, NODE, ev.get(100).timestampMillis() - ev.get(0).timestampMillis(), p);
        assertArrayEquals(new long[] {0, 240 * 60_000L}, p.windows(0));
        assertEquals(200, res.invocations());
        assertEquals(0, res.criticalPathInvocations());
    }
}

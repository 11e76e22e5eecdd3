package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The product's claim in small (issue 13): on a seeded synthetic fleet (2 days, 120 functions: timers,
 * diurnal, bursty, rare and chained functions) with a budget of a quarter of all layer bytes, the swap
 * manager's next-use planners fetch on the critical path for fewer invocations than GDSF, the strongest
 * baseline on the synthetic fleets, within the byte and waste bounds. Fails if a change makes the
 * swap manager lose to GDSF.
 */
class SwapManagerRegressionTest {

    @Test
    void swapManagerBeatsGdsfOnASeededSyntheticFleet() {
        ReplaySettings probe = ReplayMain.parse(new String[] {"--trace", "synthetic:days=2,functions=120,seed=5"});
        EventTable tab = ReplayRunner.load(probe, ProgressListener.NONE);
        NodeSettings node = new NodeSettings(tab.totalLayerBytes() / 4, 100e6, 20, 200e6);
        List<PolicyResult> r = ReplayRunner.replayAll(tab, node, 3_600_000L,
                List.of(Policies.byName("lru", 60_000), Policies.byName("gdsf", 60_000),
                        Policies.byName("swap-manager", 60_000, 10_000, 15 * 60_000L)), 2, ProgressListener.NONE);
        PolicyResult lru = r.get(0);
        PolicyResult gdsf = r.get(1);
        PolicyResult sm = r.get(2);
        String detail = "swap-manager " + sm.criticalPathInvocations() + " vs gdsf " + gdsf.criticalPathInvocations()
                + " vs lru " + lru.criticalPathInvocations() + " critical-path invocations";
        assertTrue(sm.criticalPathInvocations() < gdsf.criticalPathInvocations(), detail);
        assertTrue(sm.bytesFetched() <= 1.5 * lru.bytesFetched(), "bytes " + sm.bytesFetched() + " vs lru " + lru.bytesFetched());
        assertTrue(sm.wastedPrefetchBytes() <= sm.prefetchBytes() - sm.wastedPrefetchBytes(),
                "wasted " + sm.wastedPrefetchBytes() + " of " + sm.prefetchBytes() + " prefetched bytes");
    }
}

package org.layerswap.replay.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeSettings;
import org.layerswap.replay.PolicyResult;
import org.layerswap.replay.PolicySpec;
import org.layerswap.replay.ProgressListener;
import org.layerswap.replay.ReplayMain;
import org.layerswap.replay.ReplayRunner;
import org.layerswap.replay.ReplaySettings;
import org.layerswap.swap.SwapSettings;
import org.layerswap.testkit.FakeProfiler;

/**
 * The decision sweep skips functions whose prediction cannot have changed since it was computed
 * ({@code NextUseModel.predictionStableUntil}); that is a cost saving only: the replay with the skip must
 * decide exactly as the one that recomputes every function at every tick.
 */
class SwapManagerTickSkipTest {

    @Test
    void skippingFunctionsWhosePredictionIsStableChangesNoDecision() {
        ReplaySettings probe = ReplayMain.parse(new String[] {"--trace", "synthetic:days=2,functions=120,seed=7"});
        EventTable tab = ReplayRunner.load(probe, ProgressListener.NONE);
        NodeSettings node = new NodeSettings(tab.totalLayerBytes() / 4, 100e6, 20, 200e6);
        SwapManagerPolicy skip = new SwapManagerPolicy("skip", () -> new FakeProfiler(60_000),
                SwapSettings.DEFAULT, 10_000, 0);
        List<PolicyResult> r = ReplayRunner.replayAll(tab, node, 3_600_000L, List.of(
                new PolicySpec("skip", "skip", 0, () -> new SwapManagerPolicy("skip", () -> new FakeProfiler(60_000),
                        SwapSettings.DEFAULT, 10_000, 0)),
                new PolicySpec("full", "full", 0, skip::withoutTickSkip)), 2, ProgressListener.NONE);
        PolicyResult a = r.get(0);
        PolicyResult b = r.get(1);
        assertTrue(a.prefetchesCompleted() > 0 && a.criticalPathInvocations() > 0,
                "the fleet exercises prefetches and misses: " + a);
        assertEquals(b.criticalPathInvocations(), a.criticalPathInvocations());
        assertEquals(b.onDemandBytes(), a.onDemandBytes());
        assertEquals(b.prefetchBytes(), a.prefetchBytes());
        assertEquals(b.wastedPrefetchBytes(), a.wastedPrefetchBytes());
        assertEquals(b.prefetchesUsed(), a.prefetchesUsed());
        assertEquals(b.demandLayerMisses(), a.demandLayerMisses());
        assertEquals(b.residentGbSeconds(), a.residentGbSeconds(), 0.0);
    }
}

package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.replay.Fixtures.MB;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.replay.policy.PredictivePolicy;
import org.layerswap.testkit.FakeProfiler;

class PredictivePolicyTest {

    static final LayerDescriptor A = Fixtures.layer('a', 100 * MB);
    static final LayerDescriptor B = Fixtures.layer('b', 100 * MB);
    static final LayerDescriptor C = Fixtures.layer('c', 100 * MB);
    static final LayerDescriptor X = Fixtures.layer('e', 10 * MB);
    static final NodeSettings NODE = new NodeSettings(150 * MB, 100e6, 20, 200e6);

    /**
     * Leader f=[A] (plus the 10 MB data layer X when its dataset parameter is set, every other round)
     * is always followed 10 s later by g=[B]; h=[C] runs 30 min after f; rounds are 3 h apart; all
     * three 100 MB layers do not fit in the budget (250 MB). LRU cycles through them and fetches every
     * invocation: 30. The test profiler predicts g after f (threshold 0.5): B is prefetched when f
     * runs (unless still resident), so g always hits. Eviction is the swap manager's next-use order (every
     * function is a 3 h timer): A, needed first in each round, is kept, and C, needed last, never fits beside
     * both A and B. So from round 1 on only h fetches on the critical path: 2 in round 0 (f, h: cold) + 9 = 11.
     */
    @Test
    void profilerPredictionsBecomePrefetchesThroughTheApi() {
        List<InvocationEvent> ev = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t = i * 3 * 3_600_000L;
            ev.add(new InvocationEvent("f", t, i % 2 == 0 ? Map.of("dataset", "x") : Map.of(), ""));
            ev.add(InvocationEvent.of("g", t + 10_000));
            ev.add(InvocationEvent.of("h", t + 1_800_000));
        }
        EventTable tab = EventTable.of(ev, Fixtures.resolver(Map.of("f", List.of(A), "g", List.of(B), "h", List.of(C)),
                Map.of("x", X)));
        NodeSettings node = new NodeSettings(250 * MB, 100e6, 20, 200e6);
        FakeProfiler[] made = new FakeProfiler[1];
        PolicySpec spec = Policies.predictive("test", () -> made[0] = new FakeProfiler(60_000).withFollowers(Map.of("f", "g")), 0.5);
        PolicyResult pred = ReplayRunner.replayAll(tab, node, 0, List.of(spec), 1, ProgressListener.NONE).get(0);
        PolicyResult lru = ReplayRunner.replayAll(tab, node, 0, List.of(Policies.byName("lru", 60_000)), 1,
                ProgressListener.NONE).get(0);
        assertEquals(30, lru.criticalPathInvocations());
        // g is prefetched every time; f finds A kept by the next-use order; h's C cannot stay with both
        assertEquals(11, pred.criticalPathInvocations());
        assertTrue(pred.prefetchesUsed() > 0 && pred.prefetchesUsed() <= 10, "prefetches used: " + pred.prefetchesUsed());
        assertEquals(30, made[0].recorded());
        assertEquals(5, made[0].layerAccesses().size(), "optional data layer reported for each f with a dataset");
        assertTrue(made[0].rescores().size() >= 10);
        assertEquals("predictive-test@0.5", pred.policy());
        assertTrue(pred.calibration().predictions() > 0);
        assertTrue(pred.brier() >= 0 && pred.brier() <= 1);
    }

    /**
     * Calibration, sampling every layer after every event: after f, A is 0 (right: f is 20 min away)
     * and B 0.9 (right: g in 10 s, squared error 0.01); after g, A is 0 (right) and B still 0.9 (wrong:
     * 0.81). Brier = (0 + 0.01 + 0 + 0.81) / 4 = 0.205; bin 0.9 is right half the time.
     */
    @Test
    void brierScoreIsResolvedAgainstWhatHappened() {
        List<InvocationEvent> ev = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long t = i * 1_200_000L;
            ev.add(InvocationEvent.of("f", t));
            ev.add(InvocationEvent.of("g", t + 10_000));
        }
        EventTable tab = EventTable.of(ev, Fixtures.resolver(Map.of("f", List.of(A), "g", List.of(B)), Map.of()));
        PredictivePolicy p = new PredictivePolicy("p", () -> new FakeProfiler(60_000).withFollowers(Map.of("f", "g")), 0.5, 8, 0, 0);
        PolicyResult r = Fixtures.replay(tab, NODE, 0, p);
        // the last pair's windows are still open at the end of the trace: 199 pairs resolved
        assertEquals(199 * 4, r.calibration().predictions());
        assertEquals(0.205, r.brier(), 1e-6);
        assertEquals(0.9, r.calibration().binMeanPrediction(9), 1e-6);
        assertEquals(0.5, r.calibration().binObservedRate(9), 1e-12);
        assertEquals(0.0, r.calibration().binObservedRate(0), 1e-12);
    }

    /** The threshold sweep replays the same profiler factory at each threshold, with a reliability chart. */
    @Test
    void thresholdSweepAndCalibrationChart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out) throws Exception {
        List<InvocationEvent> ev = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ev.add(InvocationEvent.of("f", i * 1_200_000L));
            ev.add(InvocationEvent.of("g", i * 1_200_000L + 10_000));
        }
        EventTable tab = EventTable.of(ev, Fixtures.resolver(Map.of("f", List.of(A), "g", List.of(B)), Map.of()));
        PolicySpec spec = Policies.predictive("test", () -> new FakeProfiler(60_000).withFollowers(Map.of("f", "g")), 0.5);
        List<PolicySpec> sweep = Policies.sweep(List.of(spec), 60_000);
        assertEquals(List.of(0.1, 0.2, 0.3, 0.5, 0.7, 0.9), sweep.stream().map(PolicySpec::knob).toList());
        NodeSettings roomy = new NodeSettings(250 * MB, 100e6, 20, 200e6);
        List<PolicyResult> rs = ReplayRunner.replayAll(tab, roomy, 0, sweep, 2, ProgressListener.NONE);
        // the profiler scores g's layer 0.9, at or above every threshold: g is prefetched after the first
        // f at every threshold (both layers fit), so only that f fetches on the critical path
        for (PolicyResult r : rs) {
            assertEquals(1, r.criticalPathInvocations(), r.policy());
            assertEquals(1, r.prefetchesUsed(), r.policy());
        }
        ReplaySettings cfg = new ReplaySettings().addPolicy(spec).outDir(out);
        ReplayResult result = ReplayRunner.replay(cfg, tab, 0, ProgressListener.NONE);
        ReportWriter.write(result, out, true);
        assertTrue(java.nio.file.Files.size(out.resolve("calibration.png")) > 1000);
        assertTrue(java.nio.file.Files.readString(out.resolve("report.md")).contains("calibration.png"));
    }
}

package org.layerswap.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationOutcome;

class FeedbackEngineTest {

    @Test
    void monitorsPerFunctionAndPerArmAndClosesWindowsByEventTime() {
        FeedbackEngine e = new FeedbackEngine(FeedbackSettings.defaults().withInterval(1000));
        List<WindowMetrics> windows = new ArrayList<>();
        e.addListener(new FeedbackListener() {
            @Override
            public void windowClosed(WindowMetrics w, double objective) {
                windows.add(w);
            }
        });
        e.recordStorage(2_000_000_000L, 0);                      // 2 GB resident from t=0
        e.record(new InvocationOutcome("a", 100, ExperimentArm.NONE, 10_000, 90_000, false));
        e.record(new InvocationOutcome("a", 200, ExperimentArm.NONE, 30_000, 70_000, true));
        e.record(new InvocationOutcome("b", 300, ExperimentArm.NONE, 0, 50_000, false));
        e.recordFetch("a", ExperimentArm.NONE, FetchPriority.PREFETCH, 5_000_000, 300);
        e.recordFetch("a", ExperimentArm.NONE, FetchPriority.ON_DEMAND, 1_000_000, 300);
        e.recordWastedPrefetch("a", ExperimentArm.NONE, 2_000_000, 400);
        assertTrue(windows.isEmpty());
        e.record(new InvocationOutcome("b", 2500, ExperimentArm.NONE, 0, 50_000, false)); // closes [0, 1000)
        assertEquals(1, windows.size());
        WindowMetrics w = windows.get(0);
        assertEquals(0, w.startMillis());
        assertEquals(1000, w.endMillis());
        assertEquals(3, w.invocations());
        assertEquals((100 + 100 + 50) / 3.0, w.meanLatencyMs(), 1e-9);
        // a: first call has no usual execution yet (excess 0), second runs 20 ms faster than a's usual 90 ms
        assertEquals((10 + 0 + 30 - 20 + 0 + 0) / 3.0, w.adjustedLatencyMs(), 1e-9);
        assertEquals(40 / 3.0, w.meanWaitMs(), 1e-9);
        assertEquals(1, w.errors());
        assertEquals(6_000_000, w.bytesFetched());
        assertEquals(5_000_000, w.bytesPrefetched());
        assertEquals(2_000_000, w.wastedBytes());
        assertEquals(2.0, w.storageGBs(), 1e-9, "2 GB for 1 s");

        ArmMetrics a = e.metrics("a").get(0);
        assertEquals(ExperimentArm.NONE, a.arm());
        assertEquals(2, a.invocations());
        assertEquals(20, a.meanWaitMs(), 1e-9);
        assertEquals(80, a.meanExecMs(), 1e-9);
        assertEquals(0.5, a.errorRate(), 1e-9);
        assertEquals(5_000_000, a.bytesPrefetched());
        assertEquals(1_000_000, a.bytesOnDemand());
        assertEquals(2_000_000, a.wastedBytes());
        assertEquals(List.of("a", "b"), e.functions());
        assertEquals(4, e.metrics(null).get(0).invocations(), "the all-function row");

        // J follows the stated formula
        ObjectiveWeights ow = e.settings().objective();
        double expected = -(w.adjustedLatencyMs() + ow.errorPenaltyMs() / 3 + (ow.bandwidthMsPerMB() * 6 + ow.wasteMsPerMB() * 2
                + ow.storageMsPerGBs() * 2) / 3);
        assertEquals(expected, ow.evaluate(w).objective(), 1e-9);
    }

    @Test
    void controlArmTrafficDoesNotSteerTheControllerAndExperimentsFreezeIt() {
        FeedbackEngine e = new FeedbackEngine(FeedbackSettings.defaults().withInterval(1000));
        List<WindowMetrics> windows = new ArrayList<>();
        e.addListener(new FeedbackListener() {
            @Override
            public void windowClosed(WindowMetrics w, double objective) {
                windows.add(w);
            }
        });
        e.record(new InvocationOutcome("a", 10, ExperimentArm.CONTROL, 500_000, 1, false));
        e.record(new InvocationOutcome("a", 20, ExperimentArm.NONE, 1_000, 1, false));
        e.tick(5000);
        assertEquals(1, windows.get(0).invocations(), "only the predictive arm counts");
        e.startExperiment("x", null, 6000);
        e.record(new InvocationOutcome("a", 6010, ExperimentArm.TREATMENT, 1_000, 1, false));
        e.tick(20_000);
        assertEquals(1, windows.size(), "frozen during the experiment");
        assertEquals(1, e.experimentReport(20_000).orElseThrow().treatment().invocations());
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        FeedbackEngine e = new FeedbackEngine(FeedbackSettings.defaults());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> e.record(new InvocationOutcome("f", 1, ExperimentArm.NONE, -5, 1, false)));
        assertTrue(neg.getMessage().contains("f") && neg.getMessage().contains("-5"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.record(new InvocationOutcome(" ", 1, ExperimentArm.NONE, 1, 1, false)));
        assertThrows(IllegalArgumentException.class, () -> e.recordFetch("f", ExperimentArm.NONE, FetchPriority.PREFETCH, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> e.recordStorage(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ExperimentSettings(Assignment.Mode.BY_FUNCTION, 1.0, 10, 10,
                0.05, 1000, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> e.importState("garbage\u0000".getBytes()));
    }
}

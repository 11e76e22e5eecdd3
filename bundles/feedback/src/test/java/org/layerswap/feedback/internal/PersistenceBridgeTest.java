package org.layerswap.feedback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.feedback.ExperimentSettings;
import org.layerswap.feedback.FeedbackEngine;
import org.layerswap.feedback.FeedbackSettings;
import org.layerswap.feedback.ObjectiveWeights;
import org.layerswap.persistence.api.Tables;
import org.layerswap.persistence.api.ThresholdChangeRow;
import org.layerswap.persistence.jdbc.H2PersistenceService;
import org.layerswap.persistence.jdbc.PersistenceSettings;

/** The feedback loop's decisions and state in a real H2 file database, across a restart. */
class PersistenceBridgeTest {

    @TempDir
    Path dir;

    static FeedbackSettings settings() {
        return FeedbackSettings.defaults().withObjective(new ObjectiveWeights(1, 2, 0, 1000)).withInterval(60_000)
                .withExperiment(ExperimentSettings.defaults().withMinSamples(50, 5));
    }

    /** Invocations whose latency falls as the threshold falls: the controller moves. */
    static void drive(FeedbackEngine e, int windows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < windows; k++) {
            for (int i = 0; i < 400; i++) {
                long ts = k * 60_000L + i * 150;
                double t = e.recommendedThreshold();
                double wait = rnd.nextDouble() < t ? 400 + 100 * rnd.nextDouble() : 5;
                e.record(new InvocationOutcome("fn-" + (i % 20), ts, ExperimentArm.NONE, Math.round(wait * 1000), 100_000, false));
            }
        }
        e.tick(windows * 60_000L);
    }

    @Test
    void thresholdHistoryExperimentsAndControllerStateSurviveARestart() {
        PersistenceSettings ps = PersistenceSettings.defaults(dir);
        double threshold;
        long changes;
        try (H2PersistenceService store = H2PersistenceService.open(ps)) {
            FeedbackEngine e = new FeedbackEngine(settings(), () -> 1_000_000L);
            PersistenceBridge bridge = new PersistenceBridge(e, store);
            assertFalse(bridge.restore(), "nothing stored yet");
            e.addListener(bridge);
            drive(e, 30, 1);
            threshold = e.referenceThreshold();
            changes = e.controllerChanges();
            assertTrue(changes >= 2, "the controller moved: " + changes);
            assertTrue(threshold < 0.5, "less waiting with more prefetching: " + threshold);

            String id = e.startExperiment("ab", null);
            SplittableRandom rnd = new SplittableRandom(2);
            for (int i = 0; i < 2000; i++) {
                String fn = "fn-" + (i % 40);
                ExperimentArm arm = e.assign(fn, i);
                long wait = arm == ExperimentArm.TREATMENT ? 5_000 : 300_000 + rnd.nextInt(100_000);
                e.record(new InvocationOutcome(fn, 2_000_000 + i, arm, wait, 100_000, false));
            }
            e.stopExperiment();
            bridge.saveStateIfDirty();
            assertTrue(store.flush(Duration.ofSeconds(30)));
            assertEquals(id, store.experiments().get(0).id());
        }
        try (H2PersistenceService store = H2PersistenceService.open(ps)) {
            FeedbackEngine fresh = new FeedbackEngine(settings());
            assertEquals(0.5, fresh.recommendedThreshold());
            PersistenceBridge bridge = new PersistenceBridge(fresh, store);
            assertTrue(bridge.restore());
            assertEquals(threshold, fresh.recommendedThreshold(), "threshold restored");

            List<ThresholdChangeRow> history = store.thresholdHistory(1000);
            assertEquals(changes, history.size(), "every change recorded");
            assertTrue(history.stream().anyMatch(h -> h.newValue() == threshold), "the best threshold was applied and recorded");
            assertTrue(history.get(0).evidence().contains("objective="), history.get(0).evidence());
            assertTrue(history.get(0).evidence().contains("meanLayerWaitMs="), history.get(0).evidence());
            assertFalse(history.get(0).reason().isBlank());
            assertEquals("STOPPED", store.experiments().get(0).status());
            String verdict = store.experimentResults(store.experiments().get(0).id()).get(0).verdict();
            assertEquals("TREATMENT_BETTER", verdict);
            assertTrue(store.count(Tables.METRICS) >= 30 * 5, "window metrics stored");
            assertTrue(store.recentMetrics("feedback.objective", 5).size() == 5);

            store.saveState(PersistenceBridge.STATE_KEY, "threshold=banana".getBytes(StandardCharsets.ISO_8859_1));
            FeedbackEngine third = new FeedbackEngine(settings());
            assertFalse(new PersistenceBridge(third, store).restore(), "a corrupt state is ignored, not fatal");
            assertEquals(0.5, third.recommendedThreshold());
        }
    }
}

package org.layerswap.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class ThresholdControllerTest {

    static final long INTERVAL = 60_000;
    static final ObjectiveWeights WEIGHTS = new ObjectiveWeights(1.0, 2.0, 0.0, 1000.0);
    static final double FIXED = 0.5;

    record Run(double finalThreshold, double secondHalfJ, long reversals, long phases, int settledAtWindow,
               int settledWindowsSecondHalf, int movesWhileSettled, List<ThresholdChange> changes, ThresholdChange lastKept) {
    }

    static FeedbackSettings settings() {
        return FeedbackSettings.defaults().withObjective(WEIGHTS).withInterval(INTERVAL);
    }

    /** Drives the full engine with the simulated workload; threshold null = adaptive. */
    static Run run(long seed, int windows, Double fixed, double coldMsFirst, double coldMsLater, int switchAt) {
        FeedbackEngine engine = new FeedbackEngine(settings());
        List<ThresholdChange> changes = new ArrayList<>();
        engine.addListener(new FeedbackListener() {
            @Override
            public void thresholdChanged(ThresholdChange c) {
                changes.add(c);
            }
        });
        SimulatedWorkload wl = new SimulatedWorkload(seed, coldMsFirst);
        double sumJ = 0;
        double n = 0;
        int settledAt = -1;
        int settledSecondHalf = 0;
        int movesWhileSettled = 0;
        ThresholdController.Phase prevPhase = null;
        double prevThreshold = Double.NaN;
        for (int k = 0; k < windows; k++) {
            if (k == switchAt) {
                wl.coldMs = coldMsLater;
            }
            double t = fixed != null ? fixed : engine.recommendedThreshold();
            ThresholdController.Phase phase = engine.controllerPhase();
            if (phase == ThresholdController.Phase.SETTLED && prevPhase == ThresholdController.Phase.SETTLED && t != prevThreshold) {
                movesWhileSettled++;
            }
            if (fixed == null && settledAt < 0 && phase == ThresholdController.Phase.SETTLED) {
                settledAt = k;
            }
            if (k >= windows / 2 && phase == ThresholdController.Phase.SETTLED) {
                settledSecondHalf++;
            }
            prevPhase = phase;
            prevThreshold = t;
            double[] r = wl.runWindow(k, INTERVAL, t, fixed != null ? null : engine, WEIGHTS);
            if (k >= windows / 2) {
                sumJ += r[0];
                n += r[1];
            }
        }
        if (fixed == null) {
            engine.tick(windows * INTERVAL);
        }
        return new Run(fixed != null ? fixed : engine.referenceThreshold(), sumJ / n, engine.controllerReversals(),
                engine.controllerStatus().probingPhases(), settledAt, settledSecondHalf, movesWhileSettled, changes,
                fixed != null ? null : engine.recentThresholdChanges(1).get(0));
    }

    @Test
    void convergesWithoutOscillatingAndBeatsAFixedThreshold() {
        double optimum = SimulatedWorkload.argmax(300, WEIGHTS, 0.05, 0.95);
        double jOpt = SimulatedWorkload.expectedObjective(optimum, 300, WEIGHTS);
        double jFixed = SimulatedWorkload.expectedObjective(FIXED, 300, WEIGHTS);
        assertTrue(jOpt - jFixed > 30, "the simulated workload must leave room to improve: " + jOpt + " vs " + jFixed);
        int maxReversals = ControllerSettings.defaults().maxReversalsPerPhase();
        int windows = 360;
        for (long seed = 1; seed <= 8; seed++) {
            Run adaptive = run(seed, windows, null, 300, 300, -1);
            Run fixed = run(seed, windows, FIXED, 300, 300, -1);
            String ctx = "seed " + seed + ": " + adaptive.toString().replaceAll(", changes=\\[.*", "") + "; optimum " + optimum;
            System.out.printf("seed %d: final threshold %.3f (optimum %.3f), settled at window %d, %d probing phases, %d changes,"
                    + " %d reversals, settled %d of the last %d windows; realised J %.1f vs fixed %.1f ms/inv%n", seed,
                    adaptive.finalThreshold(), optimum, adaptive.settledAtWindow(), adaptive.phases(), adaptive.changes().size(),
                    adaptive.reversals(), adaptive.settledWindowsSecondHalf(), windows / 2, adaptive.secondHalfJ(), fixed.secondHalfJ());
            assertTrue(adaptive.settledAtWindow() >= 0 && adaptive.settledAtWindow() < windows / 3, "settles early: " + ctx);
            long reprobes = windows / ControllerSettings.defaults().reprobeWindows();
            assertTrue(adaptive.phases() <= 1 + reprobes, "probing re-opens only on schedule: " + ctx);
            assertTrue(adaptive.reversals() <= maxReversals * adaptive.phases(), "reversals bounded by the step schedule: " + ctx);
            assertEquals(0, adaptive.movesWhileSettled(), "a settled threshold does not move: " + ctx);
            assertTrue(adaptive.settledWindowsSecondHalf() >= windows / 4, "mostly settled: " + ctx);
            // near the optimum: probes closer than the final dead band (about 2 standard errors) cannot be told apart
            double jFinal = SimulatedWorkload.expectedObjective(adaptive.finalThreshold(), 300, WEIGHTS);
            assertTrue(jOpt - jFinal < 12, "final threshold " + adaptive.finalThreshold() + " has J " + jFinal
                    + " vs optimum " + jOpt + ": " + ctx);
            assertTrue(adaptive.secondHalfJ() > fixed.secondHalfJ() + 25, "realised J " + adaptive.secondHalfJ()
                    + " vs fixed " + fixed.secondHalfJ() + ": " + ctx);
            assertEquals(adaptive.changes().get(adaptive.changes().size() - 1), adaptive.lastKept(), "kept in memory too");
            for (ThresholdChange c : adaptive.changes()) {
                assertFalse(c.reason().isBlank());
                assertTrue(c.evidence().containsKey("objective") && c.evidence().containsKey("invocations")
                        && c.evidence().containsKey("mbWasted"), c.evidenceText());
                assertTrue(c.newValue() >= 0.05 && c.newValue() <= 0.95);
            }
        }
    }

    @Test
    void followsAShiftedOptimumAfterTheWorkloadChanges() {
        // cold starts get 4x dearer half-way: prefetching more now pays, the settled J drops and probing re-opens
        double before = SimulatedWorkload.argmax(300, WEIGHTS, 0.05, 0.95);
        double after = SimulatedWorkload.argmax(1200, WEIGHTS, 0.05, 0.95);
        assertTrue(before - after > 0.05, before + " -> " + after);
        Run r = run(3, 480, null, 300, 1200, 150);
        System.out.printf("shift: optimum %.3f -> %.3f; final %.3f after %d changes, %d reversals, %d probing phases%n", before,
                after, r.finalThreshold(), r.changes().size(), r.reversals(), r.phases());
        double jAfterOpt = SimulatedWorkload.expectedObjective(after, 1200, WEIGHTS);
        double jFinal = SimulatedWorkload.expectedObjective(r.finalThreshold(), 1200, WEIGHTS);
        assertTrue(jAfterOpt - jFinal < 15, "final " + r.finalThreshold() + " J " + jFinal + " vs " + jAfterOpt + " at " + after);
        assertTrue(r.reversals() <= r.phases() * ControllerSettings.defaults().maxReversalsPerPhase(), r.toString());
    }

    @Test
    void stateSurvivesExportAndImportAndBadStateIsRejected() {
        ThresholdController c = new ThresholdController(ControllerSettings.defaults(), WEIGHTS);
        SimulatedWorkload wl = new SimulatedWorkload(9, 300);
        FeedbackEngine e = new FeedbackEngine(settings());
        for (int k = 0; k < 40; k++) {
            wl.runWindow(k, INTERVAL, e.recommendedThreshold(), e, WEIGHTS);
        }
        byte[] state = e.exportState();
        FeedbackEngine restored = new FeedbackEngine(settings());
        restored.importState(state);
        assertEquals(e.referenceThreshold(), restored.recommendedThreshold(), "resumes at the best threshold known");
        assertEquals(e.controllerPhase() == ThresholdController.Phase.SETTLED ? ThresholdController.Phase.SETTLED
                : ThresholdController.Phase.INIT, restored.controllerPhase());
        assertTrue(e.referenceThreshold() != 0.5, "the controller moved before the export");

        Properties bad = c.exportState();
        bad.setProperty("threshold", "abc");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> c.importState(bad));
        assertTrue(ex.getMessage().contains("abc"), ex.getMessage());
        Properties missing = new Properties();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.importState(missing)).getMessage().contains("threshold"));
        assertThrows(IllegalArgumentException.class, () -> new ControllerSettings(0.5, 0.6, 0.9, 0.1, 0.01, 0.5, 1, 0, 10, 1, 2, 0, -1));
    }

    @Test
    void holdsStillOnAFlatObjective() {
        // threshold has no effect: every probe is "no significant difference" -> settles after the step schedule
        ThresholdController c = new ThresholdController(ControllerSettings.defaults().withReprobeWindows(0), WEIGHTS);
        SimulatedWorkload wl = new SimulatedWorkload(5, 300);
        for (int k = 0; k < 300; k++) {
            double mean = 400;
            Statistics.Moments m = new Statistics.Moments();
            for (int i = 0; i < 400; i++) {
                m.add(mean + 150 * wl.gaussian());
            }
            WindowMetrics w = new WindowMetrics(k * INTERVAL, (k + 1) * INTERVAL, c.threshold(), 400, m.mean(), m.mean(), m.variance(),
                    0, m.mean(), 0, 0, 0, 0, 0);
            c.onWindow(w);
        }
        assertEquals(ThresholdController.Phase.SETTLED, c.phase());
        assertTrue(c.decisions() <= ControllerSettings.defaults().maxReversalsPerPhase() + 1, "decisions " + c.decisions());
        assertEquals(c.decisions(), c.reversals(), "no probe was ever accepted on a flat objective");
        assertEquals(0.5, c.threshold(), "back at the start");
    }
}

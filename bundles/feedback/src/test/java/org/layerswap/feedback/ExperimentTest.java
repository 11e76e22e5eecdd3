package org.layerswap.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.InvocationOutcome;

class ExperimentTest {

    static final double ALPHA = 0.05;

    /** Feeds {@code n} invocations through assignment; treatment layer wait is scaled by {@code treatmentFactor}. */
    static void feed(FeedbackEngine e, SplittableRandom rnd, int n, int functions, double treatmentFactor,
                     double errorRate, double treatmentErrorRate, Map<String, Double> functionMeans) {
        for (int i = 0; i < n; i++) {
            String fn = "fn-" + rnd.nextInt(functions);
            ExperimentArm arm = e.assign(fn, i);
            double base = functionMeans == null ? 300 : functionMeans.get(fn);
            double wait = base * Math.exp(0.8 * gaussian(rnd) - 0.32);
            if (arm == ExperimentArm.TREATMENT) {
                wait *= treatmentFactor;
            }
            double exec = 80 * Math.exp(0.5 * gaussian(rnd) - 0.125);
            boolean err = rnd.nextDouble() < (arm == ExperimentArm.TREATMENT ? treatmentErrorRate : errorRate);
            e.record(new InvocationOutcome(fn, i, arm, Math.round(wait * 1000), Math.round(exec * 1000), err));
        }
    }

    static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    static FeedbackEngine engine(ExperimentSettings s) {
        return new FeedbackEngine(FeedbackSettings.defaults().withExperiment(s));
    }

    static ExperimentSettings byInvocation() {
        return ExperimentSettings.defaults().withMode(Assignment.Mode.BY_INVOCATION).withMinSamples(200, 10);
    }

    @Test
    void aTrulyBetterTreatmentIsReportedSignificant() {
        FeedbackEngine e = engine(byInvocation());
        e.startExperiment("prefetch-vs-ondemand", null, 0);
        feed(e, new SplittableRandom(1), 4000, 200, 0.8, 0.01, 0.01, null);
        ExperimentReport r = e.stopExperiment(4000).orElseThrow();
        System.out.println(r.render());
        assertEquals(ExperimentReport.Verdict.TREATMENT_BETTER, r.verdict(), r.render());
        assertTrue(r.meanDiffMs() < 0);
        assertTrue(r.latencyTest().pTwoSided() < ALPHA / 2);
        assertTrue(r.ci().high() < 0, "the bootstrap CI excludes 0: " + r.ci());
        assertTrue(r.ci().contains(r.meanDiffMs()));
        assertTrue(Math.abs(r.control().invocations() - r.treatment().invocations()) < 300, "about half each");
        assertFalse(r.running());
        assertTrue(r.render().contains("TREATMENT_BETTER"));

        FeedbackEngine worse = engine(byInvocation());
        worse.startExperiment("bad", null, 0);
        feed(worse, new SplittableRandom(2), 4000, 200, 1.25, 0.01, 0.01, null);
        assertEquals(ExperimentReport.Verdict.TREATMENT_WORSE, worse.experimentReport(4000).orElseThrow().verdict());

        FeedbackEngine errors = engine(byInvocation());
        errors.startExperiment("errors", null, 0);
        feed(errors, new SplittableRandom(3), 6000, 200, 1.0, 0.01, 0.05, null);
        ExperimentReport er = errors.experimentReport(6000).orElseThrow();
        assertEquals(ExperimentReport.Verdict.TREATMENT_WORSE, er.verdict(), er.render());
        assertTrue(er.explanation().contains("errors"), er.explanation());
    }

    @Test
    void anAaTestRarelyReportsADifference() {
        int seeds = 400;
        int significant = 0;
        int latencyBelowHalf = 0;
        int latencySignificant = 0;
        int errorSignificant = 0;
        for (int seed = 0; seed < seeds; seed++) {
            FeedbackEngine e = engine(byInvocation().withSeed(seed).withBootstrap(100, 500));
            e.startExperiment("aa-" + seed, null, seed);
            feed(e, new SplittableRandom(1000 + seed), 800, 100, 1.0, 0.02, 0.02, null);
            ExperimentReport r = e.stopExperiment(seed + 1).orElseThrow();
            assertNotEquals(ExperimentReport.Verdict.INSUFFICIENT_DATA, r.verdict(), r.render());
            if (r.significant()) {
                significant++;
            }
            if (r.latencyTest().pTwoSided() < 0.5) {
                latencyBelowHalf++;
            }
            if (r.latencyTest().pTwoSided() < ALPHA / 2) {
                latencySignificant++;
            }
            if (r.errorP() < ALPHA / 2) {
                errorSignificant++;
            }
        }
        double fpr = (double) significant / seeds;
        System.out.printf("A/A by invocation: %d of %d significant (false-positive rate %.4f, alpha %.2f; latency %d, errors %d);"
                + " P(p<0.5) = %.3f%n", significant, seeds, fpr, ALPHA, latencySignificant, errorSignificant,
                (double) latencyBelowHalf / seeds);
        // calibrated: the family-wise rate is at most alpha; 1.5 alpha leaves room for sampling error (sd ~ 0.011 here)
        assertTrue(fpr <= 1.5 * ALPHA, "false-positive rate " + fpr);
        // ...and the tests are alive: a test that never rejects would pass the bound above trivially
        assertTrue(fpr >= ALPHA / 4, "false-positive rate " + fpr + " is implausibly low for alpha " + ALPHA);
        // p-values of a true null are uniform
        assertTrue(Math.abs((double) latencyBelowHalf / seeds - 0.5) < 0.08, "latency p-values not uniform: " + latencyBelowHalf);
    }

    @Test
    void byFunctionAnalysesFunctionsAsUnits() {
        // functions differ a lot (means 50..1000 ms): invocations of one function are not independent samples.
        int seeds = 200;
        int significant = 0;
        int naiveSignificant = 0;
        ExperimentSettings s = ExperimentSettings.defaults().withMinSamples(200, 10).withBootstrap(100, 500);
        for (int seed = 0; seed < seeds; seed++) {
            SplittableRandom rnd = new SplittableRandom(5000 + seed);
            Map<String, Double> means = new HashMap<>();
            for (int f = 0; f < 60; f++) {
                means.put("fn-" + f, 50 + 950 * rnd.nextDouble());
            }
            FeedbackEngine e = engine(s.withSeed(seed));
            e.startExperiment("aa-fn-" + seed, null, seed);
            feed(e, rnd, 3000, 60, 1.0, 0.02, 0.02, means);
            ExperimentReport r = e.stopExperiment(1).orElseThrow();
            assertEquals("function", r.unit());
            assertEquals(60, r.control().units() + r.treatment().units());
            if (r.significant()) {
                significant++;
            }
            // the same data analysed per invocation (wrong unit) using the arms' invocation moments
            Statistics.Moments c = moments(r.control());
            Statistics.Moments t = moments(r.treatment());
            if (Statistics.welch(c, t).pTwoSided() < ALPHA / 2) {
                naiveSignificant++;
            }
        }
        double fpr = (double) significant / seeds;
        System.out.printf("A/A by function: %d of %d significant (rate %.3f); per-invocation analysis would say %d%n",
                significant, seeds, fpr, naiveSignificant);
        assertTrue(fpr <= 1.5 * ALPHA, "false-positive rate " + fpr);
        assertTrue(naiveSignificant > 3 * significant, "the per-invocation analysis is anti-conservative here, which is why"
                + " by-function experiments use function means: " + naiveSignificant + " vs " + significant);
    }

    private static Statistics.Moments moments(ExperimentReport.ArmSummary a) {
        // rebuild moments with the arm's n, mean and sd
        Statistics.Moments m = new Statistics.Moments();
        double sd = a.sdLatencyMs();
        long n = a.invocations();
        // two-point construction with exactly this mean and (sample) variance
        double spread = sd * Math.sqrt((double) (n - 1) / n);
        for (long i = 0; i < n; i++) {
            m.add(a.meanLatencyMs() + (i % 2 == 0 ? spread : -spread) * (n % 2 == 1 && i == n - 1 ? 0 : 1));
        }
        return m;
    }

    @Test
    void noVerdictBelowTheMinimumSampleSize() {
        FeedbackEngine e = engine(byInvocation().withMinSamples(500, 10));
        e.startExperiment("gate", null, 0);
        // a huge effect, but too few invocations
        feed(e, new SplittableRandom(4), 600, 50, 0.2, 0.0, 0.0, null);
        ExperimentReport early = e.experimentReport(600).orElseThrow();
        assertEquals(ExperimentReport.Verdict.INSUFFICIENT_DATA, early.verdict(), early.render());
        assertTrue(early.latencyTest().pTwoSided() < 1e-6, "the effect is there, only the gate holds it back");
        assertTrue(early.explanation().contains("500"), early.explanation());
        feed(e, new SplittableRandom(5), 1000, 50, 0.2, 0.0, 0.0, null);
        assertEquals(ExperimentReport.Verdict.TREATMENT_BETTER, e.experimentReport(1600).orElseThrow().verdict());

        FeedbackEngine f = engine(ExperimentSettings.defaults().withMinSamples(10, 10));
        f.startExperiment("few functions", null, 0);
        feed(f, new SplittableRandom(6), 3000, 8, 0.2, 0.0, 0.0, null);
        ExperimentReport r = f.experimentReport(1).orElseThrow();
        assertEquals(ExperimentReport.Verdict.INSUFFICIENT_DATA, r.verdict(), "8 functions cannot make 10 per arm");
    }

    @Test
    void experimentsStartAndStopAtRuntime() {
        FeedbackEngine e = engine(byInvocation());
        List<String> events = new ArrayList<>();
        e.addListener(new FeedbackListener() {
            @Override
            public void experimentStarted(String id, String name, ExperimentSettings s, long t) {
                events.add("start " + name);
            }

            @Override
            public void experimentStopped(ExperimentReport r) {
                events.add("stop " + r.name() + " " + r.verdict());
            }
        });
        assertEquals(ExperimentArm.NONE, e.assign("f", 1), "no experiment: normal operation");
        assertTrue(e.stopExperiment(0).isEmpty());
        String id = e.startExperiment("one", null, 1000);
        assertEquals(id, e.activeExperimentId().orElseThrow());
        IllegalStateException busy = assertThrows(IllegalStateException.class, () -> e.startExperiment("two", null, 2000));
        assertTrue(busy.getMessage().contains(id), busy.getMessage());
        assertNotEquals(ExperimentArm.NONE, e.assign("f", 1));
        feed(e, new SplittableRandom(7), 100, 10, 1.0, 0, 0, null);
        ExperimentReport r = e.stopExperiment(3000).orElseThrow();
        assertEquals(ExperimentReport.Verdict.INSUFFICIENT_DATA, r.verdict());
        assertEquals(ExperimentArm.NONE, e.assign("f", 1));
        assertEquals(List.of("start one", "stop one INSUFFICIENT_DATA"), events);
        assertEquals(1, e.finishedExperiments().size());
        String id2 = e.startExperiment("two", null, 4000);
        assertNotEquals(id, id2);
    }

    @Test
    void plannedPrefetchesFollowAFunctionsArmOnlyWhenTheExperimentAssignsByFunction() {
        FeedbackEngine byFunction = engine(ExperimentSettings.defaults().withMinSamples(200, 10));
        assertEquals(ExperimentArm.NONE, byFunction.functionArm("fn-1"), "no experiment running");
        byFunction.startExperiment("by-function", null, 0);
        int control = 0;
        for (int f = 0; f < 200; f++) {
            String fn = "fn-" + f;
            ExperimentArm arm = byFunction.functionArm(fn);
            assertNotEquals(ExperimentArm.NONE, arm);
            for (long seq = 0; seq < 5; seq++) {
                assertEquals(byFunction.assign(fn, seq), arm, "every invocation of " + fn + " is in the function's arm");
            }
            control += arm == ExperimentArm.CONTROL ? 1 : 0;
        }
        assertTrue(control > 0 && control < 200, "both arms are used: " + control + " of 200 in control");
        byFunction.stopExperiment(1);
        assertEquals(ExperimentArm.NONE, byFunction.functionArm("fn-1"), "stopped");

        FeedbackEngine byInvocation = engine(byInvocation());
        byInvocation.startExperiment("by-invocation", null, 0);
        for (int f = 0; f < 50; f++) {
            assertEquals(ExperimentArm.NONE, byInvocation.functionArm("fn-" + f),
                    "a prefetch made ahead serves invocations of both arms");
        }
    }
}

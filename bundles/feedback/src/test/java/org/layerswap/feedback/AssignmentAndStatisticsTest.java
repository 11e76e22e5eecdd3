package org.layerswap.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;
import org.layerswap.api.ExperimentArm;

class AssignmentAndStatisticsTest {

    @Test
    void assignmentIsDeterministicAndHonoursTheShare() {
        long salt = Assignment.fnv1a("exp-1");
        int treated = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            ExperimentArm a = Assignment.assign(Assignment.Mode.BY_INVOCATION, salt, 0.3, "fn-" + (i % 37), i);
            assertEquals(a, Assignment.assign(Assignment.Mode.BY_INVOCATION, salt, 0.3, "fn-" + (i % 37), i), "deterministic");
            if (a == ExperimentArm.TREATMENT) {
                treated++;
            }
        }
        assertEquals(0.3, (double) treated / n, 0.01);
        int fnTreated = 0;
        for (int f = 0; f < 10_000; f++) {
            ExperimentArm first = Assignment.assign(Assignment.Mode.BY_FUNCTION, salt, 0.5, "function-" + f, 0);
            for (long seq = 1; seq < 5; seq++) {
                assertEquals(first, Assignment.assign(Assignment.Mode.BY_FUNCTION, salt, 0.5, "function-" + f, seq), "one arm per function");
            }
            if (first == ExperimentArm.TREATMENT) {
                fnTreated++;
            }
        }
        assertEquals(0.5, fnTreated / 10_000.0, 0.02);
        // another experiment reshuffles
        int same = 0;
        long other = Assignment.fnv1a("exp-2");
        for (int f = 0; f < 10_000; f++) {
            if (Assignment.assign(Assignment.Mode.BY_FUNCTION, salt, 0.5, "function-" + f, 0)
                    == Assignment.assign(Assignment.Mode.BY_FUNCTION, other, 0.5, "function-" + f, 0)) {
                same++;
            }
        }
        assertEquals(0.5, same / 10_000.0, 0.03);
        assertEquals(Assignment.Mode.BY_INVOCATION, Assignment.Mode.parse("by-invocation"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Assignment.Mode.parse("by-tenant")).getMessage().contains("by-tenant"));
    }

    @Test
    void welchMatchesCommonsMathAndMomentsMerge() {
        SplittableRandom rnd = new SplittableRandom(11);
        double[] a = new double[57];
        double[] b = new double[91];
        for (int i = 0; i < a.length; i++) {
            a[i] = 100 + 30 * rnd.nextDouble();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 95 + 60 * rnd.nextDouble();
        }
        Statistics.Welch w = Statistics.welch(Statistics.Moments.of(a), Statistics.Moments.of(b));
        assertEquals(new TTest().tTest(a, b), w.pTwoSided(), 1e-9);
        assertEquals(-new TTest().t(a, b), w.t(), 1e-9);

        Statistics.Moments m1 = Statistics.Moments.of(a);
        m1.addAll(Statistics.Moments.of(b));
        double[] ab = new double[a.length + b.length];
        System.arraycopy(a, 0, ab, 0, a.length);
        System.arraycopy(b, 0, ab, a.length, b.length);
        Statistics.Moments all = Statistics.Moments.of(ab);
        assertEquals(all.mean(), m1.mean(), 1e-9);
        assertEquals(all.variance(), m1.variance(), 1e-9);

        // two-proportion: 30/1000 vs 60/1000 -> z about 3.25
        Statistics.TwoProportion p = Statistics.twoProportion(30, 1000, 60, 1000);
        assertEquals(3.25, p.z(), 0.05);
        assertTrue(p.pTwoSided() < 0.002 && p.pTwoSided() > 0.0005, "p " + p.pTwoSided());
        assertTrue(!p.exact());
        // rare events: Fisher's exact test; 1/100 vs 6/100 -> two-sided p = 2 (P(0) + P(1)) = 0.118405 (hypergeometric, exact)
        Statistics.TwoProportion rare = Statistics.twoProportion(1, 100, 6, 100);
        assertTrue(rare.exact());
        assertEquals(0.118405, rare.pTwoSided(), 1e-5);
    }

    @Test
    void bootstrapIsSeededAndCoversTheTrueDifference() {
        SplittableRandom rnd = new SplittableRandom(3);
        int covered = 0;
        int trials = 200;
        for (int t = 0; t < trials; t++) {
            double[] a = new double[200];
            double[] b = new double[200];
            for (int i = 0; i < a.length; i++) {
                a[i] = -Math.log(1 - rnd.nextDouble()) * 100;      // mean 100
                b[i] = -Math.log(1 - rnd.nextDouble()) * 100 + 10; // mean 110
            }
            Statistics.Interval ci = Statistics.bootstrapMeanDiff(a, b, 400, 0.9, t);
            assertEquals(ci, Statistics.bootstrapMeanDiff(a, b, 400, 0.9, t), "same seed, same interval");
            if (ci.contains(10)) {
                covered++;
            }
        }
        // nominal 90%: the percentile bootstrap is a little narrow at n = 200
        assertTrue(covered >= 0.82 * trials && covered <= 0.97 * trials, "coverage " + covered + "/" + trials);
    }
}

package org.layerswap.feedback;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/** The tests the A/B report uses. Pure functions. */
public final class Statistics {

    private static final NormalDistribution STD_NORMAL = new NormalDistribution(null, 0, 1);

    private Statistics() {
    }

    /** Running mean and variance (Welford). Not thread-safe. */
    public static final class Moments {
        private long n;
        private double mean;
        private double m2;

        public void add(double x) {
            n++;
            double d = x - mean;
            mean += d / n;
            m2 += d * (x - mean);
        }

        public void addAll(Moments o) {
            if (o.n == 0) {
                return;
            }
            long total = n + o.n;
            double d = o.mean - mean;
            mean += d * o.n / total;
            m2 += o.m2 + d * d * n * o.n / total;
            n = total;
        }

        public long n() {
            return n;
        }

        public double mean() {
            return n == 0 ? Double.NaN : mean;
        }

        /** Sample variance (n-1); NaN below two samples. */
        public double variance() {
            return n < 2 ? Double.NaN : m2 / (n - 1);
        }

        public Moments copy() {
            Moments c = new Moments();
            c.n = n;
            c.mean = mean;
            c.m2 = m2;
            return c;
        }

        public static Moments of(double[] xs) {
            Moments m = new Moments();
            for (double x : xs) {
                m.add(x);
            }
            return m;
        }
    }

    /** Welch's unequal-variance t-test of mean(b) - mean(a). */
    public record Welch(double meanDiff, double t, double df, double pTwoSided) {
    }

    public static Welch welch(Moments a, Moments b) {
        if (a.n() < 2 || b.n() < 2) {
            return new Welch(b.mean() - a.mean(), Double.NaN, Double.NaN, Double.NaN);
        }
        double va = a.variance() / a.n();
        double vb = b.variance() / b.n();
        double diff = b.mean() - a.mean();
        double se2 = va + vb;
        if (se2 == 0) {
            return new Welch(diff, diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff), a.n() + b.n() - 2,
                    diff == 0 ? 1.0 : 0.0);
        }
        double t = diff / Math.sqrt(se2);
        double df = se2 * se2 / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
        double p = 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
        return new Welch(diff, t, df, Math.min(1.0, p));
    }

    /**
     * Two-proportion test of rate(b) - rate(a): the pooled z-test, or Fisher's exact test ({@code exact})
     * when an expected count of successes or failures is below 10 (rare errors), where the z-test's
     * normal approximation rejects too often.
     */
    public record TwoProportion(double rateA, double rateB, double z, double pTwoSided, boolean exact) {
    }

    public static TwoProportion twoProportion(long successesA, long nA, long successesB, long nB) {
        if (nA == 0 || nB == 0) {
            return new TwoProportion(Double.NaN, Double.NaN, Double.NaN, Double.NaN, false);
        }
        double pa = (double) successesA / nA;
        double pb = (double) successesB / nB;
        double pooled = (double) (successesA + successesB) / (nA + nB);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / nA + 1.0 / nB));
        if (se == 0) {
            return new TwoProportion(pa, pb, 0, 1.0, false);
        }
        double z = (pb - pa) / se;
        long successes = successesA + successesB;
        long failures = nA + nB - successes;
        double minExpected = Math.min(Math.min(successes, failures) * (double) Math.min(nA, nB) / (nA + nB), Double.MAX_VALUE);
        if (minExpected < 10 && nA + nB <= Integer.MAX_VALUE) {
            return new TwoProportion(pa, pb, z, fisherExact(successesA, nA, successesB, nB), true);
        }
        return new TwoProportion(pa, pb, z, Math.min(1.0, 2 * STD_NORMAL.cumulativeProbability(-Math.abs(z))), false);
    }

    /** Two-sided Fisher exact p: the probability of tables at most as likely as the observed one. */
    static double fisherExact(long successesA, long nA, long successesB, long nB) {
        int population = (int) (nA + nB);
        int successes = (int) (successesA + successesB);
        HypergeometricDistribution h = new HypergeometricDistribution(null, population, successes, (int) nA);
        double observed = h.probability((int) successesA);
        double p = 0;
        for (int k = h.getSupportLowerBound(); k <= h.getSupportUpperBound(); k++) {
            double pk = h.probability(k);
            if (pk <= observed * (1 + 1e-7)) {
                p += pk;
            }
        }
        return Math.min(1.0, p);
    }

    /** A percentile bootstrap confidence interval. */
    public record Interval(double low, double high, double level) {
        public boolean contains(double x) {
            return x >= low && x <= high;
        }
    }

    /**
     * Percentile bootstrap CI of mean(b) - mean(a) at {@code level}, resampling each group independently
     * with {@code resamples} draws from a generator seeded with {@code seed} (same inputs, same interval).
     */
    public static Interval bootstrapMeanDiff(double[] a, double[] b, int resamples, double level, long seed) {
        if (a.length == 0 || b.length == 0 || resamples < 10) {
            return new Interval(Double.NaN, Double.NaN, level);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] diffs = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            diffs[r] = resampleMean(b, rnd) - resampleMean(a, rnd);
        }
        Arrays.sort(diffs);
        double tail = (1 - level) / 2;
        return new Interval(quantile(diffs, tail), quantile(diffs, 1 - tail), level);
    }

    private static double resampleMean(double[] xs, SplittableRandom rnd) {
        double s = 0;
        for (int i = 0; i < xs.length; i++) {
            s += xs[rnd.nextInt(xs.length)];
        }
        return s / xs.length;
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

package org.layerswap.profiler.engine;

import java.util.Map;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.ProfileView;

/**
 * Probability estimates from a {@link FunctionProfile} shared by the predictors (plain math, no state,
 * allocation-free: they run on the scoring path).
 */
public final class Estimators {

    /** Pseudo-count of the Poisson prior mixed into the idle-histogram hazard. */
    public static final double HISTOGRAM_PRIOR_WEIGHT = 4.0;
    /** Below this many gaps the histogram is not representative and only the rate is used. */
    public static final long MIN_GAPS = 3;
    /** Rate assumed for a function seen exactly once: about once per this many minutes. */
    public static final double SINGLE_SEEN_MINUTES = 240.0;

    private Estimators() {
    }

    /** P(at least one arrival within {@code windowMillis}) for a Poisson process of the given rate. */
    public static double poisson(double ratePerMinute, long windowMillis) {
        if (!(ratePerMinute > 0) || windowMillis <= 0) {
            return 0.0;
        }
        return -Math.expm1(-ratePerMinute * windowMillis / 60_000.0);
    }

    /** The Poisson estimate from the profile's decayed rate, with a weak prior for functions seen once. */
    public static double rateEstimate(FunctionProfile p, long windowMillis) {
        if (p == null || p.invocationCount() == 0) {
            return 0.0;
        }
        double rate = p.ratePerMinute();
        if (p.invocationCount() < 2 || rate <= 0) {
            rate = 1.0 / SINGLE_SEEN_MINUTES;
        }
        return poisson(rate, windowMillis);
    }

    /**
     * The hybrid-histogram hazard: P(next arrival in (now, now+w] | no arrival since the last one),
     * from the idle-time histogram, each bin's mass spread to match its observed mean and spread, shrunk towards the
     * Poisson rate estimate by {@link #HISTOGRAM_PRIOR_WEIGHT} pseudo-gaps. Falls back to the rate
     * estimate when the histogram has fewer than {@link #MIN_GAPS} gaps, when the elapsed idle time
     * is beyond every recorded gap (out of bounds, as in the hybrid policy), or for unseen functions.
     */
    public static double histogramHazard(FunctionProfile p, long nowMillis, long windowMillis) {
        if (p == null || p.invocationCount() == 0) {
            return 0.0;
        }
        double prior = rateEstimate(p, windowMillis);
        if (p.idleTimeTotal() < MIN_GAPS || p.lastSeenMillis() < 0) {
            return prior;
        }
        double elapsed = Math.max(0, nowMillis - p.lastSeenMillis());
        double end = elapsed + windowMillis;
        int bins = p.idleTimeBins();
        // tail = gaps longer than the elapsed idle time = total - gaps already passed; only the bins up
        // to the end of the window need visiting (a handful for frequently invoked functions)
        int lastBin = (int) Math.min(bins - 1, (long) (end / FunctionProfile.IDLE_BIN_MILLIS));
        double passed = 0;
        double within = 0;
        for (int b = 0; b <= lastBin; b++) {
            long c = p.idleTimeCount(b);
            if (c == 0) {
                continue;
            }
            // the bin's gaps spread uniformly over mean +- sqrt(3) sd (same mean and variance), clipped to
            // the bin: a point for a precise timer, the whole bin for memoryless arrivals
            double mean = p.idleTimeMeanMillis(b);
            double half = Math.sqrt(3.0) * p.idleTimeStdDevMillis(b);
            double lo = Math.max(mean - half, (double) b * FunctionProfile.IDLE_BIN_MILLIS);
            double hi = b == bins - 1 ? mean + half : Math.min(mean + half, (b + 1.0) * FunctionProfile.IDLE_BIN_MILLIS);
            double fPassed = cdf(lo, hi, elapsed);
            passed += c * fPassed;
            within += c * (cdf(lo, hi, end) - fPassed);
        }
        double tail = Math.max(0, p.idleTimeTotal() - passed);
        return (within + HISTOGRAM_PRIOR_WEIGHT * prior) / (tail + HISTOGRAM_PRIOR_WEIGHT);
    }

    /** CDF at {@code x} of the uniform distribution on [lo, hi] (a step at lo when hi <= lo). */
    private static double cdf(double lo, double hi, double x) {
        if (x < lo) {
            return 0.0;
        }
        if (x >= hi) {
            return 1.0;
        }
        return (x - lo) / (hi - lo);
    }

    /** Clamps to [0,1], mapping NaN to 0. */
    public static double clamp(double p) {
        return p > 0 ? (p <= 1 ? p : 1.0) : 0.0;
    }

    /**
     * The probability that {@code f} runs within the window because a function it follows just ran
     * (the Markov predictor's cross-function term): over f's predecessors g that are pending (g ran
     * within the co-occurrence window Δ, f not since), with {@code q = P(f follows g)} reduced to its
     * lift over f's own chance to run within Δ, {@code q' = (q - base)/(1 - base)}, and follow delays
     * taken uniform over Δ: {@code 1 - prod_g (1 - q'*min(w, Δ-e)/Δ / (1 - q'*e/Δ))}, e = now - last(g).
     */
    public static double chainLift(ProfileView view, FunctionProfile f, long now, long window) {
        Map<String, Double> preds = view.pendingPredecessors(f.functionId(), now);
        if (preds.isEmpty()) {
            return 0.0;
        }
        double delta = view.coOccurrenceWindowMillis();
        double base = Estimators.poisson(f.ratePerMinute(), (long) delta);
        double notChain = 1.0;
        for (Map.Entry<String, Double> e : preds.entrySet()) {
            FunctionProfile g = view.profile(e.getKey());
            if (g == null || g.lastSeenMillis() < 0 || g.lastSeenMillis() < f.lastSeenMillis()) {
                continue; // f already ran after g's latest invocation: nothing pending
            }
            double elapsed = now - g.lastSeenMillis();
            if (elapsed < 0) {
                elapsed = 0;
            }
            if (elapsed >= delta) {
                continue;
            }
            double q = e.getValue();
            q = base >= 1.0 ? 0.0 : (q - base) / (1.0 - base);
            if (q <= 0) {
                continue;
            }
            double inWindow = q * Math.min(window, delta - elapsed) / delta;
            double notYet = 1.0 - q * elapsed / delta;
            double p = notYet <= 0 ? 0.0 : Math.min(1.0, inWindow / notYet);
            notChain *= 1.0 - p;
        }
        return 1.0 - notChain;
    }
}

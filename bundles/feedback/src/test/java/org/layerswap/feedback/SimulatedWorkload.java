package org.layerswap.feedback;

import java.util.SplittableRandom;

import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationOutcome;

/**
 * A small self-contained stand-in for a replayed workload: functions needing a 20 MB layer, invocation
 * counts per window following a daily-like wave, and a prefetcher whose behaviour depends on the threshold:
 * <ul>
 *   <li>hit probability h(t) = 1 - t^1.5 (the layer was prefetched in time; wait ~5 ms), otherwise an
 *       on-demand pull (wait ~ coldMs + exponential noise, 20 MB fetched);</li>
 *   <li>prefetched MB per invocation = 20 h(t) + 40 (1 - t)^3, of which 40 (1 - t)^3 is never used (waste);</li>
 *   <li>execution ~ lognormal, mean about 100 ms.</li>
 * </ul>
 * {@link #expectedObjective} is the closed form of J for given weights, so tests know the true optimum.
 */
final class SimulatedWorkload {

    static final double LAYER_MB = 20;
    static final double WASTE_MB = 40;

    final SplittableRandom rnd;
    double coldMs;

    SimulatedWorkload(long seed, double coldMs) {
        this.rnd = new SplittableRandom(seed);
        this.coldMs = coldMs;
    }

    static double hit(double t) {
        return 1 - Math.pow(t, 1.5);
    }

    static double wasteMb(double t) {
        return WASTE_MB * Math.pow(1 - t, 3);
    }

    /** Expected J per invocation at threshold t (error rate 0, no storage term). */
    static double expectedObjective(double t, double coldMs, ObjectiveWeights w) {
        double h = hit(t);
        double latency = (1 - h) * (coldMs + 100) + h * 5 + 100;
        double fetchedMb = LAYER_MB * h + wasteMb(t) + (1 - h) * LAYER_MB;
        return -(latency + w.bandwidthMsPerMB() * fetchedMb + w.wasteMsPerMB() * wasteMb(t));
    }

    static double argmax(double coldMs, ObjectiveWeights w, double lo, double hi) {
        double best = lo;
        for (double t = lo; t <= hi + 1e-12; t += 0.0005) {
            if (expectedObjective(t, coldMs, w) > expectedObjective(best, coldMs, w)) {
                best = t;
            }
        }
        return best;
    }

    /** Invocations in window {@code k}: a wave between 150 and 650. */
    int invocationsInWindow(int k) {
        return (int) Math.round(400 + 250 * Math.sin(2 * Math.PI * k / 48.0));
    }

    /**
     * Runs window {@code k} ([k*interval, (k+1)*interval)) at {@code threshold} into {@code sink}.
     *
     * @return the realised objective (same formula as {@link ObjectiveWeights}) summed over the window, and n
     */
    double[] runWindow(int k, long intervalMillis, double threshold, FeedbackEngine sink, ObjectiveWeights w) {
        int n = invocationsInWindow(k);
        long start = k * intervalMillis;
        double h = hit(threshold);
        double sumJ = 0;
        for (int i = 0; i < n; i++) {
            long ts = start + (long) ((i + 0.5) * intervalMillis / n);
            boolean hit = rnd.nextDouble() < h;
            double waitMs = hit ? 5 * -Math.log(1 - rnd.nextDouble()) : coldMs + 100 * -Math.log(1 - rnd.nextDouble());
            double execMs = 100 * Math.exp(0.5 * gaussian() - 0.125);
            double fetchedMb = (hit ? LAYER_MB : 0) + wasteMb(threshold) + (hit ? 0 : LAYER_MB);
            double wasted = wasteMb(threshold);
            if (sink != null) {
                String fn = "fn-" + (i % 50);
                sink.recordFetch(fn, ExperimentArm.NONE, FetchPriority.PREFETCH, Math.round((fetchedMb - (hit ? 0 : LAYER_MB)) * 1e6), ts);
                if (!hit) {
                    sink.recordFetch(fn, ExperimentArm.NONE, FetchPriority.ON_DEMAND, Math.round(LAYER_MB * 1e6), ts);
                }
                sink.recordWastedPrefetch(fn, ExperimentArm.NONE, Math.round(wasted * 1e6), ts);
                sink.record(new InvocationOutcome(fn, ts, ExperimentArm.NONE, Math.round(waitMs * 1000), Math.round(execMs * 1000), false));
            }
            sumJ -= waitMs + execMs + w.bandwidthMsPerMB() * fetchedMb + w.wasteMsPerMB() * wasted;
        }
        return new double[] {sumJ, n};
    }

    double gaussian() {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}

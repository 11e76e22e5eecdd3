package org.layerswap.predictor.encog;

import java.util.Map;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.ProfileView;
import org.layerswap.profiler.engine.Estimators;
import org.layerswap.profiler.engine.FunctionStats;

/**
 * The network's input: lag features of one function at one moment, all scaled to about [0, 1].
 * Feature 0 is the histogram-hazard estimate itself, which is also the fallback: the network learns a
 * correction of the baseline rather than the whole arrival process from scratch.
 *
 * <p>A sample is {@link #SAMPLE} values: the {@link #COUNT} lag features, then the function's per-minute
 * invocation counts over the last {@link #STEPS} minutes (log-scaled, oldest first, the current partial
 * minute last). The feed-forward network reads the lag features; the Elman network reads the minute
 * sequence one step at a time, each step together with the lag features (see {@link NetworkKind}).
 */
final class Features {

    static final int COUNT = 11;
    static final int HAZARD = 0;
    /** Minutes of per-minute counts in a sample (the recurrent network's sequence length). */
    static final int STEPS = 12;
    static final int SAMPLE = COUNT + STEPS;

    private Features() {
    }

    static void compute(ProfileView view, FunctionProfile p, long now, long window, double[] x) {
        double elapsedMin = Math.max(0, now - p.lastSeenMillis()) / 60_000.0;
        x[HAZARD] = Estimators.clamp(Estimators.histogramHazard(p, now, window));
        x[1] = Estimators.rateEstimate(p, window);
        x[2] = Math.log1p(elapsedMin) / Math.log1p(1440);
        x[3] = Math.log1p(lastMinutes(p, now, 1)) / 5.0;
        x[4] = Math.log1p(lastMinutes(p, now, 5)) / 6.0;
        x[5] = Math.log1p(lastMinutes(p, now, 15)) / 7.0;
        x[6] = Math.log1p(lastMinutes(p, now, 60)) / 8.0;
        x[7] = hourShare(p, now + window / 2);
        x[8] = pendingChain(view, p, now);
        x[9] = Math.min(1.0, Math.log1p(p.invocationCount()) / 15.0);
        // the baseline in logit space: lets the sigmoid output reproduce it with a near-linear path
        double h = Math.min(0.999, Math.max(0.001, x[HAZARD]));
        x[10] = Math.log(h / (1 - h)) / 7.0;
        if (x.length >= SAMPLE) {
            minuteSequence(p, now, x);
        }
    }

    /** x[COUNT + i] = log1p(count of minute (now's minute - STEPS + 1 + i)) / 5, for i in [0, STEPS). */
    private static void minuteSequence(FunctionProfile p, long now, double[] x) {
        if (p instanceof FunctionStats s) {
            int through = 0; // invocations in the last k minutes, for k = 0..STEPS
            for (int k = 1; k <= STEPS; k++) {
                int total = s.countLastMinutes(now, k);
                x[SAMPLE - k] = Math.log1p(total - through) / 5.0;
                through = total;
            }
            return;
        }
        int[] counts = p.recentMinuteCounts(now);
        for (int k = 1; k <= STEPS; k++) {
            int i = counts.length - k;
            x[SAMPLE - k] = Math.log1p(i >= 0 ? counts[i] : 0) / 5.0;
        }
    }

    private static int lastMinutes(FunctionProfile p, long now, int minutes) {
        if (p instanceof FunctionStats s) {
            return s.countLastMinutes(now, minutes);
        }
        int[] counts = p.recentMinuteCounts(now);
        int sum = 0;
        for (int i = Math.max(0, counts.length - minutes); i < counts.length; i++) {
            sum += counts[i];
        }
        return sum;
    }

    /** Share of the function's (decayed) invocations that fell in the hour of {@code t}, times 24, capped. */
    private static double hourShare(FunctionProfile p, long t) {
        double[] h = p.hourOfDayProfile();
        double total = 0;
        for (double v : h) {
            total += v;
        }
        if (total <= 0) {
            return 0.25;
        }
        int hour = (int) Math.floorMod(Math.floorDiv(t, 3_600_000L), 24L);
        return Math.min(1.0, h[hour] / total * 24.0 / 4.0);
    }

    /** Highest follow probability among predecessors that ran within the co-occurrence window, f not since. */
    private static double pendingChain(ProfileView view, FunctionProfile p, long now) {
        Map<String, Double> preds = view.pendingPredecessors(p.functionId(), now);
        double best = 0;
        for (Map.Entry<String, Double> e : preds.entrySet()) {
            FunctionProfile g = view.profile(e.getKey());
            if (g != null && g.lastSeenMillis() >= p.lastSeenMillis()
                    && now - g.lastSeenMillis() < view.coOccurrenceWindowMillis()) {
                best = Math.max(best, e.getValue());
            }
        }
        return best;
    }
}

package org.layerswap.feedback;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationOutcome;

/**
 * The controller on a replayed day: the real per-minute arrivals of the 1,350 Azure Functions 2019
 * sample (927,272 invocations, diurnal volume, a changing mix of functions) with each function's average
 * execution time from the durations file; the response to the threshold is modelled: function f's layers
 * are prefetched in time with probability 1 - t^a_f, a_f from 0.5 (rare, hard to predict) to 3 (busy,
 * easy), a cold pull costs 300 ms + noise and 20 MB, prefetching wastes 40 (1 - t)^3 MB per invocation.
 */
class TraceReplayControllerTest {

    static final Path DATA = Paths.get("../../../shared/data");
    static final Path INVOCATIONS = DATA.resolve("azure2019-1350-invocations.csv");
    static final Path DURATIONS = DATA.resolve("azure2019-1350-durations.csv");
    static final long WINDOW = 5 * 60_000L;
    static final ObjectiveWeights W = new ObjectiveWeights(1.0, 2.0, 0.0, 1000.0);

    record Fn(String id, int[] perMinute, double exponent, double execMs) {
    }

    static List<Fn> load() throws IOException {
        Map<String, Double> exec = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(DURATIONS)) {
            List<String> head = Arrays.asList(r.readLine().split(","));
            int fnCol = head.indexOf("HashFunction");
            int avgCol = head.indexOf("Average");
            for (String line; (line = r.readLine()) != null; ) {
                String[] c = line.split(",");
                exec.put(c[fnCol], Math.max(1, Math.min(3000, Double.parseDouble(c[avgCol]))));
            }
        }
        List<Fn> fns = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(INVOCATIONS)) {
            List<String> head = Arrays.asList(r.readLine().split(","));
            int fnCol = head.indexOf("HashFunction");
            int first = head.indexOf("minute_1");
            for (String line; (line = r.readLine()) != null; ) {
                String[] c = line.split(",");
                int[] pm = new int[1440];
                long total = 0;
                for (int m = 0; m < 1440; m++) {
                    pm[m] = Integer.parseInt(c[first + m].trim());
                    total += pm[m];
                }
                double a = 0.5 + 2.5 * Math.min(1.0, Math.log10(1 + total) / Math.log10(1 + 20_000));
                fns.add(new Fn(c[fnCol], pm, a, exec.getOrDefault(c[fnCol], 100.0)));
            }
        }
        return fns;
    }

    /** Expected J per invocation at threshold t over the whole day (the mix weighted by invocations). */
    static double expectedJ(List<Fn> fns, double t) {
        double sum = 0;
        long n = 0;
        for (Fn f : fns) {
            long k = Arrays.stream(f.perMinute()).asLongStream().sum();
            double h = 1 - Math.pow(t, f.exponent());
            double waste = 40 * Math.pow(1 - t, 3);
            double latency = (1 - h) * 400 + h * 5 + f.execMs();
            sum += k * -(latency + W.bandwidthMsPerMB() * (20 + waste) + W.wasteMsPerMB() * waste);
            n += k;
        }
        return sum / n;
    }

    /** Replays the day; {@code fixed} null = adaptive. Returns {realised J over the second half, final threshold, reversals}. */
    static double[] replay(List<Fn> fns, Double fixed, long seed, List<ThresholdChange> changes) {
        FeedbackEngine e = new FeedbackEngine(FeedbackSettings.defaults().withObjective(W).withInterval(WINDOW));
        e.addListener(new FeedbackListener() {
            @Override
            public void thresholdChanged(ThresholdChange c) {
                changes.add(c);
            }
        });
        SplittableRandom rnd = new SplittableRandom(seed);
        double sumJ = 0;
        long n = 0;
        for (int m = 0; m < 1440; m++) {
            for (Fn f : fns) {
                int k = f.perMinute()[m];
                for (int i = 0; i < k; i++) {
                    long ts = m * 60_000L + (long) ((i + 0.5) * 60_000 / k);
                    double t = fixed != null ? fixed : e.recommendedThreshold();
                    boolean hit = rnd.nextDouble() < 1 - Math.pow(t, f.exponent());
                    double wait = hit ? 5 * -Math.log(1 - rnd.nextDouble()) : 300 + 100 * -Math.log(1 - rnd.nextDouble());
                    double exec = f.execMs() * Math.exp(0.5 * gaussian(rnd) - 0.125);
                    double waste = 40 * Math.pow(1 - t, 3);
                    if (fixed == null) {
                        e.recordFetch(f.id(), ExperimentArm.NONE, FetchPriority.PREFETCH, Math.round(((hit ? 20 : 0) + waste) * 1e6), ts);
                        if (!hit) {
                            e.recordFetch(f.id(), ExperimentArm.NONE, FetchPriority.ON_DEMAND, 20_000_000, ts);
                        }
                        e.recordWastedPrefetch(f.id(), ExperimentArm.NONE, Math.round(waste * 1e6), ts);
                        e.record(new InvocationOutcome(f.id(), ts, ExperimentArm.NONE, Math.round(wait * 1000), Math.round(exec * 1000), false));
                    }
                    if (m >= 720) {
                        sumJ -= wait + exec + W.bandwidthMsPerMB() * (20 + waste) + W.wasteMsPerMB() * waste;
                        n++;
                    }
                }
            }
        }
        return new double[] {sumJ / n, fixed != null ? fixed : e.referenceThreshold(), e.controllerReversals(),
                e.controllerStatus().probingPhases(), e.controllerStatus().decisions()};
    }

    static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    @Test
    void convergesOnAReplayedDayAndBeatsAFixedThreshold() throws IOException {
        Assumptions.assumeTrue(Files.exists(INVOCATIONS) && Files.exists(DURATIONS),
                "shared traces absent: need " + INVOCATIONS.toAbsolutePath() + " and " + DURATIONS.toAbsolutePath());
        List<Fn> fns = load();
        double best = 0.05;
        for (double t = 0.05; t <= 0.95; t += 0.005) {
            if (expectedJ(fns, t) > expectedJ(fns, best)) {
                best = t;
            }
        }
        double jBest = expectedJ(fns, best);
        for (long seed = 1; seed <= 2; seed++) {
            List<ThresholdChange> changes = new ArrayList<>();
            double[] adaptive = replay(fns, null, seed, changes);
            double[] fixed = replay(fns, 0.5, seed, new ArrayList<>());
            double jFinal = expectedJ(fns, adaptive[1]);
            System.out.printf("replayed day, seed %d: optimum %.3f (J %.1f); final threshold %.3f (J %.1f) after %d changes,"
                            + " %.0f decisions, %.0f reversals, %.0f probing phases; realised J second half %.1f vs fixed 0.5 %.1f ms/inv%n",
                    seed, best, jBest, adaptive[1], jFinal, changes.size(), adaptive[4], adaptive[2], adaptive[3], adaptive[0], fixed[0]);
            assertTrue(adaptive[2] <= adaptive[3] * ControllerSettings.defaults().maxReversalsPerPhase(), "bounded reversals");
            assertTrue(adaptive[3] <= 1 + 288 / ControllerSettings.defaults().reprobeWindows(), "re-probes only on schedule");
            assertTrue(jBest - jFinal < 15, "final " + adaptive[1] + " vs optimum " + best);
            assertTrue(adaptive[0] > fixed[0] + 10, "better than a fixed threshold: " + adaptive[0] + " vs " + fixed[0]);
        }
    }
}

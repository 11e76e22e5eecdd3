package org.layerswap.profiler.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.layerswap.api.InvocationEvent;
import org.layerswap.profiler.engine.ProfilerEngine;

/**
 * Drives an engine through a trace and, at regular checkpoints after a warm-up, compares each
 * function's predicted probability with the truth (does it run in (t, t+window]?).
 * Reports the Brier score, that of the best constant predictor (the observed base rate: a stronger
 * baseline than any fixed guess), calibration per probability bucket, and ranking quality (AUC: the
 * chance that a function that truly runs next scores above one that does not, at the same checkpoint).
 */
public final class Evaluation {

    public final Map<String, Stats> perFunction = new TreeMap<>();
    public final Stats all = new Stats();
    /** AUC over pairs (positive, negative) at the same checkpoint. */
    public double auc;
    public long pairs;

    public static final class Stats {
        public double brierSum;
        public long n;
        public long positives;
        public double predictedSum;

        void add(double p, boolean truth) {
            double y = truth ? 1 : 0;
            brierSum += (p - y) * (p - y);
            n++;
            positives += truth ? 1 : 0;
            predictedSum += p;
        }

        public double brier() {
            return brierSum / n;
        }

        public double baseRate() {
            return (double) positives / n;
        }

        /** Brier score of always predicting the observed base rate. */
        public double constantBrier() {
            double b = baseRate();
            return b * (1 - b);
        }

        public double meanPredicted() {
            return predictedSum / n;
        }

        @Override
        public String toString() {
            return String.format("n=%d brier=%.4f constant=%.4f base=%.3f meanPredicted=%.3f", n, brier(), constantBrier(),
                    baseRate(), meanPredicted());
        }
    }

    /** One checkpoint observation: function, predicted probability, truth. */
    public record Point(String function, long time, double p, boolean truth) {
    }

    public final List<Point> points = new ArrayList<>();

    /**
     * @param functions functions to evaluate at each checkpoint
     * @param warmupMillis no checkpoints before start + warm-up
     * @param stepMillis   checkpoint spacing
     */
    public static Evaluation run(ProfilerEngine engine, List<InvocationEvent> events, List<String> functions,
                                 long start, long end, long warmupMillis, long stepMillis) {
        return run(engine, events, functions, start, end, warmupMillis, stepMillis, t -> { });
    }

    /** As above; {@code beforeCheckpoint} runs with the checkpoint time once its events are recorded. */
    public static Evaluation run(ProfilerEngine engine, List<InvocationEvent> events, List<String> functions,
                                 long start, long end, long warmupMillis, long stepMillis,
                                 java.util.function.LongConsumer beforeCheckpoint) {
        Evaluation ev = new Evaluation();
        long window = engine.windowMillis();
        // per function sorted times, for truth lookups
        Map<String, long[]> times = new HashMap<>();
        Map<String, List<Long>> tmp = new HashMap<>();
        for (InvocationEvent e : events) {
            tmp.computeIfAbsent(e.functionId(), k -> new ArrayList<>()).add(e.timestampMillis());
        }
        tmp.forEach((k, v) -> times.put(k, v.stream().mapToLong(Long::longValue).sorted().toArray()));
        int i = 0;
        for (long cp = start + warmupMillis; cp + window < end; cp += stepMillis) {
            while (i < events.size() && events.get(i).timestampMillis() <= cp) {
                engine.record(events.get(i++));
            }
            beforeCheckpoint.accept(cp);
            List<double[]> pos = new ArrayList<>();
            List<double[]> neg = new ArrayList<>();
            for (String f : functions) {
                double p = engine.functionProbability(f, cp);
                boolean truth = runsWithin(times.get(f), cp, cp + window);
                ev.all.add(p, truth);
                ev.perFunction.computeIfAbsent(f, k -> new Stats()).add(p, truth);
                ev.points.add(new Point(f, cp, p, truth));
                (truth ? pos : neg).add(new double[] {p});
            }
            for (double[] a : pos) {
                for (double[] b : neg) {
                    ev.auc += a[0] > b[0] ? 1 : a[0] == b[0] ? 0.5 : 0;
                    ev.pairs++;
                }
            }
        }
        while (i < events.size()) {
            engine.record(events.get(i++));
        }
        ev.auc = ev.pairs == 0 ? Double.NaN : ev.auc / ev.pairs;
        return ev;
    }

    static boolean runsWithin(long[] ts, long from, long to) {
        if (ts == null) {
            return false;
        }
        int lo = 0;
        int hi = ts.length;
        while (lo < hi) { // first index with ts > from
            int mid = (lo + hi) >>> 1;
            if (ts[mid] <= from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < ts.length && ts[lo] <= to;
    }

    /** Observed frequency among points whose prediction fell in [lo, hi). */
    public double observedFrequency(String function, double lo, double hi) {
        long n = 0;
        long pos = 0;
        for (Point p : points) {
            if ((function == null || p.function().equals(function)) && p.p() >= lo && p.p() < hi) {
                n++;
                pos += p.truth() ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) pos / n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("all: ").append(all).append(String.format(" auc=%.3f%n", auc));
        perFunction.forEach((f, s) -> sb.append("  ").append(f).append(": ").append(s).append('\n'));
        return sb.toString();
    }
}

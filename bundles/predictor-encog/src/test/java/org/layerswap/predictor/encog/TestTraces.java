package org.layerswap.predictor.encog;

import org.layerswap.profiler.testkit.SyntheticTrace;

/** Synthetic traces shared by this bundle's tests. */
public final class TestTraces {

    private TestTraces() {
    }

    /** Office hours: busy 08:00-18:00 UTC, nearly silent at night; plus a timer. */
    public static SyntheticTrace diurnal(long seed, long start, long end) {
        SyntheticTrace t = new SyntheticTrace(seed, start, end).timer("timer10", 600_000L, 0, 5_000);
        java.util.Random r = t.random();
        double time = start;
        while (time < end) {
            int hour = (int) ((long) time / 3_600_000L % 24);
            double rate = hour >= 8 && hour < 18 ? 0.3 : 0.002;
            time += -Math.log(1 - r.nextDouble()) / 0.3 * 60_000.0; // thinning of a 0.3/min process
            if (time < end && r.nextDouble() < rate / 0.3) {
                t.add("office", (long) time, java.util.Map.of());
            }
        }
        return t;
    }
}

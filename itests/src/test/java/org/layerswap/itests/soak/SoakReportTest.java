package org.layerswap.itests.soak;

import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class SoakReportTest {

    private static final long MIB = 1024L * 1024;

    /** Two lifetimes sampled alike (same threads, fds, overhead histogram); their heap samples and live sets differ. */
    private static SoakRecorder twoLifetimes(long firstLowMib, long lastLowMib, long firstLiveMib, long lastLiveMib) {
        SoakRecorder r = new SoakRecorder(0);
        long[][] lifetimes = {{firstLowMib, firstLiveMib}, {lastLowMib, lastLiveMib}};
        long t = 1_000;
        for (long[] l : lifetimes) {
            r.newSegment(t);
            for (int i = 0; i < 3; i++) {
                long used = (l[0] + 10L * i) * MIB;
                r.sample(t + i, new ProcessProbe(1, 100, 200, 400 * MIB), MetricsScrape.parse(scrape(used, 1024 * MIB, i * 10)));
            }
            r.liveHeap(l[1] * MIB);
            t += 10_000;
        }
        return r;
    }

    private static String scrape(long usedBytes, long maxBytes, int executions) {
        return String.join("\n",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} " + usedBytes,
                "jvm_memory_max_bytes{area=\"heap\",id=\"G1 Old Gen\"} " + maxBytes,
                "jvm_memory_max_bytes{area=\"heap\",id=\"G1 Eden Space\"} -1",
                "layerswap_cold_start_seconds_bucket{le=\"0.05\",phase=\"to_first_instruction\"} " + executions,
                "layerswap_cold_start_seconds_bucket{le=\"+Inf\",phase=\"to_first_instruction\"} " + executions,
                "");
    }

    @Test
    public void aHigherSampleLowPointWithTheSameLiveSetIsSteady() {
        SoakRecorder r = twoLifetimes(72, 188, 90, 95); // what one CI run saw of the samples, with no leak
        new SoakReport(0, 180, 5000).assertSteady(r);
    }

    @Test
    public void aLiveSetThatGrowsPastTheToleranceFails() {
        SoakRecorder r = twoLifetimes(72, 80, 90, 90 * 3 / 2 + 65);
        AssertionError e = assertThrows(AssertionError.class, () -> new SoakReport(0, 180, 5000).assertSteady(r));
        assertTrue(e.getMessage(), e.getMessage().contains("live heap (after a full GC) grew: 90 MiB -> 200 MiB"));
    }

    @Test
    public void aLifetimeWithoutALiveHeapMeasurementFails() {
        SoakRecorder r = new SoakRecorder(0);
        r.newSegment(0);
        r.sample(1, new ProcessProbe(1, 100, 200, 0), MetricsScrape.parse(scrape(50 * MIB, 1024 * MIB, 0)));
        r.sample(2, new ProcessProbe(1, 100, 200, 0), MetricsScrape.parse(scrape(50 * MIB, 1024 * MIB, 5)));
        r.newSegment(10);
        r.sample(11, new ProcessProbe(1, 100, 200, 0), MetricsScrape.parse(scrape(50 * MIB, 1024 * MIB, 0)));
        r.sample(12, new ProcessProbe(1, 100, 200, 0), MetricsScrape.parse(scrape(50 * MIB, 1024 * MIB, 5)));
        r.liveHeap(60 * MIB);
        AssertionError e = assertThrows(AssertionError.class, () -> new SoakReport(0, 180, 5000).assertSteady(r));
        assertTrue(e.getMessage(), e.getMessage().contains("no live heap measured"));
    }
}

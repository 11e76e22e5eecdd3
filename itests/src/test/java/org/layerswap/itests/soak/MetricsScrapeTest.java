package org.layerswap.itests.soak;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.TreeMap;

import org.junit.Test;

public class MetricsScrapeTest {

    private static final String TEXT = String.join("\n",
            "# HELP jvm_memory_used_bytes The amount of used memory",
            "# TYPE jvm_memory_used_bytes gauge",
            "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.0E7",
            "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 3.0E7",
            "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 5.0E7",
            "layerswap_cold_start_seconds_bucket{le=\"0.001\",phase=\"mount\"} 2.0",
            "layerswap_cold_start_seconds_bucket{le=\"+Inf\",phase=\"mount\"} 7.0",
            "layerswap_cold_start_seconds_bucket{le=\"0.001\",phase=\"execution\"} 1.0",
            "layerswap_threshold NaN",
            "");

    @Test
    public void seriesAreSummedOverTheLabelsThatPass() {
        MetricsScrape s = MetricsScrape.parse(TEXT);
        assertEquals(4.0e7, s.sum("jvm_memory_used_bytes", l -> "heap".equals(l.get("area"))), 0);
        assertTrue(Double.isNaN(s.sum("layerswap_threshold", l -> true)));
        assertTrue("an absent series is NaN", Double.isNaN(s.sum("no_such_metric", l -> true)));
    }

    @Test
    public void bucketsAreKeyedByTheirUpperBoundIncludingInfinity() {
        TreeMap<Double, Double> b = MetricsScrape.parse(TEXT).buckets("layerswap_cold_start_seconds", l -> "mount".equals(l.get("phase")));
        assertEquals(2, b.size());
        assertEquals(2.0, b.get(0.001), 0);
        assertEquals(7.0, b.get(Double.POSITIVE_INFINITY), 0);
    }

    @Test
    public void aLineThatIsNoSampleIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsScrape.parse("what is this {"));
        assertTrue(e.getMessage(), e.getMessage().contains("what is this {"));
    }
}

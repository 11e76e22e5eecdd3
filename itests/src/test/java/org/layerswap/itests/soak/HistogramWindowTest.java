package org.layerswap.itests.soak;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.TreeMap;

import org.junit.Test;

public class HistogramWindowTest {

    private static TreeMap<Double, Double> buckets(double le1, double le2, double inf) {
        TreeMap<Double, Double> b = new TreeMap<>();
        b.put(0.1, le1);
        b.put(0.2, le2);
        b.put(Double.POSITIVE_INFINITY, inf);
        return b;
    }

    @Test
    public void theWindowCountsOnlyWhatWasGainedAfterItsFirstScrape() {
        HistogramWindow w = new HistogramWindow();
        w.add(buckets(50, 50, 50));
        w.add(buckets(50, 150, 150));
        assertEquals(100, w.count(), 0);
        // every new observation is in (0.1, 0.2]: p50 interpolates to the middle of that bucket
        assertEquals(0.15, w.quantile(0.5), 1e-9);
    }

    @Test
    public void aCounterThatWentDownIsARestartWhoseWholeValueIsGained() {
        HistogramWindow w = new HistogramWindow();
        w.add(buckets(10, 10, 10));
        w.add(buckets(4, 4, 4));
        assertEquals(4, w.count(), 0);
        assertTrue(w.quantile(0.99) <= 0.1);
    }

    @Test
    public void ranksBeyondTheLastFiniteBucketAnswerItsBoundAndAnEmptyWindowNaN() {
        HistogramWindow w = new HistogramWindow();
        assertTrue(Double.isNaN(w.quantile(0.99)));
        w.add(buckets(0, 0, 0));
        w.add(buckets(0, 0, 10));
        assertEquals(0.2, w.quantile(0.99), 0);
    }
}

package org.layerswap.itests.soak;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a cumulative Prometheus histogram gained over a stretch of scrapes, as Prometheus's {@code increase()} sees
 * it: the sum of the increases between consecutive scrapes, where a bucket that went down means the process
 * restarted (counters start again at 0) and its whole current value is the increase. Quantiles are estimated as
 * {@code histogram_quantile} does: linear interpolation inside the bucket that holds the rank.
 */
public final class HistogramWindow {

    private final TreeMap<Double, Double> increase = new TreeMap<>();
    private TreeMap<Double, Double> last;

    /** Adds the next scrape's cumulative buckets ({@code le -> count}). */
    public void add(TreeMap<Double, Double> buckets) {
        if (last != null) {
            for (Map.Entry<Double, Double> e : buckets.entrySet()) {
                double before = last.getOrDefault(e.getKey(), 0.0);
                double gained = e.getValue() >= before ? e.getValue() - before : e.getValue();
                increase.merge(e.getKey(), gained, Double::sum);
            }
        }
        last = buckets;
    }

    /** Observations counted in the window. */
    public double count() {
        return increase.isEmpty() ? 0 : increase.lastEntry().getValue();
    }

    /** The {@code q}-quantile in the histogram's unit; NaN when the window counted nothing. */
    public double quantile(double q) {
        double total = count();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : increase.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound; // beyond the last finite bucket: its bound, as histogram_quantile answers
                }
                double inBucket = e.getValue() - lowerCount;
                return inBucket <= 0 ? e.getKey() : lowerBound + (e.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }
}

package org.layerswap.feedback;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the predictive arm (no experiment, or the treatment arm) did during one evaluation window:
 * the controller's evidence.
 *
 * @param meanLatencyMs         mean of layer wait + execution
 * @param adjustedLatencyMs     mean of layer wait + execution excess, the excess being an invocation's execution
 *                              time minus its function's running mean: the latency the objective uses, free of
 *                              which functions happened to run in the window (execution slowed by prefetching
 *                              still shows as a positive excess)
 * @param adjustedLatencyVariance sample variance of that per-invocation quantity
 */
public record WindowMetrics(long startMillis, long endMillis, double threshold, long invocations, double meanLatencyMs,
                            double adjustedLatencyMs, double adjustedLatencyVariance, double meanWaitMs, double meanExecMs,
                            long errors, long bytesFetched, long bytesPrefetched, long wastedBytes, double storageGBs) {

    /** Pools two windows into one, combining means and variances exactly. */
    public WindowMetrics merge(WindowMetrics o) {
        long n = invocations + o.invocations;
        if (n == 0) {
            return new WindowMetrics(Math.min(startMillis, o.startMillis), Math.max(endMillis, o.endMillis), o.threshold, 0, 0, 0, 0,
                    0, 0, 0, bytesFetched + o.bytesFetched, bytesPrefetched + o.bytesPrefetched, wastedBytes + o.wastedBytes,
                    storageGBs + o.storageGBs);
        }
        double adj = (adjustedLatencyMs * invocations + o.adjustedLatencyMs * o.invocations) / n;
        double d = o.adjustedLatencyMs - adjustedLatencyMs;
        double m2 = m2(this) + m2(o) + d * d * invocations * o.invocations / n;
        return new WindowMetrics(Math.min(startMillis, o.startMillis), Math.max(endMillis, o.endMillis), o.threshold, n,
                (meanLatencyMs * invocations + o.meanLatencyMs * o.invocations) / n, adj, n < 2 ? Double.NaN : m2 / (n - 1),
                (meanWaitMs * invocations + o.meanWaitMs * o.invocations) / n,
                (meanExecMs * invocations + o.meanExecMs * o.invocations) / n, errors + o.errors,
                bytesFetched + o.bytesFetched, bytesPrefetched + o.bytesPrefetched, wastedBytes + o.wastedBytes,
                storageGBs + o.storageGBs);
    }

    private static double m2(WindowMetrics w) {
        return w.invocations < 2 || Double.isNaN(w.adjustedLatencyVariance) ? 0 : w.adjustedLatencyVariance * (w.invocations - 1);
    }

    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("window", startMillis + ".." + endMillis);
        m.put("threshold", fmt(threshold));
        m.put("invocations", Long.toString(invocations));
        m.put("meanLatencyMs", fmt(meanLatencyMs));
        m.put("adjustedLatencyMs", fmt(adjustedLatencyMs));
        m.put("sdAdjustedLatencyMs", fmt(Math.sqrt(adjustedLatencyVariance)));
        m.put("meanLayerWaitMs", fmt(meanWaitMs));
        m.put("meanExecutionMs", fmt(meanExecMs));
        m.put("errorRate", invocations == 0 ? "NaN" : fmt((double) errors / invocations));
        m.put("mbFetched", fmt(bytesFetched / 1e6));
        m.put("mbPrefetched", fmt(bytesPrefetched / 1e6));
        m.put("mbWasted", fmt(wastedBytes / 1e6));
        m.put("storageGBs", fmt(storageGBs));
        return m;
    }

    static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}

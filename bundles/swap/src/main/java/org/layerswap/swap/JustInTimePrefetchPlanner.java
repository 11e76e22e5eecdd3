package org.layerswap.swap;

import java.util.Arrays;

/**
 * When to start a prefetch, and whether to admit it (issue 13): a layer is fetched just in time for
 * its function's predicted earliest next use, not as soon as a score crosses the threshold.
 * <pre>
 *   start(l)   = earliest(f) - fetchMillis(l) - margin - interval     interval: the decision cadence
 *   due(l)     = now &gt;= start(l)
 *   admit(l)   = due(l) and P(f runs within the cache lifetime | idle) &gt;= threshold
 *                and every layer it displaces is needed later than l (NextUseEvictionPlanner)
 *   margin     = 90th percentile of (earliest - actual) over the last {@value #ERRORS} predictions,
 *                at least 0: how early the function came against the predicted earliest use
 *   lifetime   = mean idle time of the layers on-demand misses evicted (how long the cache keeps a
 *                layer nobody uses), learned online
 * </pre>
 * The threshold the feedback loop adapts therefore means: the least probability, under the next-use
 * model, that a prefetched layer is used before the cache would evict it again; a prefetch below it
 * would most likely be wasted bytes. Prefetches queue behind on-demand fetches (the link preempts
 * them), so they never delay a cold start.
 */
public final class JustInTimePrefetchPlanner {

    static final int ERRORS = 256;
    private final long[] errors = new long[ERRORS];
    /** The same {@code errorCount} errors, kept sorted on every record (O(ERRORS) shift, no sort per query). */
    private final long[] sortedErrors = new long[ERRORS];
    private int errorCount;
    private int errorHead;
    private long margin;
    private boolean marginStale;
    private double lifetimeMillis = Double.POSITIVE_INFINITY;
    private long lifetimeSamples;

    /** Start time of a prefetch for a use predicted no earlier than {@code earliestMillis}. */
    public long startMillis(long earliestMillis, double fetchMillis, long intervalMillis) {
        return earliestMillis - (long) Math.ceil(fetchMillis) - marginMillis() - intervalMillis;
    }

    public boolean due(long nowMillis, long earliestMillis, double fetchMillis, long intervalMillis) {
        return nowMillis >= startMillis(earliestMillis, fetchMillis, intervalMillis);
    }

    /** Records how a function's actual next use compared with its predicted earliest next use. */
    public void recordOutcome(long predictedEarliestMillis, long actualMillis) {
        long e = predictedEarliestMillis - actualMillis;
        int n = errorCount;
        if (n == ERRORS) {
            int p = Arrays.binarySearch(sortedErrors, 0, n, errors[errorHead]);
            System.arraycopy(sortedErrors, p + 1, sortedErrors, p, n - p - 1);
            n--;
        }
        int p = Arrays.binarySearch(sortedErrors, 0, n, e);
        p = p < 0 ? -p - 1 : p;
        System.arraycopy(sortedErrors, p, sortedErrors, p + 1, n - p);
        sortedErrors[p] = e;
        errors[errorHead] = e;
        errorHead = (errorHead + 1) % ERRORS;
        errorCount = Math.min(ERRORS, errorCount + 1);
        marginStale = true;
    }

    /** The learned safety margin (0 until outcomes were recorded). */
    public long marginMillis() {
        if (marginStale) {
            margin = Math.max(0, sortedErrors[(int) Math.floor(0.9 * (errorCount - 1))]);
            marginStale = false;
        }
        return margin;
    }

    /** A layer was evicted on demand after {@code idleMillis} without use: the cache's current lifetime. */
    public void recordEviction(long idleMillis) {
        lifetimeSamples++;
        double x = Math.max(0, idleMillis);
        lifetimeMillis = lifetimeSamples == 1 ? x : lifetimeMillis + (x - lifetimeMillis) / Math.min(lifetimeSamples, 1000);
    }

    /** How long the cache keeps an unused layer (infinite until the first on-demand eviction). */
    public double lifetimeMillis() {
        return lifetimeMillis;
    }
}

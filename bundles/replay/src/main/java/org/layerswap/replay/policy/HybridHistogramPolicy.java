package org.layerswap.replay.policy;

import java.util.Arrays;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeView;

/**
 * The hybrid histogram policy of "Serverless in the Wild" (Shahrad et al., ATC'20), applied per
 * function to its layers.
 *
 * <p>Each function keeps a histogram of idle times (gaps between invocations) in 1-minute bins over a
 * range (default 4 h). After an invocation:
 * <ul>
 *   <li>if the histogram is representative (at least {@code minSamples} gaps, coefficient of variation of
 *       the bin counts at least 2, at most half of the gaps out of range), pre-warm = the
 *       {@code headPercentile} (5th) idle time minus a 10 % margin and keep-alive = the
 *       {@code tailPercentile} (99th) plus 10 % minus the pre-warm: the layers are released right after
 *       the invocation and prefetched again at {@code t + prewarm}, then kept for the keep-alive;
 *       with pre-warm 0 they are simply kept for the keep-alive;</li>
 *   <li>if most gaps are out of range, the paper's ARIMA forecast is replaced by an exponentially
 *       weighted mean of the out-of-range gaps (alpha 0.5): pre-warm = 85 % and keep-alive = 30 % of it
 *       (a simplification, stated as such in reports);</li>
 *   <li>otherwise (too few or uninformative gaps) it falls back to a fixed keep-alive of the range.</li>
 * </ul>
 * A layer shared by several functions stays while any of them wants it. The paper assumes enough
 * memory; under budget pressure this replay evicts the least recently used layer (evicting the
 * earliest keep-alive end instead would evict the hottest functions, whose windows are shortest).
 */
public final class HybridHistogramPolicy extends ExpiringLruPolicy {

    private static final long MIN = 60_000L;

    private final int rangeMinutes;
    private final double headPercentile;
    private final double tailPercentile;
    private final int minSamples;

    private EventTable tab;
    private int[][] hist;
    private int[] total;
    private int[] oob;
    private long[] sumSq;
    private double[] oobMean;
    private long[] lastSeen;
    private int[] lastStack;
    private long[] pendingKeepAlive;
    private long[] keepUntil;
    private int[] owner;
    private KeyedHeap expiry;
    private KeyedHeap timers;

    public HybridHistogramPolicy() {
        this(240, 5, 99, 5);
    }

    public HybridHistogramPolicy(int rangeMinutes, double headPercentile, double tailPercentile, int minSamples) {
        super(nameOf(rangeMinutes, headPercentile, tailPercentile));
        this.rangeMinutes = rangeMinutes;
        this.headPercentile = headPercentile;
        this.tailPercentile = tailPercentile;
        this.minSamples = minSamples;
    }

    private static String nameOf(int rangeMinutes, double headPercentile, double tailPercentile) {
        return tailPercentile == 99 && headPercentile == 5 && rangeMinutes == 240 ? "hybrid-histogram"
                : "hybrid-histogram-p" + (tailPercentile == Math.rint(tailPercentile) ? String.valueOf((int) tailPercentile)
                : String.valueOf(tailPercentile));
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        tab = node.table();
        int nf = tab.functionCount();
        int nl = tab.layerCount();
        hist = new int[nf][];
        total = new int[nf];
        oob = new int[nf];
        sumSq = new long[nf];
        oobMean = new double[nf];
        lastSeen = new long[nf];
        Arrays.fill(lastSeen, -1);
        lastStack = new int[nf];
        pendingKeepAlive = new long[nf];
        keepUntil = new long[nl];
        owner = new int[nl];
        Arrays.fill(owner, -1);
        expiry = new KeyedHeap(nl);
        timers = new KeyedHeap(nf);
    }

    /** Pre-warm and keep-alive (ms) the policy currently uses for a function: {prewarm, keepAlive}. */
    public long[] windows(int f) {
        compute(f);
        return new long[] {prewarmOut, keepAliveOut};
    }

    private long prewarmOut;
    private long keepAliveOut;

    /** Sets prewarmOut/keepAliveOut for function f (no allocation: runs once per invocation). */
    private void compute(int f) {
        long range = rangeMinutes * MIN;
        if (total[f] < minSamples) {
            prewarmOut = 0;
            keepAliveOut = range;
            return;
        }
        if (oob[f] * 2 > total[f]) {
            double idle = oobMean[f];
            prewarmOut = (long) (0.85 * idle);
            keepAliveOut = Math.max(MIN, (long) (0.30 * idle));
            return;
        }
        int[] h = hist[f];
        int inRange = total[f] - oob[f];
        double mean = (double) inRange / rangeMinutes;
        // variance of the bin counts from the running sum of squares (kept exact as bins increment)
        double var = (double) sumSq[f] / rangeMinutes - mean * mean;
        double cv = mean == 0 ? 0 : Math.sqrt(Math.max(0, var)) / mean;
        if (cv < 2) {
            prewarmOut = 0;
            keepAliveOut = range;
            return;
        }
        int headBin = percentileBin(h, inRange, headPercentile);
        int tailBin = percentileBin(h, inRange, tailPercentile);
        long prewarm = (long) (headBin * MIN * 0.9);
        long tail = (long) ((tailBin + 1) * MIN * 1.1);
        prewarmOut = prewarm;
        keepAliveOut = Math.max(MIN, tail - prewarm);
    }

    private static int percentileBin(int[] h, int n, double pct) {
        long rank = Math.max(1, (long) Math.ceil(pct / 100.0 * n));
        long acc = 0;
        for (int b = 0; b < h.length; b++) {
            acc += h[b];
            if (acc >= rank) {
                return b;
            }
        }
        return h.length - 1;
    }

    @Override
    protected void expire(long t) {
        while (true) {
            double k = expiry.peekKey();
            if (Double.isNaN(k) || k >= t) {
                return;
            }
            int l = expiry.poll();
            if (node.resident(l) && !node.pinned(l)) {
                node.evict(l, keepUntil[l]);
            }
        }
    }

    /**
     * Function f wants layer l until {@code until}. Each layer remembers the function whose window ends
     * last (its owner); when the owner replaces its window the layer follows the new one, so a window
     * that a function no longer has does not keep the layer (other functions' shorter windows are then
     * forgotten until they are renewed: an approximation that keeps per-layer state O(1)).
     */
    private void want(int l, long until, int f) {
        if (until > keepUntil[l] || owner[l] == f) {
            keepUntil[l] = until;
            owner[l] = f;
            if (node.resident(l)) {
                expiry.set(l, until);
            }
        }
    }

    @Override
    public void onAccess(int layer, int event, int pos, long t) {
        super.onAccess(layer, event, pos, t);
        want(layer, t, tab.function(event));
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        super.onInsert(layer, t, prefetch);
        keepUntil[layer] = Math.max(keepUntil[layer], (long) Math.ceil(t));
        expiry.set(layer, keepUntil[layer]);
    }

    @Override
    public void onEvict(int layer) {
        super.onEvict(layer);
        expiry.invalidate(layer);
    }

    @Override
    public void afterInvocation(int event, long t) {
        int f = tab.function(event);
        lastStack[f] = tab.stackIndex(event);
        if (lastSeen[f] >= 0) {
            long idle = t - lastSeen[f];
            int bin = (int) (idle / MIN);
            total[f]++;
            if (bin < rangeMinutes) {
                if (hist[f] == null) {
                    hist[f] = new int[rangeMinutes];
                }
                sumSq[f] += 2L * hist[f][bin] + 1;
                hist[f][bin]++;
            } else {
                oobMean[f] = oob[f] == 0 ? idle : 0.5 * oobMean[f] + 0.5 * idle;
                oob[f]++;
            }
        }
        lastSeen[f] = t;
        compute(f);
        int[] stack = tab.stackLayers(lastStack[f]);
        if (prewarmOut < MIN) {
            for (int l : stack) {
                want(l, t + prewarmOut + keepAliveOut, f);
            }
            timers.invalidate(f);
        } else {
            pendingKeepAlive[f] = keepAliveOut;
            timers.set(f, t + prewarmOut);
        }
    }

    @Override
    public long nextTimer() {
        double k = timers.peekKey();
        return Double.isNaN(k) ? Long.MAX_VALUE : (long) k;
    }

    @Override
    public void onTimer(long t) {
        expire(t);
        while (true) {
            double k = timers.peekKey();
            if (Double.isNaN(k) || k > t) {
                return;
            }
            int f = timers.poll();
            for (int l : tab.stackLayers(lastStack[f])) {
                want(l, t + pendingKeepAlive[f], f);
                node.prefetch(l);
            }
        }
    }
}

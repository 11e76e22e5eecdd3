package org.layerswap.swap;

/**
 * How long a layer prefetched now would stay on the node if nobody used it (issue 13): the eviction order evicts it
 * at the first eviction where its key is the largest, and the key of an unused layer grows as its functions stay idle
 * (their conditional median next use moves out). Survival = the first instant (a doubling grid from one decision
 * interval, then bisection) at which its key (next use = the earliest median over its local functions, asked at that
 * future instant as if they stayed idle) exceeds {@code topKey}, the key the order would evict next now. A prefetch pays
 * only if its function comes within that time with a probability above the threshold (0.5 by default: more often
 * than not, so its expected used bytes exceed its expected wasted ones). Pure; the planning's thread.
 */
final class PrefetchSurvival {

    private final NextUsePlanning.Node node;
    private final NextUseSource source;
    private final NextUseEvictionPlanner evictor;
    private final JustInTimePrefetchPlanner jit;
    private final long step;

    PrefetchSurvival(NextUsePlanning.Node node, NextUseSource source, NextUseEvictionPlanner evictor,
                     JustInTimePrefetchPlanner jit, long decisionIntervalMillis) {
        this.node = node;
        this.source = source;
        this.evictor = evictor;
        this.jit = jit;
        this.step = Math.max(1, decisionIntervalMillis);
    }

    /** The longest any copy stays: the cache lifetime (mean idle time of on-demand victims; "forever" before one). */
    long horizon() {
        double lifetime = jit.lifetimeMillis();
        return Double.isInfinite(lifetime) ? Long.MAX_VALUE / 4 : (long) lifetime;
    }

    /**
     * Whether a prefetch of layer {@code l} for function {@code f} pays at {@code now}: P({@code f} runs within the
     * copy's {@link #millis survival}) above {@code threshold} (NaN, the source cannot tell: yes, the admission decides).
     */
    boolean pays(int f, int l, long now, long horizon, double topKey, double threshold) {
        double p = source.probabilityWithin(f, now, millis(l, now, horizon, topKey));
        return !(p <= threshold);
    }

    /**
     * Survival of an unused copy of layer {@code l} prefetched at {@code now}, at most {@code horizon} ms: the first
     * instant its key exceeds {@code topKey} (found on the doubling grid, then to the millisecond by bisection between
     * the last grid instant it stayed and the first it did not); {@code topKey} below 0: nothing is evictable now, so
     * the order cannot evict it (the horizon). An eviction needs the key strictly above, so a function that comes at
     * that very instant (a timer on its beat, whose next use jumps only once the beat is missed) still uses it.
     */
    long millis(int l, long now, long horizon, double topKey) {
        if (topKey < 0) {
            return horizon;
        }
        long size = node.sizeBytes(l);
        long survived = -1;
        for (long d = 0; d < horizon; d = d == 0 ? step : d * 2) {
            if (evicted(l, now + d, size, topKey)) {
                if (survived < 0) {
                    return 0;
                }
                long hi = d;
                while (hi - survived > 1) {
                    long mid = survived + (hi - survived) / 2;
                    if (evicted(l, now + mid, size, topKey)) {
                        hi = mid;
                    } else {
                        survived = mid;
                    }
                }
                return hi;
            }
            survived = d;
        }
        return horizon;
    }

    /** Whether an unused copy of {@code l} would rank above {@code topKey} at {@code t} (or nothing predicts its use). */
    private boolean evicted(int l, long t, long size, double topKey) {
        long m = Long.MAX_VALUE;
        for (int g : node.functionsUsing(l)) {
            if (node.local(g) && source.lastSeen(g) != Long.MIN_VALUE) {
                m = Math.min(m, source.median(g, t));
            }
        }
        return m == Long.MAX_VALUE || evictor.key(m, t, size) > topKey;
    }
}

package org.layerswap.swap;

/**
 * How long a layer prefetched now would stay on the node if nobody used it (issue 13): the eviction order evicts it
 * once the bytes ranked above it are gone, and the key of an unused layer grows as its functions stay idle (their
 * conditional median next use moves out) while the node's churn consumes the order from the top. Survival = the first
 * instant {@code now + d} (a doubling grid from one decision interval, then bisection) at which its key k (next use =
 * the earliest median over its local functions, asked at that future instant as if they stayed idle)
 * <pre>
 *   exceeds topKey, the key the order would evict next now, or
 *   has fewer bytes above it in the order now ({@link CoverSnapshot}) than room + churn(d)
 *   room  = bytes the copy itself overflows the budget by (with the queued prefetches)
 *   churn = {@link EvictionChurn#expectedBytes}: what the node evicts in d at its learned rate
 * </pre>
 * The second test is session 17's: with the first alone a Poisson function's 200 MB layer on the synthetic fleet was
 * given 81 minutes and evicted after 29, three times; on the Azure day it cut the wasted bytes from 73 to 31 GB with
 * the same misses. The order's other keys are taken as they are now (a timer's layer falling below as its beat nears
 * is not modelled). A prefetch pays
 * only if its function comes within that time with a probability above the threshold (0.5 by default: more often
 * than not, so its expected used bytes exceed its expected wasted ones). Pure; the planning's thread.
 */
final class PrefetchSurvival {

    private final NextUsePlanning.Node node;
    private final NextUseSource source;
    private final NextUseEvictionPlanner evictor;
    private final JustInTimePrefetchPlanner jit;
    private final EvictionChurn churn;
    private final CoverSnapshot cover;
    private final long step;

    /** {@code cover}: the order's evictable keys at the time of the {@code topKey} later calls pass (the caller fills it). */
    PrefetchSurvival(NextUsePlanning.Node node, NextUseSource source, NextUseEvictionPlanner evictor,
                     JustInTimePrefetchPlanner jit, EvictionChurn churn, CoverSnapshot cover, long decisionIntervalMillis) {
        this.churn = churn;
        this.cover = cover;
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
        long room = Math.max(0, node.usedBytes() + node.queuedPrefetchBytes() + size - node.budgetBytes());
        long survived = -1;
        for (long d = 0; d < horizon; d = d == 0 ? step : d * 2) {
            if (evicted(l, now, d, size, room, topKey)) {
                if (survived < 0) {
                    return 0;
                }
                long hi = d;
                while (hi - survived > 1) {
                    long mid = survived + (hi - survived) / 2;
                    if (evicted(l, now, mid, size, room, topKey)) {
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

    /**
     * Whether an unused copy of {@code l} is gone {@code d} after {@code now}: its key then ranks above {@code topKey},
     * or above fewer bytes than {@code room} plus the churn until then (or nothing predicts its use).
     */
    private boolean evicted(int l, long now, long d, long size, long room, double topKey) {
        long t = now + d;
        long m = Long.MAX_VALUE;
        for (int g : node.functionsUsing(l)) {
            if (node.local(g) && source.lastSeen(g) != Long.MIN_VALUE) {
                m = Math.min(m, source.median(g, t));
            }
        }
        if (m == Long.MAX_VALUE) {
            return true;
        }
        double k = evictor.key(m, t, size);
        if (k > topKey) {
            return true;
        }
        long need = room + churn.expectedBytes(now, d);
        return need > 0 && cover.bytesAbove(k) < need;
    }
}

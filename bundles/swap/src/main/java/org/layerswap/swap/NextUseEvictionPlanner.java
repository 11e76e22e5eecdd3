package org.layerswap.swap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToLongFunction;

import org.layerswap.api.LayerId;
import org.layerswap.api.ResidentLayer;

/**
 * Eviction that approximates Belady's rule with predicted next uses (the LRB / Hawkeye idea: learn the
 * next use online, evict the layer needed furthest in the future), size-aware:
 * <pre>
 *   key(l) = (max(next(l), now) - now + 1 ms) * bytes(l) / fetchMillis(l)
 *            furthest next use first; among equal distances the layer that frees the most bytes per
 *            millisecond of cold start its re-fetch would cost
 *   evict the resident, unpinned layer with the largest key; ties: older last use, then layer id
 *   a prefetch may evict l only if next(l) &gt; next(incoming)         (Belady's admission)
 * </pre>
 * {@code next(l)} is the earliest predicted median next use over the functions that use {@code l}
 * (from the profiler's {@code NextUseModel}, or a predictor's {@code nextUse}); where the model is
 * unsure (a function idle longer than any gap it has shown) it predicts now + idle time, so the order
 * degrades to size-aware LRU there. With exact next uses and equal sizes this is Belady's MIN.
 * Pure: the swap manager and the replay evaluator run this same code.
 */
public final class NextUseEvictionPlanner {

    private final CostModel cost;
    static final int MODE = Integer.getInteger("ls.mode", 2);

    public NextUseEvictionPlanner(CostModel cost) {
        this.cost = cost;
    }

    public CostModel cost() {
        return cost;
    }

    /** Eviction key: larger is evicted first. */
    public double key(long nextUseMillis, long nowMillis, long sizeBytes) {
        double distance = Math.max(nextUseMillis, nowMillis) - nowMillis + 1.0;
        if (MODE == 1) {
            return distance;
        }
        if (MODE == 0) {
            return distance * Math.max(1, sizeBytes) / (cost.fetchSeconds(sizeBytes) * 1000.0);
        }
        return distance * Math.max(1, sizeBytes);
    }

    /** Belady's admission for a prefetch: it may displace only a layer needed later than itself. */
    public static boolean mayEvictForPrefetch(long victimNextUseMillis, long incomingNextUseMillis) {
        return victimNextUseMillis > incomingNextUseMillis;
    }

    /**
     * Victims in eviction order among the layers nobody holds (refCount 0), until {@code needBytes}
     * are freed; for a prefetch ({@code incomingNextUse != Long.MIN_VALUE}) only layers needed later than
     * the incoming one.
     */
    public List<LayerId> victims(Collection<ResidentLayer> resident, ToLongFunction<LayerId> nextUse, long nowMillis,
                                 long needBytes, long incomingNextUse) {
        if (needBytes <= 0) {
            return List.of();
        }
        record Entry(ResidentLayer r, long next, double key) {
        }
        List<Entry> eligible = new ArrayList<>();
        for (ResidentLayer r : resident) {
            if (r.refCount() == 0) {
                long n = nextUse.applyAsLong(r.id());
                if (incomingNextUse == Long.MIN_VALUE || mayEvictForPrefetch(n, incomingNextUse)) {
                    eligible.add(new Entry(r, n, key(n, nowMillis, r.unpackedBytes())));
                }
            }
        }
        eligible.sort((x, y) -> {
            int c = Double.compare(y.key(), x.key());
            if (c != 0) {
                return c;
            }
            c = Long.compare(x.r().lastUsedMillis(), y.r().lastUsedMillis());
            return c != 0 ? c : x.r().id().compareTo(y.r().id());
        });
        List<LayerId> out = new ArrayList<>();
        long freed = 0;
        for (Entry e : eligible) {
            if (freed >= needBytes) {
                break;
            }
            out.add(e.r().id());
            freed += e.r().unpackedBytes();
        }
        return freed >= needBytes ? out : List.of();
    }
}

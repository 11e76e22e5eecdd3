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
 *   key(l) = (max(next(l), now) - now + 1 ms) * bytes(l)      byte-milliseconds its eviction frees
 *   evict the resident, unpinned layer with the largest key; ties: older last use, then layer id
 *   a prefetch may displace l only if key(l) &gt; key(incoming)        (admission, see {@link #admits})
 * </pre>
 * {@code next(l)} is the earliest predicted median next use over the functions that use {@code l}
 * (from the profiler's {@code NextUseModel}, or a predictor's {@code nextUse}); where the model is
 * unsure (a function idle longer than any gap it has shown) it predicts now + idle time, so the order
 * degrades to size-aware LRU there. With exact next uses and equal sizes this is Belady's MIN.
 *
 * <p>Why bytes and not bytes per second of re-fetch: the product's measure is the share of invocations
 * that fetch on the critical path, and one miss costs one invocation whatever the layer's size; the
 * space-time product is the classic size-aware Belady surrogate for miss counts. Measured on the Azure
 * 2019 day (docs/replay.md): bytes per re-fetch second (which saturates at the bandwidth, i.e. plain
 * distance for layers above bandwidth * RTT) gave 1.60 %, plain distance 1.78 %, space-time 1.11 %.
 * Pure: the swap manager and the replay evaluator run this same code.
 */
public final class NextUseEvictionPlanner {

    private final CostModel cost;
    /** Set between ranking passes by the planning's thread (keys cached in a pass stay valid in it). */
    private double bytePrice;

    public NextUseEvictionPlanner(CostModel cost) {
        this.cost = cost;
    }

    public CostModel cost() {
        return cost;
    }

    /** Eviction key: larger is evicted first. */
    public double key(long nextUseMillis, long nowMillis, long sizeBytes) {
        double distance = Math.max(nextUseMillis, nowMillis) - nowMillis + 1.0;
        long bytes = Math.max(1, sizeBytes);
        return bytePrice == 0 ? distance * bytes : distance * bytes / (1.0 + bytePrice * bytes);
    }

    /** The price of a fetched byte in misses ({@link FetchBudget}); 0: the plain space-time key. */
    public void bytePrice(double price) {
        this.bytePrice = price;
    }

    public double bytePrice() {
        return bytePrice;
    }

    /**
     * Admission for a prefetch: it may displace a resident layer only if the eviction order, asked at
     * {@code now}, would evict that layer before the incoming one (a larger key), so a prefetched layer is
     * never the next victim of the order that admitted it.
     */
    public boolean admits(long victimNextUseMillis, long victimBytes, long incomingNextUseMillis, long incomingBytes,
                          long nowMillis) {
        return key(victimNextUseMillis, nowMillis, victimBytes) > key(incomingNextUseMillis, nowMillis, incomingBytes);
    }

    /**
     * Victims in eviction order among the layers nobody holds (refCount 0), until {@code needBytes}
     * are freed (empty when they cannot be); for a prefetch ({@code incomingNextUse != Long.MIN_VALUE}) only
     * the layers {@link #admits} lets it displace.
     */
    public List<LayerId> victims(Collection<ResidentLayer> resident, ToLongFunction<LayerId> nextUse, long nowMillis,
                                 long needBytes, long incomingNextUse, long incomingBytes) {
        if (needBytes <= 0) {
            return List.of();
        }
        record Entry(ResidentLayer r, long next, double key) {
        }
        List<Entry> eligible = new ArrayList<>();
        for (ResidentLayer r : resident) {
            if (r.refCount() == 0) {
                long n = nextUse.applyAsLong(r.id());
                if (incomingNextUse == Long.MIN_VALUE
                        || admits(n, r.unpackedBytes(), incomingNextUse, incomingBytes, nowMillis)) {
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

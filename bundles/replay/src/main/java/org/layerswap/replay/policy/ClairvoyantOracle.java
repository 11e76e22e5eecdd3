package org.layerswap.replay.policy;

import java.util.Arrays;
import java.util.function.IntPredicate;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeView;
import org.layerswap.replay.ReplayPolicy;

/**
 * Upper bound that knows the future, under the same link and storage budget: Belady eviction (the
 * resident layer needed farthest in the future goes first; a layer never needed again is dropped
 * right after its last use) plus prefetching of every layer needed within a look-ahead horizon, in
 * order of need, whenever the budget allows keeping it without evicting something needed sooner.
 * It is a strong heuristic bound (optimal prefetching with a shared link is NP-hard), not a proof of
 * optimality: report it as "clairvoyant".
 */
public final class ClairvoyantOracle extends ReplayPolicy {

    private final long horizonMillis;
    private EventTable tab;
    private int[] nuOff;
    private int[] nu;
    private double[] nextNeed;
    private KeyedHeap farthest; // key = -nextNeed over resident layers
    private int la;
    private IntPredicate resident;
    private IntPredicate unpinned;

    public ClairvoyantOracle(long horizonMillis) {
        this.horizonMillis = horizonMillis;
    }

    @Override
    public String name() {
        return "oracle-clairvoyant";
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        resident = node::resident;
        unpinned = id -> !node.pinned(id);
        tab = node.table();
        nuOff = tab.nextUseOffsets();
        nu = tab.nextUse();
        nextNeed = new double[tab.layerCount()];
        Arrays.fill(nextNeed, Double.POSITIVE_INFINITY);
        farthest = new KeyedHeap(tab.layerCount());
    }

    @Override
    public void onAccess(int layer, int event, int pos, long t) {
        int next = nu[nuOff[event] + pos];
        nextNeed[layer] = next < 0 ? Double.POSITIVE_INFINITY : tab.time(next);
        if (node.resident(layer)) {
            farthest.set(layer, -nextNeed[layer]);
        }
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        farthest.set(layer, -nextNeed[layer]);
    }

    @Override
    public void onEvict(int layer) {
        farthest.invalidate(layer);
    }

    @Override
    public void afterInvocation(int event, long t) {
        int[] stack = tab.stack(event);
        for (int l : stack) {
            if (nextNeed[l] == Double.POSITIVE_INFINITY && node.resident(l)) {
                node.evict(l, t);
            }
        }
        if (la <= event) {
            la = event + 1;
        }
        int n = tab.size();
        long budget = node.budgetBytes();
        while (la < n && tab.time(la) <= t + horizonMillis) {
            long need = tab.time(la);
            for (int l : tab.stack(la)) {
                if (node.resident(l) || node.queued(l)) {
                    continue;
                }
                long size = tab.layerSize(l);
                boolean room = node.usedBytes() + node.queuedPrefetchBytes() + size <= budget;
                if (!room) {
                    double far = -farthest.peekKey();
                    room = !Double.isNaN(far) && far > need;
                }
                if (room) {
                    nextNeed[l] = need;
                    node.prefetch(l);
                }
            }
            la++;
        }
    }

    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        int v = farthest.findMin(resident, unpinned);
        if (v >= 0 && forPrefetch && -farthest.foundKey() <= nextNeed[incoming]) {
            return -1; // everything resident is needed sooner than the incoming layer
        }
        return v;
    }
}

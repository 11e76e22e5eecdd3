package org.layerswap.replay.policy;

import java.util.function.IntPredicate;
import org.layerswap.replay.NodeView;
import org.layerswap.replay.ReplayPolicy;

/**
 * Greedy-Dual-Size-Frequency, as FaaSCache (Fuerst and Sharma, ASPLOS'21) applies it to keep-alive:
 * priority = clock + frequency * cost / size, with cost the layer's critical-path fetch time; the
 * lowest priority is evicted when the budget is full and the clock rises to its priority. Frequency
 * counts uses since the layer was last brought in.
 */
public final class GdsfPolicy extends ReplayPolicy {

    private KeyedHeap heap;
    private int[] freq;
    private double[] costPerByte;
    private double clock;
    private IntPredicate resident;
    private IntPredicate unpinned;

    @Override
    public String name() {
        return "gdsf";
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        resident = node::resident;
        unpinned = id -> !node.pinned(id);
        int n = node.table().layerCount();
        heap = new KeyedHeap(n);
        freq = new int[n];
        costPerByte = new double[n];
        for (int l = 0; l < n; l++) {
            long size = Math.max(1, node.table().layerSize(l));
            costPerByte[l] = node.config().fetchMillis(size) / size;
        }
    }

    @Override
    public void onAccess(int layer, int event, int pos, long t) {
        if (node.resident(layer)) {
            freq[layer]++;
            heap.set(layer, clock + freq[layer] * costPerByte[layer]);
        }
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        freq[layer] = prefetch ? 1 : 0;
        heap.set(layer, clock + Math.max(1, freq[layer]) * costPerByte[layer]);
    }

    @Override
    public void onEvict(int layer) {
        heap.invalidate(layer);
        freq[layer] = 0;
    }

    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        int v = heap.findMin(resident, unpinned);
        if (v >= 0) {
            clock = Math.max(clock, heap.foundKey());
        }
        return v;
    }
}

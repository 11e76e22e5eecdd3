package org.layerswap.replay.policy;

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
    private int[] aside = new int[16];
    private double[] asideKey = new double[16];

    @Override
    public String name() {
        return "gdsf";
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
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
        int n = 0;
        int v = -1;
        double key = 0;
        while (true) {
            key = heap.peekKey();
            int id = heap.poll();
            if (id < 0) {
                break;
            }
            if (node.pinned(id) || !node.resident(id)) {
                if (n == aside.length) {
                    aside = java.util.Arrays.copyOf(aside, n * 2);
                    asideKey = java.util.Arrays.copyOf(asideKey, n * 2);
                }
                aside[n] = id;
                asideKey[n++] = key;
                continue;
            }
            v = id;
            break;
        }
        for (int i = 0; i < n; i++) {
            if (node.resident(aside[i])) {
                heap.restore(aside[i], asideKey[i]);
            }
        }
        if (v >= 0) {
            clock = Math.max(clock, key);
            // keep it findable if the simulator does not evict after all
            heap.restore(v, key);
        }
        return v;
    }
}

package org.layerswap.replay.policy;

import org.layerswap.replay.NodeView;
import org.layerswap.replay.ReplayPolicy;

/** On-demand fetching only; layers stay until the budget is full, then the least recently used goes. */
public class LruPolicy extends ReplayPolicy {

    protected LruList lru;
    private final String name;

    public LruPolicy() {
        this("lru");
    }

    protected LruPolicy(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        lru = new LruList(node.table().layerCount());
    }

    @Override
    public void onAccess(int layer, int event, int pos, long t) {
        if (node.resident(layer)) {
            lru.touch(layer);
        }
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        lru.touch(layer);
    }

    @Override
    public void onEvict(int layer) {
        lru.remove(layer);
    }

    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        int x = lru.head();
        while (x >= 0 && node.pinned(x)) {
            x = lru.next(x);
        }
        return x;
    }
}

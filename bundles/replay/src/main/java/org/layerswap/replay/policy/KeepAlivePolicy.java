package org.layerswap.replay.policy;

import org.layerswap.replay.NodeView;

/**
 * Fixed keep-alive (the classic FaaS platform policy, e.g. 10 or 20 minutes): a layer is evicted
 * once unused for the keep-alive period, or earlier (least recently used first) when the budget is
 * full. Expiry is applied lazily at the next event, with storage accounted up to the exact expiry time.
 */
public final class KeepAlivePolicy extends ExpiringLruPolicy {

    private final long keepAliveMillis;
    private long[] lastUse;

    public KeepAlivePolicy(long keepAliveMillis) {
        super("keepalive-" + label(keepAliveMillis));
        this.keepAliveMillis = keepAliveMillis;
    }

    static String label(long ms) {
        return ms % 3_600_000L == 0 ? ms / 3_600_000L + "h" : ms % 60_000L == 0 ? ms / 60_000L + "m" : ms / 1000 + "s";
    }

    public long keepAliveMillis() {
        return keepAliveMillis;
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        lastUse = new long[node.table().layerCount()];
    }

    @Override
    public void onAccess(int layer, int event, int pos, long t) {
        super.onAccess(layer, event, pos, t);
        lastUse[layer] = t;
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        super.onInsert(layer, t, prefetch);
        lastUse[layer] = (long) t;
    }

    @Override
    protected void expire(long t) {
        int x = lru.head();
        while (x >= 0 && lastUse[x] + keepAliveMillis < t) {
            int nx = lru.next(x);
            if (!node.pinned(x)) {
                node.evict(x, lastUse[x] + keepAliveMillis);
            }
            x = nx;
        }
    }
}

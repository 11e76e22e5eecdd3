package org.layerswap.replay;

/**
 * What a {@link Simulator} node of a cluster asks and tells the rest of the cluster: which of its missing layers
 * a peer can serve (and from when), the peer transfers' timing on the node's LAN link, what it holds, and where
 * the bytes it fetched came from. A single node has none (the simulator then uses its registry link only).
 * Times are trace milliseconds; byte counts given to {@link #fetched} and stalls given to {@link #served} are
 * those of measured (post-warm-up) activity only.
 */
interface LayerExchange {

    /**
     * The time from which a peer can stream {@code layer} to this node (the earliest ready time among the
     * other nodes holding it; may be after {@code t} while the holder is still fetching it), or NaN when no
     * other node holds it: it then comes from the registry.
     */
    double peerReadyAt(int layer, double t);

    /**
     * End of an on-demand peer transfer of {@code bytes} asked at {@code t} whose layers are ready at the
     * peers from {@code readyAt}; reserves this node's LAN link until then.
     */
    double peerBatchEnd(double t, double bytes, double readyAt);

    /** LAN time of one prefetched layer of {@code bytes} from a peer (RTT + transfer), without unpacking. */
    double peerPrefetchMillis(double bytes);

    /** This node holds {@code layer}; peers may copy it from {@code readyAt} on. */
    void held(int layer, double readyAt);

    /** This node evicted {@code layer}. */
    void dropped(int layer);

    /** Measured bytes fetched by this node, from a peer or from the registry. */
    void fetched(double bytes, boolean fromPeer);

    /** A measured invocation waited {@code stallMillis} for layers, all of them from peers when {@code peersOnly}. */
    void served(double stallMillis, boolean peersOnly);
}

package org.layerswap.replay;

/**
 * One cluster configuration to replay: every node has the single-node settings (budget, registry link) of
 * the replay; they differ only in the invocations placed on them.
 *
 * @param nodes     number of nodes, 1..64
 * @param placement how invocations are assigned to nodes
 * @param peerCache whether a node fetches a layer another node holds from that peer (over {@code lan})
 * @param lan       the LAN between the nodes
 * @param loadSlack epsilon of the bounded-load hash: at most ceil((1 + epsilon) x average) functions per node
 * @param seed      seed of the random placement
 */
public record ClusterSpec(int nodes, ClusterPlacement placement, boolean peerCache, PeerLink lan, double loadSlack,
                          long seed) {

    /** Load slack of the placement rule unless told otherwise. */
    public static final double DEFAULT_LOAD_SLACK = 0.25;

    public ClusterSpec {
        if (nodes < 1 || nodes > 64) {
            throw new IllegalArgumentException("a cluster replay has 1 to 64 nodes; got " + nodes);
        }
        if (placement == null || lan == null) {
            throw new IllegalArgumentException("a cluster replay needs a placement and a peer link");
        }
        if (!(loadSlack >= 0) || Double.isInfinite(loadSlack)) {
            throw new IllegalArgumentException("the load slack must be a finite number >= 0; got " + loadSlack);
        }
    }

    /** Short label, e.g. {@code 8 nodes, hash, peer cache on}. */
    public String label() {
        return nodes + (nodes == 1 ? " node, " : " nodes, ") + placement.label() + ", peer cache " + (peerCache ? "on" : "off");
    }
}

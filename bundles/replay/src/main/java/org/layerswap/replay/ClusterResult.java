package org.layerswap.replay;

import java.util.List;

/**
 * Metrics of one cluster configuration over the post-warm-up part of a replay (sums over the nodes).
 *
 * @param policy                  policy name (each node runs its own instance)
 * @param spec                    the configuration
 * @param invocations             measured invocations, all nodes
 * @param criticalPathInvocations measured invocations that waited for at least one layer fetch
 * @param registryBytes           bytes pulled from the registry (on demand and prefetch): the registry's egress
 * @param peerBytes               bytes copied from peers
 * @param registryServed          cold invocations with at least one layer from the registry
 * @param registryServedMeanMs    their mean stall
 * @param registryServedP95Ms     their p95 stall (nearest rank), NaN when none
 * @param peerServed              cold invocations whose missing layers all came from peers
 * @param peerServedMeanMs        their mean stall
 * @param peerServedP95Ms         their p95 stall, NaN when none
 * @param maxNodeLoad             most invocations on one node / the mean per node (1 = perfectly even)
 * @param perNode                 each node's own metrics, node order
 * @param wallMillis              wall time of the run
 */
public record ClusterResult(String policy, ClusterSpec spec, long invocations, long criticalPathInvocations,
                            double registryBytes, double peerBytes, long registryServed, double registryServedMeanMs,
                            double registryServedP95Ms, long peerServed, double peerServedMeanMs, double peerServedP95Ms,
                            double maxNodeLoad, List<PolicyResult> perNode, long wallMillis) {

    public double criticalPathShare() {
        return invocations == 0 ? Double.NaN : (double) criticalPathInvocations / invocations;
    }

    /** Bytes fetched by all nodes from anywhere. */
    public double bytesFetched() {
        return registryBytes + peerBytes;
    }
}

package org.layerswap.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replays a trace on a cluster of N nodes: each invocation is placed on a node ({@link ClusterPlacement}), each node
 * is the single-node {@link Simulator} over its own invocations (same budget and registry link, its own policy
 * instance), and with the peer cache on a node's missing layer comes from a peer holding it, over the LAN
 * ({@link PeerCache}), instead of from the registry.
 *
 * <p>Invariants: events are served in the trace's order across nodes, and with the peer cache on every node is
 * advanced (timers, prefetch progress) to an event's time before that event is served, so a peer lookup sees the
 * other nodes as of that time; every measured invocation is counted on exactly one node; with one node the
 * node's metrics equal {@link Simulator#run} on the whole table (the exchange never finds a peer, and the batch
 * timing then is the one-link arithmetic).
 */
public final class ClusterReplay {

    private ClusterReplay() {
    }

    /** Replays {@code policy} on the cluster {@code spec}; {@code progress} (may be null) counts served events. */
    public static ClusterResult run(EventTable tab, NodeSettings node, long warmupMillis, PolicySpec policy,
                                    ClusterSpec spec, AtomicLong progress) {
        return run(tab, node, warmupMillis, policy, spec,
                spec.placement().assign(tab, spec.nodes(), spec.loadSlack(), spec.seed()), progress);
    }

    /** Like {@link #run(EventTable, NodeSettings, long, PolicySpec, ClusterSpec, AtomicLong)} with a given node per event. */
    static ClusterResult run(EventTable tab, NodeSettings node, long warmupMillis, PolicySpec policy, ClusterSpec spec,
                             int[] nodeOf, AtomicLong progress) {
        long wall0 = System.currentTimeMillis();
        int n = spec.nodes();
        if (nodeOf.length != tab.size()) {
            throw new IllegalArgumentException("placement covers " + nodeOf.length + " events, the trace has " + tab.size());
        }
        int[][] events = eventsByNode(nodeOf, n);
        NodeSettings settings = policy.budgetShare() == 1.0 ? node
                : node.withBudget(Math.max(1, Math.round(node.budgetBytes() * policy.budgetShare())));
        PeerCache cache = new PeerCache(n, tab.layerCount(), spec.peerCache(), spec.lan());
        Simulator[] sims = new Simulator[n];
        for (int k = 0; k < n; k++) {
            EventTable own = n == 1 ? tab : tab.subset(events[k]);
            sims[k] = new Simulator(own, settings, policy.factory().get(), warmupMillis, progress, cache.node(k));
            sims[k].begin();
        }
        boolean sync = spec.peerCache() && n > 1;
        int[] next = new int[n];
        for (int e = 0, size = tab.size(); e < size; e++) {
            long t = tab.time(e);
            if (sync) {
                for (Simulator s : sims) {
                    s.advanceTo(t);
                }
            }
            int k = nodeOf[e];
            sims[k].step(next[k]++);
        }
        List<PolicyResult> perNode = new ArrayList<>(n);
        long invocations = 0;
        long critical = 0;
        for (Simulator s : sims) {
            PolicyResult r = s.finish(policy.family(), policy.knob());
            perNode.add(r);
            invocations += r.invocations();
            critical += r.criticalPathInvocations();
        }
        int most = 0;
        for (int[] own : events) {
            most = Math.max(most, own.length);
        }
        double maxLoad = tab.size() == 0 ? Double.NaN : most / ((double) tab.size() / n);
        PeerCache.Stalls reg = cache.registryServed();
        PeerCache.Stalls peer = cache.peerServed();
        return new ClusterResult(perNode.get(0).policy(), spec, invocations, critical, cache.registryBytes(),
                cache.peerBytes(), reg.count(), reg.mean(), reg.percentile(0.95), peer.count(), peer.mean(),
                peer.percentile(0.95), maxLoad, List.copyOf(perNode), System.currentTimeMillis() - wall0);
    }

    /** Per node, the increasing indexes of the events placed on it. */
    static int[][] eventsByNode(int[] nodeOf, int nodes) {
        int[] count = new int[nodes];
        for (int k : nodeOf) {
            if (k < 0 || k >= nodes) {
                throw new IllegalArgumentException("event placed on node " + k + " of " + nodes);
            }
            count[k]++;
        }
        int[][] out = new int[nodes][];
        for (int k = 0; k < nodes; k++) {
            out[k] = new int[count[k]];
        }
        int[] fill = new int[nodes];
        for (int e = 0; e < nodeOf.length; e++) {
            int k = nodeOf[e];
            out[k][fill[k]++] = e;
        }
        return out;
    }
}

package org.layerswap.replay;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.layerswap.api.cluster.BoundedLoadPlacement;

/**
 * How a cluster replay assigns invocations to nodes: {@link #HASH} places each function with the cluster's placement
 * rule, {@link BoundedLoadPlacement} (the live cluster's too), sticky: all of f's invocations on one node, functions
 * placed in the order of their first invocation, nodes named {@code node-0 .. node-(N-1)}, load factor
 * {@code 1 + loadSlack}; {@link #RANDOM} sends each invocation to a uniformly random node (a load balancer without
 * affinity, the baseline).
 */
public enum ClusterPlacement {
    HASH,
    RANDOM;

    /** The lower-case name used on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClusterPlacement parse(String s) {
        for (ClusterPlacement p : values()) {
            if (p.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown placement '" + s + "' (use " + Arrays.stream(values())
                .map(ClusterPlacement::label).reduce((a, b) -> a + " or " + b).orElseThrow() + ")");
    }

    /**
     * The node of every event of {@code tab}, in [0, nodes). HASH places functions in order of their first
     * invocation with load slack {@code loadSlack}; RANDOM draws from a generator seeded with {@code seed}.
     * Deterministic for the same arguments.
     */
    public int[] assign(EventTable tab, int nodes, double loadSlack, long seed) {
        int[] out = new int[tab.size()];
        if (this == RANDOM) {
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int e = 0; e < out.length; e++) {
                out[e] = rnd.nextInt(nodes);
            }
            return out;
        }
        if (!(loadSlack >= 0) || Double.isInfinite(loadSlack)) {
            throw new IllegalArgumentException("the load slack must be a finite number >= 0; got " + loadSlack);
        }
        BoundedLoadPlacement.Sticky rule = new BoundedLoadPlacement(
                IntStream.range(0, nodes).mapToObj(k -> "node-" + k).toList(), 1 + loadSlack).sticky();
        int[] nodeOfFunction = new int[tab.functionCount()];
        Arrays.fill(nodeOfFunction, -1);
        for (int e = 0; e < out.length; e++) {
            int f = tab.function(e);
            if (nodeOfFunction[f] < 0) {
                nodeOfFunction[f] = rule.indexOf(tab.functionId(f));
            }
            out[e] = nodeOfFunction[f];
        }
        return out;
    }
}

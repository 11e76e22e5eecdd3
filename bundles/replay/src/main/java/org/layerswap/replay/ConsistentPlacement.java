package org.layerswap.replay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The cluster replay's placement rule (which node runs function f): consistent hashing with bounded loads
 * (Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with Bounded Loads", SODA 2018). Each node owns
 * {@code virtualNodes} points on a 64-bit ring; a new function goes to the first node clockwise from the
 * function's hash whose load (functions placed on it) is below the capacity {@code ceil((1 + epsilon) * m / nodes)},
 * m counting the new function. Placement is sticky: a placed function keeps its node (a replay's nodes never
 * join or leave), so a front end routing by it sends every invocation of f to the same node.
 *
 * <p>Invariants: after m placements every node's load is at most {@code ceil((1 + epsilon) * m / nodes)}; the same
 * functions placed in the same order give the same nodes (the hash is fixed: FNV-1a over UTF-8, then the
 * MurmurHash3 64-bit finaliser). Not thread-safe. (The live cluster's rule in {@code bundles/cluster} is separate;
 * the two are to be unified.)
 */
public final class ConsistentPlacement {

    /** Default points per node on the ring. */
    public static final int DEFAULT_VIRTUAL_NODES = 128;

    private final int nodes;
    private final double epsilon;
    private final long[] points;
    private final int[] owner;
    private final int[] load;
    private final Map<String, Integer> placed = new HashMap<>();

    public ConsistentPlacement(int nodes, int virtualNodes, double epsilon) {
        if (nodes < 1 || virtualNodes < 1 || !(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("placement needs nodes >= 1, virtual nodes >= 1 and a finite load slack "
                    + "epsilon >= 0; got nodes=" + nodes + ", virtualNodes=" + virtualNodes + ", epsilon=" + epsilon);
        }
        this.nodes = nodes;
        this.epsilon = epsilon;
        int n = nodes * virtualNodes;
        long[] raw = new long[n];
        for (int k = 0; k < nodes; k++) {
            for (int v = 0; v < virtualNodes; v++) {
                raw[k * virtualNodes + v] = hash("node-" + k + "#" + v);
            }
        }
        // sort ring positions, ties (astronomically rare) by node: index order is the tie-breaker
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> raw[a] != raw[b] ? Long.compareUnsigned(raw[a], raw[b]) : Integer.compare(a, b));
        points = new long[n];
        owner = new int[n];
        for (int i = 0; i < n; i++) {
            points[i] = raw[order[i]];
            owner[i] = order[i] / virtualNodes;
        }
        load = new int[nodes];
    }

    public ConsistentPlacement(int nodes, double epsilon) {
        this(nodes, DEFAULT_VIRTUAL_NODES, epsilon);
    }

    /** The node running {@code function}, placing it on first sight. */
    public int nodeOf(String function) {
        Integer known = placed.get(function);
        if (known != null) {
            return known;
        }
        int m = placed.size() + 1;
        long capacity = (long) Math.ceil((1 + epsilon) * m / nodes);
        // some node is below capacity: the loads sum to m - 1 < nodes * capacity
        int i = firstPointAtOrAfter(hash(function));
        while (load[owner[i]] >= capacity) {
            i = (i + 1) % points.length;
        }
        int node = owner[i];
        load[node]++;
        placed.put(function, node);
        return node;
    }

    /** Functions placed on {@code node} so far. */
    public int load(int node) {
        return load[node];
    }

    public int nodes() {
        return nodes;
    }

    public int placedFunctions() {
        return placed.size();
    }

    private int firstPointAtOrAfter(long h) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, then MurmurHash3's fmix64 to spread the bits. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}

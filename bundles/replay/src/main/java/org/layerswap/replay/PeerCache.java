package org.layerswap.replay;

import java.util.Arrays;

/**
 * The cluster replay's shared state: which node holds which layer (the distributed layer directory) and
 * where every fetched byte came from (registry egress vs peer transfers), plus the stalls of cold invocations
 * by source. With the peer cache off the directory is never consulted: every miss goes to the registry.
 *
 * <p>Invariants: a node holds a layer exactly between its {@code held} and {@code dropped} calls; a layer is
 * served by a peer only when another node holds it (the earliest of their ready times, so a layer still being
 * fetched by a peer is waited for, not fetched twice: the cluster-wide single flight); measured bytes are
 * counted once, either as registry egress or as peer bytes. Peer uplinks are not modelled as a bottleneck
 * (only the fetching node's LAN ingress is). At most 64 nodes.
 */
final class PeerCache {

    private final int nodes;
    private final boolean enabled;
    private final PeerLink lan;
    /** Per layer: bit k set while node k holds it. */
    private final long[] holders;
    /** [node][layer]: when the node's copy is complete. */
    private final double[][] readyAt;
    private final double[] registryBytes;
    private final double[] peerBytes;
    private final Stalls registryServed = new Stalls();
    private final Stalls peerServed = new Stalls();

    PeerCache(int nodes, int layers, boolean enabled, PeerLink lan) {
        if (nodes < 1 || nodes > 64) {
            throw new IllegalArgumentException("a cluster replay has 1 to 64 nodes; got " + nodes);
        }
        this.nodes = nodes;
        this.enabled = enabled;
        this.lan = lan;
        holders = new long[layers];
        readyAt = new double[nodes][layers];
        registryBytes = new double[nodes];
        peerBytes = new double[nodes];
    }

    /** The exchange node {@code k}'s simulator talks to. */
    LayerExchange node(int k) {
        if (k < 0 || k >= nodes) {
            throw new IllegalArgumentException("no node " + k + " in a cluster of " + nodes);
        }
        return new NodeExchange(k);
    }

    boolean holds(int node, int layer) {
        return (holders[layer] & (1L << node)) != 0;
    }

    double registryBytes() {
        return Arrays.stream(registryBytes).sum();
    }

    double registryBytes(int node) {
        return registryBytes[node];
    }

    double peerBytes() {
        return Arrays.stream(peerBytes).sum();
    }

    double peerBytes(int node) {
        return peerBytes[node];
    }

    /** Stalls of measured invocations that fetched at least one layer from the registry. */
    Stalls registryServed() {
        return registryServed;
    }

    /** Stalls of measured invocations whose missing layers all came from peers. */
    Stalls peerServed() {
        return peerServed;
    }

    private final class NodeExchange implements LayerExchange {
        private final int self;
        private final long others;
        private double lanFreeAt = Double.NEGATIVE_INFINITY;

        NodeExchange(int self) {
            this.self = self;
            this.others = ~(1L << self);
        }

        @Override
        public double peerReadyAt(int layer, double t) {
            long mask = enabled ? holders[layer] & others : 0;
            if (mask == 0) {
                return Double.NaN;
            }
            double best = Double.POSITIVE_INFINITY;
            while (mask != 0) {
                int k = Long.numberOfTrailingZeros(mask);
                best = Math.min(best, readyAt[k][layer]);
                mask &= mask - 1;
            }
            return best;
        }

        @Override
        public double peerBatchEnd(double t, double bytes, double from) {
            double start = Math.max(Math.max(t + lan.rttMillis(), lanFreeAt), from);
            double end = start + bytes * 1000.0 / lan.bandwidthBytesPerSec();
            lanFreeAt = end;
            return end;
        }

        @Override
        public double peerPrefetchMillis(double bytes) {
            return lan.transferMillis(bytes);
        }

        @Override
        public void held(int layer, double ready) {
            holders[layer] |= 1L << self;
            readyAt[self][layer] = ready;
        }

        @Override
        public void dropped(int layer) {
            holders[layer] &= others;
        }

        @Override
        public void fetched(double bytes, boolean fromPeer) {
            if (fromPeer) {
                peerBytes[self] += bytes;
            } else {
                registryBytes[self] += bytes;
            }
        }

        @Override
        public void served(double stallMillis, boolean peersOnly) {
            (peersOnly ? peerServed : registryServed).add(stallMillis);
        }
    }

    /** A growable series of stall times, ms, with nearest-rank percentiles. */
    static final class Stalls {
        private float[] v = new float[256];
        private int n;
        private double sum;
        private boolean sorted = true;

        void add(double ms) {
            if (n == v.length) {
                v = Arrays.copyOf(v, n * 2);
            }
            v[n++] = (float) ms;
            sum += ms;
            sorted = false;
        }

        int count() {
            return n;
        }

        double mean() {
            return n == 0 ? Double.NaN : sum / n;
        }

        /** Nearest-rank percentile, NaN when empty. */
        double percentile(double q) {
            if (n == 0) {
                return Double.NaN;
            }
            if (!sorted) {
                Arrays.sort(v, 0, n);
                sorted = true;
            }
            int rank = (int) Math.max(1, Math.ceil(q * n));
            return v[rank - 1];
        }
    }
}

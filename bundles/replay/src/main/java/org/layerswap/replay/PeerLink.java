package org.layerswap.replay;

/**
 * The LAN between the nodes of a cluster replay, as one node's ingress link: a peer transfer costs
 * {@code rtt + bytes / bandwidth} (then the node unpacks, as after a registry pull).
 *
 * @param bandwidthBytesPerSec LAN bandwidth into one node
 * @param rttMillis            LAN round trip, paid once per on-demand batch and once per prefetched layer
 */
public record PeerLink(double bandwidthBytesPerSec, double rttMillis) {

    public PeerLink {
        if (!(bandwidthBytesPerSec > 0) || Double.isInfinite(bandwidthBytesPerSec) || !(rttMillis >= 0)
                || Double.isInfinite(rttMillis)) {
            throw new IllegalArgumentException("the peer link needs a finite bandwidth > 0 and rtt >= 0; got "
                    + bandwidthBytesPerSec + " B/s, " + rttMillis + " ms");
        }
    }

    /** 1 GB/s, 0.2 ms: a 10 GbE LAN inside one site. */
    public static PeerLink defaults() {
        return new PeerLink(1e9, 0.2);
    }

    /** Time to move {@code bytes} over an idle link, ms (no unpacking). */
    public double transferMillis(double bytes) {
        return rttMillis + bytes * 1000.0 / bandwidthBytesPerSec;
    }
}

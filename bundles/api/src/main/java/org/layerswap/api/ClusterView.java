package org.layerswap.api;

import java.util.List;

/**
 * Read-only view of the appliance cluster (issue 15) for the shell and REST: the members, which layers each holds
 * according to the cluster's layer directory, and this node's peer-transfer counters. With the cluster off
 * ({@code enabled=false}) {@link #status()} reports {@code enabled == false} and empty lists. Since 1.3.
 */
public interface ClusterView {

    ClusterStatus status();

    /** One member: its Hazelcast address, its peer blob endpoint, the layers the directory says it holds. */
    record Member(String uuid, String address, String peerEndpoint, boolean local, List<String> layers) {
        public Member {
            layers = List.copyOf(layers);
        }
    }

    /**
     * This node's peer transfers: blobs {@code served} to peers, {@code fetched} from peers (verified), {@code refused}
     * (a peer's bytes failed the digest or size check), {@code peerFailures} (a peer did not answer or answered an
     * error), {@code registryPulls} (blobs this node pulled from the registry) of which {@code fallbacks} came after
     * a peer failed or refused, and {@code waits} (misses that waited for another member's pull of the same layer).
     */
    record PeerCounters(long served, long fetched, long refused, long peerFailures, long registryPulls, long fallbacks, long waits) {
    }

    record ClusterStatus(boolean enabled, String clusterName, String localUuid, List<Member> members, PeerCounters counters) {
        public ClusterStatus {
            members = List.copyOf(members);
        }

        public static ClusterStatus disabled() {
            return new ClusterStatus(false, "", "", List.of(), new PeerCounters(0, 0, 0, 0, 0, 0, 0));
        }
    }
}

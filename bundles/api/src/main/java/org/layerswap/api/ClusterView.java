package org.layerswap.api;

import java.util.List;
import java.util.Optional;

/**
 * Read-only view of the appliance cluster (issue 15) for the shell and REST: the members, which layers each holds
 * according to the cluster's layer directory, and this node's peer-transfer counters. With the cluster off
 * ({@code enabled=false}) {@link #status()} reports {@code enabled == false} and empty lists. Since 1.3;
 * {@link #place}, {@link Placement} and {@link Member#partitions()} since 1.4.
 */
public interface ClusterView {

    ClusterStatus status();

    /**
     * Which member should run {@code functionId}: a consistent hash with bounded load over the current members and
     * the functions the cluster knows, the same answer on every member for the same membership. Empty when the
     * cluster is off (the default).
     */
    default Optional<Placement> place(String functionId) {
        return Optional.empty();
    }

    /**
     * The placement of one function: the member ({@code memberUuid}, Hazelcast {@code address}) and the figures the
     * rule used: {@code members} current members, {@code functions} functions placed (the known ones and this one),
     * {@code capacity} the most functions one member may hold ({@code ceil(loadFactor * functions / members)}).
     */
    record Placement(String functionId, String memberUuid, String address, int members, int functions, int capacity,
                     double loadFactor) {
    }

    /**
     * One member: its Hazelcast address, its peer blob endpoint, the layers the directory says it holds, and the
     * Hazelcast partitions it owns (the functions whose profiles it holds; -1 when unknown).
     */
    record Member(String uuid, String address, String peerEndpoint, boolean local, List<String> layers, int partitions) {
        public Member {
            layers = List.copyOf(layers);
        }

        /** A member whose partitions are not known (the 1.3 shape). */
        public Member(String uuid, String address, String peerEndpoint, boolean local, List<String> layers) {
            this(uuid, address, peerEndpoint, local, layers, -1);
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

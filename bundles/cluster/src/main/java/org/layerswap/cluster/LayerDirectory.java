package org.layerswap.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.layerswap.api.LayerId;

/**
 * Which member holds which layer's verified blob, and who is pulling which layer from the registry right now. The
 * Hazelcast implementation is {@link HazelcastLayerDirectory}; {@link PeerFetcher} depends only on this interface.
 * "Self" is the member this directory object belongs to.
 */
public interface LayerDirectory {

    /** Holders of {@code id} among the live members: uuid -> peer endpoint (may include self). */
    Map<String, String> holders(LayerId id);

    /** Records that self holds {@code id}'s verified blob (idempotent). */
    void add(LayerId id);

    /** Records that self no longer holds {@code id} (idempotent). */
    void remove(LayerId id);

    /** Drops every entry and pull claim of a member that left; returns how many entries went. */
    int removeMember(String uuid);

    /** Layers per member uuid, as the directory has them. */
    Map<String, List<String>> layersByMember();

    /** Claims the registry pull of {@code id} for self: true when no live member claimed it (cluster-wide single flight). */
    boolean tryClaimPull(LayerId id);

    /** Releases self's claim on {@code id} (no-op when self holds none). */
    void releasePull(LayerId id);

    /** The member (uuid) pulling {@code id} from the registry, if any. */
    Optional<String> pullClaimant(LayerId id);

    /** Returns when the directory or a claim changed, or after {@code maxMillis} (a backstop: callers re-check). */
    void awaitChange(long maxMillis) throws InterruptedException;

    /** Self's member uuid. */
    String self();
}

package org.layerswap.containerd.learning;

import java.time.Instant;

/**
 * containerd's side of registering predicted layers: leases (which keep what they hold from containerd's garbage
 * collection) and labelled Prepares through containerd's own snapshots service, so that containerd's metadata records
 * the committed layer snapshot in the namespace (as its pull-time unpacker does for a remote snapshotter).
 */
public interface SnapshotRegistry {

    /** containerd's lease label: the collector deletes the lease (and frees what only it held) after this time. */
    String EXPIRE_LABEL = "containerd.io/gc.expire";

    /** Creates lease {@code id} in {@code namespace}, expiring at {@code expires}; an existing one is kept. */
    void createLease(String namespace, String id, Instant expires);

    /** Deletes lease {@code id}; absent is fine. */
    void deleteLease(String namespace, String id);

    /**
     * Prepares {@code key} over {@code parent} labelled {@code containerd.io/snapshot.ref=<chainId>} in {@code namespace}
     * under {@code lease}. True when containerd answered ALREADY_EXISTS (the chain id is committed now, held by the lease);
     * false when it prepared an active snapshot instead (nothing answered it from the store), which is then removed.
     */
    boolean commitByRef(String namespace, String lease, String key, String parent, String chainId);
}

package org.layerswap.containerd;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One snapshot as the metadata store keeps it. {@code id} names its directory ({@code snapshots/<id>/}) and never
 * changes, also across a commit (the active's upper becomes the committed content by a metadata change only);
 * {@code parent} is the parent's name or "" for none. Labels are kept sorted so the journal is stable.
 * {@code storeLayer} is "" for a snapshot holding its own content, else the digest of the layer store's unpacked
 * layer that is this (committed) snapshot's content, shared and never written (the remote-snapshotter handshake).
 */
public record SnapshotInfo(long id, String name, String parent, SnapshotKind kind, Instant created, Instant updated,
                           Map<String, String> labels, String storeLayer) {

    /** A snapshot with its own content. */
    public SnapshotInfo(long id, String name, String parent, SnapshotKind kind, Instant created, Instant updated,
                        Map<String, String> labels) {
        this(id, name, parent, kind, created, updated, labels, "");
    }

    public SnapshotInfo {
        Objects.requireNonNull(name, "name");
        parent = parent == null ? "" : parent;
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(updated, "updated");
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        storeLayer = storeLayer == null ? "" : storeLayer;
        if (!storeLayer.isEmpty() && kind != SnapshotKind.COMMITTED) {
            throw new IllegalArgumentException("only a committed snapshot can be backed by a store layer: " + name);
        }
    }

    public boolean fromStore() {
        return !storeLayer.isEmpty();
    }

    public boolean hasParent() {
        return !parent.isEmpty();
    }

    SnapshotInfo committedAs(String newName, Map<String, String> newLabels, Instant now) {
        return new SnapshotInfo(id, newName, parent, SnapshotKind.COMMITTED, now, now, newLabels);
    }

    SnapshotInfo withLabels(Map<String, String> newLabels, Instant now) {
        return new SnapshotInfo(id, name, parent, kind, created, now, newLabels, storeLayer);
    }
}

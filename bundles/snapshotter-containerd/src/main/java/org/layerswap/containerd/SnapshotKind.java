package org.layerswap.containerd;

/** containerd's snapshot kinds (the wire enum's values but UNKNOWN, which a stored snapshot never has). */
public enum SnapshotKind {
    /** Read-only mounts of a committed parent chain; never committed itself. */
    VIEW,
    /** Writable: an upper (its own {@code fs/}) over the parent chain; may be committed once. */
    ACTIVE,
    /** Immutable content (its {@code fs/} is only ever a lower dir); the parent of actives and views. */
    COMMITTED
}

package org.layerswap.containerd;

/**
 * A request the snapshotter refuses, with the reason containerd's errdefs distinguish (each maps to one gRPC
 * status in {@link StatusMapping}). The message names the key and what was wrong.
 */
public final class SnapshotException extends Exception {

    /** containerd's error classes, as its proxy client turns gRPC codes back into errdefs errors. */
    public enum Reason {
        NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, INVALID_ARGUMENT
    }

    private final Reason reason;

    public SnapshotException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static SnapshotException notFound(String what, String key) {
        return new SnapshotException(Reason.NOT_FOUND, what + " '" + key + "' does not exist");
    }

    static SnapshotException alreadyExists(String key) {
        return new SnapshotException(Reason.ALREADY_EXISTS, "snapshot '" + key + "' already exists");
    }

    static SnapshotException precondition(String message) {
        return new SnapshotException(Reason.FAILED_PRECONDITION, message);
    }

    static SnapshotException invalid(String message) {
        return new SnapshotException(Reason.INVALID_ARGUMENT, message);
    }
}

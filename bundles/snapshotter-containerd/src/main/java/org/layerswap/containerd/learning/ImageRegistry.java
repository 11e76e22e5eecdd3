package org.layerswap.containerd.learning;

import java.util.Map;

/**
 * containerd's side of making an image present: its content store (blobs by digest, with labels; written under a
 * lease, which holds them from the garbage collector until an image references them) and its image records (name to
 * manifest descriptor; roots of the collector until deleted).
 */
public interface ImageRegistry {

    /** The collector's reference from a blob to another blob (suffix: a name unique on the blob). */
    String GC_REF_CONTENT = "containerd.io/gc.ref.content.";
    /** The collector's reference from a blob to a snapshot of the snapshotter named after it. */
    String GC_REF_SNAPSHOT = "containerd.io/gc.ref.snapshot.";

    /**
     * Writes {@code bytes} as blob {@code digest} in {@code namespace} under {@code lease}, committed with {@code labels};
     * a blob already there keeps its content and gets {@code labels} added.
     */
    void writeContent(String namespace, String lease, ImageDocuments.Blob blob, Map<String, String> labels);

    /**
     * Creates image record {@code name} targeting {@code target}: true when created, false when one of that name exists
     * (left as it is).
     */
    boolean createImage(String namespace, String name, ImageDocuments.Blob target, Map<String, String> labels);

    /**
     * Deletes image record {@code name} if it still carries label {@code label} (any value): true when deleted; false
     * when it is absent or lost the label (rewritten by someone else since, e.g. an image import or a pull).
     */
    boolean deleteImageIfLabelled(String namespace, String name, String label);
}

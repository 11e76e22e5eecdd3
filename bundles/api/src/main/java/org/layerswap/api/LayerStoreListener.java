package org.layerswap.api;

/**
 * Whiteboard: register a service of this type to be told when the layer store's resident set changes (the cluster's
 * layer directory follows it). {@link #layerStored} is called after a layer was committed (it is resident when the call
 * is made), {@link #layerRemoved} after a layer left the store (evicted, or quarantined because it was modified on
 * disk). Called on the store's threads, possibly concurrently: implementations must be quick and thread-safe; the store
 * logs and ignores what they throw. Since 1.3.
 */
public interface LayerStoreListener {

    default void layerStored(LayerId id, long blobBytes) {
    }

    default void layerRemoved(LayerId id) {
    }
}

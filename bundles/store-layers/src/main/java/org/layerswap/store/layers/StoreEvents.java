package org.layerswap.store.layers;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's {@link LayerStoreListener}s and the one way to tell them: each listener is called in turn; what one
 * throws is logged and does not stop the others nor the store (the store's own state never depends on a listener).
 */
public final class StoreEvents {

    private static final Logger LOG = LoggerFactory.getLogger(StoreEvents.class);

    private final List<LayerStoreListener> listeners = new CopyOnWriteArrayList<>();

    public void add(LayerStoreListener l) {
        listeners.add(l);
    }

    public void remove(LayerStoreListener l) {
        listeners.remove(l);
    }

    void stored(LayerId id, long blobBytes) {
        for (LayerStoreListener l : listeners) {
            try {
                l.layerStored(id, blobBytes);
            } catch (RuntimeException e) {
                LOG.warn("layer store listener {} failed on stored {}: {}", l, id, e.toString());
            }
        }
    }

    void removed(LayerId id) {
        for (LayerStoreListener l : listeners) {
            try {
                l.layerRemoved(id);
            } catch (RuntimeException e) {
                LOG.warn("layer store listener {} failed on removed {}: {}", l, id, e.toString());
            }
        }
    }
}

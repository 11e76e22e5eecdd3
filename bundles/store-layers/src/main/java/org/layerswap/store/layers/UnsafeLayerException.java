package org.layerswap.store.layers;

import java.io.IOException;

/** A layer tar entry was refused (traversal, escaping link, device node, size limit, ...); nothing outside the layer root was written. */
public class UnsafeLayerException extends IOException {

    private static final long serialVersionUID = 1L;

    public UnsafeLayerException(String message) {
        super(message);
    }
}

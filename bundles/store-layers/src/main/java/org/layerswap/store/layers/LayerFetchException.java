package org.layerswap.store.layers;

import java.io.IOException;

/** A layer could not be made resident; the message names the layer, the source and what went wrong. */
public class LayerFetchException extends IOException {

    private static final long serialVersionUID = 1L;

    public LayerFetchException(String message) {
        super(message);
    }

    public LayerFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}

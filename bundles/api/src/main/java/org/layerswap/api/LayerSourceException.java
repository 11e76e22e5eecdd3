package org.layerswap.api;

import java.io.IOException;

/** A layer source could not deliver; {@link #retryable()} tells callers whether backing off may help. */
public class LayerSourceException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public LayerSourceException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public LayerSourceException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}

package org.layerswap.profiler.engine;

import java.io.IOException;

/** A snapshot could not be read: names the source and what was wrong with it. */
public class SnapshotException extends IOException {

    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.layerswap.api;

import java.nio.file.Path;

/** A pin on a resident layer: while open, the store will not evict it. Close exactly once. */
public interface LayerLease extends AutoCloseable {

    LayerId id();

    /** The unpacked layer directory, usable as an OverlayFS lower dir. */
    Path path();

    @Override
    void close();
}

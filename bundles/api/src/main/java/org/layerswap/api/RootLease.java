package org.layerswap.api;

import java.nio.file.Path;
import java.util.List;

/**
 * An invocation's hold on a function's root filesystem. The tree it names stays mounted and
 * unchanged until the lease is closed, even if the function is swapped to a new layer stack meanwhile.
 */
public interface RootLease extends AutoCloseable {

    String functionId();

    /** The tree this invocation runs in (a generation-specific path, not the flipping stable one). */
    Path root();

    /** Which composition of the function this is; increases with every swap. */
    long generation();

    List<Path> layerDirs();

    /** Time this invocation waited for layers that were not resident (0 when none were missing). */
    default long layerWaitMicros() {
        return 0;
    }

    /** Time spent composing or swapping and pinning the root for this invocation. */
    default long mountMicros() {
        return 0;
    }

    @Override
    void close();
}

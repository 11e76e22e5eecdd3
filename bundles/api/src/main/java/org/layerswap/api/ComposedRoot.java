package org.layerswap.api;

import java.nio.file.Path;
import java.util.List;

/**
 * A function's current root filesystem as a backend holds it.
 *
 * @param stableRoot  the path that always points at the current generation
 * @param layerDirs   lower layer directories, base first
 * @param activeLeases invocations currently running on any generation of this function
 */
public record ComposedRoot(String functionId, String backend, Path stableRoot, long generation,
                           List<Path> layerDirs, int activeLeases) {

    public ComposedRoot {
        layerDirs = List.copyOf(layerDirs);
    }
}

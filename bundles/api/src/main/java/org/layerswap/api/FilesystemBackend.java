package org.layerswap.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds function root filesystems from layer directories (OverlayFS, hard-link farm, ...).
 * Registered as a service with a {@value Predictor#NAME_PROPERTY} property.
 * Each function gets its own writable upper layer: writes never touch shared layers.
 */
public interface FilesystemBackend {

    String name();

    /** False when this machine cannot run the backend (no root, no overlay support, ...). */
    boolean isAvailable();

    /** Why the backend is unavailable, or "" when it is available. */
    String unavailableReason();

    /**
     * Composes {@code functionId}'s root from {@code layerDirs} (base first). When the function
     * already has a root, the new stack is built beside it and flipped in atomically; invocations
     * holding a {@link RootLease} keep the old tree until they close it.
     *
     * @return the new composition
     */
    ComposedRoot compose(String functionId, List<Path> layerDirs) throws IOException;

    /**
     * Copy-on-write update: like {@link #compose} (new generation, atomic flip), but the function's own
     * writes (its private upper layer) are carried into the new generation instead of starting empty.
     * Additive: backends that cannot separate a function's writes from its layers just compose.
     */
    default ComposedRoot composeKeepingWrites(String functionId, List<Path> layerDirs) throws IOException {
        return compose(functionId, layerDirs);
    }

    /** Pins the function's current tree for one invocation. */
    RootLease enter(String functionId) throws IOException;

    /** Tears down the function's root once no invocation holds it; true when removed now. */
    boolean remove(String functionId) throws IOException;

    List<ComposedRoot> composed();

    /**
     * What the backend's start-up recovery found and did under its root (one line), or "" when it did not run or
     * found nothing. Additive: "" by default.
     */
    default String recoverySummary() {
        return "";
    }
}

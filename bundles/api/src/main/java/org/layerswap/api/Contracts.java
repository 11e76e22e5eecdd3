package org.layerswap.api;

import java.util.List;

/** The pipeline's service contracts in pipeline order, for status displays (shell, web console). */
public final class Contracts {

    /** Bundle symbolic names of LayerSwap's own bundles start with this. */
    public static final String BUNDLE_PREFIX = "org.layerswap.";

    public static final List<Class<?>> SERVICES = List.of(
            LayerSource.class,
            LayerStore.class,
            Predictor.class,
            BehavioralProfiler.class,
            FilesystemBackend.class,
            SwapManager.class,
            FeedbackLoop.class);

    private Contracts() {
    }
}

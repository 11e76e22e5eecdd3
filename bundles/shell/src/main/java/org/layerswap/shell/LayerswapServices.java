package org.layerswap.shell;

import java.util.List;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerStore;
import org.layerswap.api.Predictor;
import org.layerswap.api.SwapManager;

/** The api service contracts an operator wants to see the state of, in pipeline order. */
final class LayerswapServices {

    static final String BUNDLE_PREFIX = "org.layerswap.";

    static final List<Class<?>> CONTRACTS = List.of(
            LayerSource.class,
            LayerStore.class,
            Predictor.class,
            BehavioralProfiler.class,
            FilesystemBackend.class,
            SwapManager.class,
            FeedbackLoop.class);

    private LayerswapServices() {
    }
}

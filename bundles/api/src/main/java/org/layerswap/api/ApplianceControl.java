package org.layerswap.api;

import java.util.List;

/**
 * What operators can see and change, shared by the shell commands and the REST API so both
 * validate and act the same way. Errors are {@link IllegalArgumentException}s whose message
 * says what was wrong and what is valid.
 */
public interface ApplianceControl {

    ApplianceStatus status();

    /** Installed predictors, highest ranking first; {@code active} marks the one in use. */
    List<ServiceInfo> predictors();

    /** Name configured in {@code org.layerswap.profiler predictor} ("" when unset). */
    String configuredPredictor();

    /** Selects the predictor by configuration; the profiler switches without losing profiles. */
    void usePredictor(String name);

    List<BackendInfo> backends();

    /** Backend configured in {@code org.layerswap.fs backend} ("auto" when unset). */
    String configuredBackend();

    /** Selects the filesystem backend ({@code auto} or an installed backend's name). */
    void useBackend(String name);

    /** Whether the feedback loop's controller sets the prefetch threshold ({@code org.layerswap.feedback applyThreshold}). */
    boolean thresholdAuto();

    /**
     * {@code true}: the controller sets the threshold from now on; {@code false}: the threshold stays where
     * the operator puts it (the controller keeps recommending, without applying).
     */
    void setThresholdAuto(boolean auto);

    /**
     * What the appliance took over at its last start: the swap manager's report (roots adopted or cleaned,
     * prefetches resumed, catalog restored), the backends' recovery and the profiler's restored snapshot.
     * Additive: {@link RestartReport#NONE} by default.
     */
    default RestartReport restartReport() {
        return RestartReport.NONE;
    }

    /**
     * The data layer bindings of {@code functionId}, or of every function when null or blank, by function,
     * parameter and value. Refuses an unknown function, naming the defined ones.
     */
    default List<DataLayerBinding> dataLayerBindings(String functionId) {
        throw new UnsupportedOperationException("this appliance control does not manage data layer bindings");
    }

    /**
     * Binds a data layer to {@code paramName=paramValue} of {@code functionId} (see
     * {@link SwapManager#bindDataLayer}); returns the data layers. Refuses a missing or bad argument naming it;
     * an image the layer source cannot resolve is an {@link IllegalStateException} naming the image.
     */
    default List<LayerId> bindDataLayer(String functionId, String paramName, String paramValue, String imageReferenceOrLayerDigest) {
        throw new UnsupportedOperationException("this appliance control does not manage data layer bindings");
    }

    /**
     * Removes the binding of {@code paramName=paramValue} of {@code functionId} (see {@link SwapManager#unbindDataLayer})
     * and returns what it was. Refuses a missing argument, an unknown function or a value that is not bound,
     * naming the bindings the function has.
     */
    default DataLayerBinding unbindDataLayer(String functionId, String paramName, String paramValue) {
        throw new UnsupportedOperationException("this appliance control does not manage data layer bindings");
    }
}

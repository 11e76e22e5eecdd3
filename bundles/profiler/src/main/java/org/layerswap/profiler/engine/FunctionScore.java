package org.layerswap.profiler.engine;

/** Scoring node of a function that has layers: its probability and its contributions to layer scores. */
final class FunctionScore {

    static final LayerState[] NO_LAYERS = new LayerState[0];
    static final double[] NO_DOUBLES = new double[0];

    final String id;
    FunctionStats stats;
    double prob;
    long probTime = -1;
    /** Base-stack layers first (weight 1), then optional layers weighted by the parameter model. */
    LayerState[] layers = NO_LAYERS;
    double[] weights = NO_DOUBLES;
    /** The log1p(-p*w) currently added to each layer's log-sum. */
    double[] applied = NO_DOUBLES;
    int baseCount;

    FunctionScore(String id) {
        this.id = id;
    }
}

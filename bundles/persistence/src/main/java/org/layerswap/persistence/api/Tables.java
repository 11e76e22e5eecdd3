package org.layerswap.persistence.api;

import java.util.List;

/** Table names, for {@link PersistenceService#count(String)} and retention. */
public final class Tables {
    public static final String INVOCATIONS = "invocations";
    public static final String PREDICTION_SNAPSHOTS = "prediction_snapshots";
    public static final String PREFETCHES = "prefetches";
    public static final String SWAPS = "swaps";
    public static final String METRICS = "metrics";
    public static final String EXPERIMENTS = "experiments";
    public static final String EXPERIMENT_RESULTS = "experiment_results";
    public static final String DEAD_LETTERS = "dead_letters";
    public static final String THRESHOLD_HISTORY = "threshold_history";
    public static final String MODEL_STATE = "model_state";
    public static final String FUNCTION_CATALOG = "function_catalog";
    public static final String DATA_LAYER_BINDINGS = "data_layer_bindings";

    /** Tables with a {@code ts} column that retention trims. */
    public static final List<String> TIME_SERIES = List.of(INVOCATIONS, PREDICTION_SNAPSHOTS, PREFETCHES, SWAPS,
            METRICS, EXPERIMENT_RESULTS, DEAD_LETTERS, THRESHOLD_HISTORY);

    public static final List<String> ALL = List.of(INVOCATIONS, PREDICTION_SNAPSHOTS, PREFETCHES, SWAPS, METRICS,
            EXPERIMENTS, EXPERIMENT_RESULTS, DEAD_LETTERS, THRESHOLD_HISTORY, MODEL_STATE, FUNCTION_CATALOG, DATA_LAYER_BINDINGS);

    private Tables() {
    }
}

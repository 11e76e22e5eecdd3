package org.layerswap.profiler.engine;

import java.util.List;
import java.util.Map;

/**
 * Everything the profiler has learned, as a value that can be stored anywhere (a file through
 * {@link SnapshotCodec}, later a database row): per-function arrival models, co-occurrence rows and
 * parameter models. The function-to-layer map is not part of it (it belongs to the swap manager and
 * is re-supplied through {@code updateFunctionLayers}); nor is any predictor's own learned model,
 * which is why predictors must cope with starting untrained.
 *
 * @param version           format version ({@link #VERSION})
 * @param takenAtMillis     the engine's "now" when taken
 * @param latestEventMillis the latest event timestamp seen (-1 when none)
 * @param eventsRecorded    events recorded since the profiler first started (carried across restarts)
 */
public record ProfileSnapshot(int version, long takenAtMillis, long latestEventMillis, long eventsRecorded,
                              List<FunctionState> functions) {

    public static final int VERSION = 1;

    public ProfileSnapshot {
        functions = List.copyOf(functions);
    }

    /** One function's model; sparse arrays hold only non-empty bins. */
    public record FunctionState(String functionId, long count, long firstMillis, long lastMillis,
                                int[] idleBins, long[] idleCounts, double[] idleSums, double[] idleSquares,
                                double decayedCount, long headMinute, int[] minuteSlots, int[] minuteCounts,
                                double hourRef, double[] hourWeights, double triggerCount, long triggerTime,
                                List<FollowState> followers, Map<String, String> lastParams, ParamState params) {
        public FunctionState {
            followers = List.copyOf(followers);
            lastParams = Map.copyOf(lastParams);
        }
    }

    /** A co-occurrence entry: decayed count of {@code target} following the owner, as of {@code timeMillis}. */
    public record FollowState(String target, double value, long timeMillis, long creditedTrigger) {
    }

    /** A function's parameter model. Layer keys are digests. */
    public record ParamState(double accesses, Map<String, Double> layerCounts, List<ValueState> values) {
        public ParamState {
            layerCounts = Map.copyOf(layerCounts);
            values = List.copyOf(values);
        }
    }

    /** Accesses that carried {@code keyValue} ("key=value") and, per layer digest, how many used it. */
    public record ValueState(String keyValue, double n, Map<String, Double> layerCounts) {
        public ValueState {
            layerCounts = Map.copyOf(layerCounts);
        }
    }
}

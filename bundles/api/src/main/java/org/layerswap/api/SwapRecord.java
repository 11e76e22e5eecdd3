package org.layerswap.api;

import java.util.List;

/**
 * One swap of a function's layer set, for monitoring and history.
 *
 * @param durationMicros time from start to the flip (or to the failure)
 * @param detail         the failure or rollback reason, "" on success
 */
public record SwapRecord(long id, String functionId, List<LayerId> fromLayers, List<LayerId> toLayers,
                         SwapMode mode, SwapOutcome outcome, long startedMillis, long durationMicros, String detail) {

    public SwapRecord {
        fromLayers = List.copyOf(fromLayers);
        toLayers = List.copyOf(toLayers);
        detail = detail == null ? "" : detail;
    }
}

package org.layerswap.persistence.api;

import java.util.Map;
import java.util.Objects;

import org.layerswap.api.ExperimentArm;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.InvocationOutcome;

/**
 * One invocation. Outcome fields are null when only the event is known (ingested from a log before
 * it ran). {@code id} is 0 for rows not yet stored.
 */
public record InvocationRow(long id, String functionId, long timestampMillis, String tenant, Map<String, String> params,
                            ExperimentArm arm, Long layerWaitMicros, Long executionMicros, Boolean error) {

    public InvocationRow {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("invocation row without a function id");
        }
        tenant = Objects.requireNonNullElse(tenant, "");
        params = params == null || params.isEmpty() ? Map.of() : Map.copyOf(params);
        arm = Objects.requireNonNullElse(arm, ExperimentArm.NONE);
    }

    public static InvocationRow of(InvocationEvent e) {
        return new InvocationRow(0, e.functionId(), e.timestampMillis(), e.tenant(), e.params(), ExperimentArm.NONE,
                null, null, null);
    }

    public static InvocationRow of(InvocationOutcome o) {
        return new InvocationRow(0, o.functionId(), o.timestampMillis(), "", Map.of(), o.arm(), o.layerWaitMicros(),
                o.executionMicros(), o.error());
    }
}

package org.layerswap.api;

import java.util.Map;
import java.util.Objects;

/**
 * One function invocation as seen in an invocation log.
 *
 * @param functionId      the function invoked (non-blank)
 * @param timestampMillis when it started, epoch milliseconds (or trace-relative milliseconds in replays)
 * @param params          its input parameters (immutable; empty when the log has none)
 * @param tenant          the user or tenant that invoked it ("" when unknown)
 */
public record InvocationEvent(String functionId, long timestampMillis, Map<String, String> params, String tenant) {

    public InvocationEvent {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("invocation event without a function id");
        }
        if (timestampMillis < 0) {
            throw new IllegalArgumentException("negative timestamp " + timestampMillis + " for function " + functionId);
        }
        params = params == null || params.isEmpty() ? Map.of() : Map.copyOf(params);
        tenant = Objects.requireNonNullElse(tenant, "");
    }

    public static InvocationEvent of(String functionId, long timestampMillis) {
        return new InvocationEvent(functionId, timestampMillis, Map.of(), "");
    }
}

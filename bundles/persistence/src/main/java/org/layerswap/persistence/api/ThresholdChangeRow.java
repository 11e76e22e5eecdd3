package org.layerswap.persistence.api;

import java.util.Objects;

/**
 * One change of a controlled parameter (the prefetch threshold or a model parameter) with its evidence.
 *
 * @param parameter       e.g. {@code threshold}
 * @param objectiveBefore the objective measured at the old value
 * @param objectiveAfter  the objective measured at the value being judged (NaN when not yet measured)
 * @param reason          the controller's decision in words
 * @param evidence        window metrics, as {@code key=value} lines
 */
public record ThresholdChangeRow(long id, long timestampMillis, String parameter, double oldValue, double newValue,
                                 double objectiveBefore, double objectiveAfter, String reason, String evidence) {
    public ThresholdChangeRow {
        parameter = Objects.requireNonNullElse(parameter, "threshold");
        reason = Objects.requireNonNullElse(reason, "");
        evidence = Objects.requireNonNullElse(evidence, "");
    }
}

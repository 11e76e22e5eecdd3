package org.layerswap.persistence.api;

import java.util.Objects;

import org.layerswap.api.ExperimentArm;

/** One metric sample; {@code functionId} "" for appliance-wide metrics. */
public record MetricRow(long id, long timestampMillis, String name, String functionId, ExperimentArm arm, double value) {
    public MetricRow {
        Objects.requireNonNull(name, "metric name");
        functionId = Objects.requireNonNullElse(functionId, "");
        arm = Objects.requireNonNullElse(arm, ExperimentArm.NONE);
    }
}

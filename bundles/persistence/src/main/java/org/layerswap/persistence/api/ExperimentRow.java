package org.layerswap.persistence.api;

import java.util.Objects;

/**
 * An A/B experiment. {@code stoppedMillis} is -1 while it runs.
 *
 * @param settings the experiment's settings as {@code key=value} lines
 */
public record ExperimentRow(String id, String name, String assignmentMode, double treatmentShare, long startedMillis,
                            long stoppedMillis, String status, String settings) {
    public ExperimentRow {
        Objects.requireNonNull(id, "experiment id");
        name = Objects.requireNonNullElse(name, id);
        assignmentMode = Objects.requireNonNullElse(assignmentMode, "");
        status = Objects.requireNonNullElse(status, "");
        settings = Objects.requireNonNullElse(settings, "");
    }
}

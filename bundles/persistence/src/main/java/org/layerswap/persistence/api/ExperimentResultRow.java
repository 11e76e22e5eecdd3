package org.layerswap.persistence.api;

import java.util.Objects;

/** A report of an experiment at one moment: its verdict and the full rendering. */
public record ExperimentResultRow(long id, String experimentId, long timestampMillis, String verdict, String report) {
    public ExperimentResultRow {
        Objects.requireNonNull(experimentId, "experiment id");
        verdict = Objects.requireNonNullElse(verdict, "");
        report = Objects.requireNonNullElse(report, "");
    }
}

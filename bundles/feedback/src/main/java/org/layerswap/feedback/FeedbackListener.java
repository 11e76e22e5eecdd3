package org.layerswap.feedback;

/** Receives what the feedback engine decides (the DS component forwards it to persistence and the swap manager). */
public interface FeedbackListener {

    default void thresholdChanged(ThresholdChange change) {
    }

    default void windowClosed(WindowMetrics window, double objective) {
    }

    default void experimentStarted(String id, String name, ExperimentSettings settings, long startedMillis) {
    }

    /** The final report of a stopped experiment. */
    default void experimentStopped(ExperimentReport finalReport) {
    }
}

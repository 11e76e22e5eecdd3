package org.layerswap.feedback;

import java.util.List;
import java.util.Optional;

import org.layerswap.api.FeedbackLoop;

/**
 * Runtime control of the feedback loop for the shell, REST and web console: experiments, reports,
 * metrics and the controller's status. Times are the service's clock (wall clock in the appliance).
 */
public interface FeedbackControl extends FeedbackLoop {

    /** Starts an A/B experiment ({@code settings} null: configured defaults); fails when one runs. */
    String startExperiment(String name, ExperimentSettings settings);

    /** Stops the running experiment, returning its final report (empty when none runs). */
    Optional<ExperimentReport> stopExperiment();

    /** The running experiment's report now. */
    Optional<ExperimentReport> experimentReport();

    List<ExperimentReport> finishedExperiments();

    /** Per-arm metrics of one function, or of all functions together when {@code functionId} is null. */
    List<ArmMetrics> metrics(String functionId);

    List<String> functions();

    ControllerStatus controllerStatus();

    /** The most recent threshold changes kept in memory (at most 256), newest first. */
    List<ThresholdChange> recentThresholdChanges(int limit);

    FeedbackSettings settings();

    byte[] exportState();

    void importState(byte[] state);

    void addListener(FeedbackListener listener);

    void removeListener(FeedbackListener listener);

    /** What the threshold controller is doing. */
    record ControllerStatus(double threshold, ThresholdController.Phase phase, double step, double referenceThreshold,
                            double probeThreshold, double referenceObjective, double lastObjective, long changes, long decisions,
                            long reversals, long probingPhases, long windowsClosed) {
    }
}

package org.layerswap.feedback;

/**
 * Everything the feedback engine is configured with.
 *
 * @param evaluationIntervalMillis  length of one evaluation window (event time)
 * @param freezeDuringExperiment    the controller holds the threshold while an A/B experiment runs, so the
 *                                  treatment arm does not change under the experiment
 */
public record FeedbackSettings(ObjectiveWeights objective, ControllerSettings controller, ExperimentSettings experiment,
                               long evaluationIntervalMillis, boolean freezeDuringExperiment) {

    public FeedbackSettings {
        if (objective == null || controller == null || experiment == null) {
            throw new IllegalArgumentException("feedback settings incomplete");
        }
        if (evaluationIntervalMillis < 1) {
            throw new IllegalArgumentException("evaluationIntervalMillis must be >= 1, was " + evaluationIntervalMillis);
        }
    }

    public static FeedbackSettings defaults() {
        return new FeedbackSettings(ObjectiveWeights.defaults(), ControllerSettings.defaults(), ExperimentSettings.defaults(),
                60_000, true);
    }

    public FeedbackSettings withController(ControllerSettings c) {
        return new FeedbackSettings(objective, c, experiment, evaluationIntervalMillis, freezeDuringExperiment);
    }

    public FeedbackSettings withObjective(ObjectiveWeights o) {
        return new FeedbackSettings(o, controller, experiment, evaluationIntervalMillis, freezeDuringExperiment);
    }

    public FeedbackSettings withExperiment(ExperimentSettings e) {
        return new FeedbackSettings(objective, controller, e, evaluationIntervalMillis, freezeDuringExperiment);
    }

    public FeedbackSettings withInterval(long millis) {
        return new FeedbackSettings(objective, controller, experiment, millis, freezeDuringExperiment);
    }
}

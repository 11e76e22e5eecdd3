package org.layerswap.replay;

import java.util.List;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.Predictor;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.predictor.markov.MarkovPredictor;
import org.layerswap.profiler.engine.PoissonPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;

/**
 * The project's own predictors by service name, each inside the real {@link ProfilerEngine}, so
 * {@code predictive:markov} replays exactly the code the appliance runs.
 */
final class ProjectPredictors {

    static final List<String> NAMES = List.of("poisson", "histogram", "markov", "encog");

    private ProjectPredictors() {
    }

    static Supplier<BehavioralProfiler> profiler(String name) {
        return () -> new ProfilerEngine(ProfilerSettings.defaults(), predictor(name));
    }

    private static Predictor predictor(String name) {
        return switch (name) {
            case "poisson" -> new PoissonPredictor();
            case "histogram" -> new HistogramPredictor();
            case "markov" -> new MarkovPredictor();
            case "encog" -> EncogPredictors.create();
            default -> throw new IllegalArgumentException("unknown predictor '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}

package org.layerswap.profiler.engine;

import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;

/**
 * The profiler's built-in predictor, used while no {@link Predictor} service is available: the
 * probability of at least one arrival within the window for a Poisson process at the function's
 * decayed rate. Also the "rate" baseline of the replay report.
 */
public final class PoissonPredictor implements Predictor {

    public static final String NAME = "builtin-poisson";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double probability(ProfileView view, String functionId, long nowMillis, long windowMillis) {
        return Estimators.rateEstimate(view.profile(functionId), windowMillis);
    }
}

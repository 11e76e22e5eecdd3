package org.layerswap.predictor.histogram;

import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.profiler.engine.Estimators;
import org.osgi.service.component.annotations.Component;

/**
 * The hybrid histogram policy (Shahrad et al., "Serverless in the Wild", ATC'20) as a predictor.
 * The policy keeps a per-function idle-time histogram of 1-minute bins over 4 hours and, when the
 * histogram is representative, pre-warms at its head and keeps alive until its tail; when it is not
 * (too few gaps, or the idle time is out of the histogram's bounds) it falls back to a rate model.
 *
 * <p>As a probability: with {@code t} the time since the function's last invocation and {@code w}
 * the window, the hazard {@code P(IT in (t, t+w] | IT > t)} read from the histogram (each bin's
 * mass spread over its observed mean +- sqrt(3) standard deviations), shrunk towards the Poisson estimate at the decayed rate by four
 * pseudo-gaps; the Poisson estimate alone below 3 gaps or beyond the longest recorded gap.
 * See {@link Estimators#histogramHazard}. Stateless: a pure function of the profile.
 */
@Component(service = Predictor.class, property = {Predictor.NAME_PROPERTY + "=" + HistogramPredictor.NAME,
        "service.ranking:Integer=100"})
public class HistogramPredictor implements Predictor {

    public static final String NAME = "histogram";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double probability(ProfileView view, String functionId, long nowMillis, long windowMillis) {
        return Estimators.clamp(Estimators.histogramHazard(view.profile(functionId), nowMillis, windowMillis));
    }
}

package org.layerswap.predictor.markov;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.profiler.engine.Estimators;
import org.osgi.service.component.annotations.Component;

/**
 * Co-occurrence / Markov-chain predictor: a function runs soon either on its own (its self
 * transition: the semi-Markov hazard of its idle-time histogram, which is what makes periodic
 * timers predictable, falling back to its decayed rate) or because a function it follows was just
 * invoked (the cross-function transition learned by the profiler's co-occurrence model).
 *
 * <p>For {@code f} at time {@code now}: {@code p = 1 - (1 - p_self) * prod_g (1 - p_chain(g))} over
 * f's predecessors g that are <em>pending</em>: g ran within the co-occurrence window Δ and f has not
 * run since. With {@code q = P(f follows g within Δ)}, {@code e = now - last(g)} and follow delays
 * taken uniform over Δ, {@code P(f in (now, now+w] | not yet) = q*min(w, Δ-e)/Δ / (1 - q*e/Δ)}.
 * To avoid counting twice what the self term already predicts, only the lift over f's own chance of
 * running within Δ counts: {@code q' = (q - base)/(1 - base)}, {@code base = P_poisson(rate_f, Δ)}
 * (a frequent function "follows" everything without being caused by it).
 */
@Component(service = Predictor.class, property = {Predictor.NAME_PROPERTY + "=" + MarkovPredictor.NAME,
        "service.ranking:Integer=200"})
public class MarkovPredictor implements Predictor {

    public static final String NAME = "markov";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double probability(ProfileView view, String functionId, long nowMillis, long windowMillis) {
        FunctionProfile f = view.profile(functionId);
        if (f == null) {
            return 0.0;
        }
        double self = Estimators.clamp(Estimators.histogramHazard(f, nowMillis, windowMillis));
        double chain = Estimators.chainLift(view, f, nowMillis, windowMillis);
        return Estimators.clamp(1.0 - (1.0 - self) * (1.0 - chain));
    }
}

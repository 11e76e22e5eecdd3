package org.layerswap.profiler.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.layerswap.api.Predictor;
import org.layerswap.profiler.engine.PoissonPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered {@link Predictor} services and the engine's active one: whenever a service comes,
 * changes or goes, or the configured name changes, {@link PredictorSelector} picks again and the engine
 * switches (between two events, never during one; profiles are kept).
 *
 * <p>Invariant: while attached, the engine's predictor is the selector's choice among the current
 * candidates (the built-in estimate when there is none). Thread-safe: service events arrive on any
 * thread; choices are applied under this object's monitor, so two changes never interleave.
 */
final class PredictorBinding {

    private static final Logger LOG = LoggerFactory.getLogger(PredictorBinding.class);

    private final Map<Long, PredictorSelector.Candidate> candidates = new ConcurrentHashMap<>();
    private ProfilerEngine engine;
    private String configured = "";

    void add(Predictor predictor, Map<String, Object> props) {
        candidates.put(serviceId(props), candidate(predictor, props));
        reselect("predictor service " + nameOf(predictor, props) + " added");
    }

    void update(Predictor predictor, Map<String, Object> props) {
        candidates.put(serviceId(props), candidate(predictor, props));
        reselect("predictor service " + nameOf(predictor, props) + " updated");
    }

    void remove(Predictor predictor, Map<String, Object> props) {
        candidates.remove(serviceId(props));
        reselect("predictor service " + nameOf(predictor, props) + " removed");
    }

    /** Starts driving {@code e} with the predictor named {@code configuredName} (else the highest ranking). */
    synchronized void attach(ProfilerEngine e, String configuredName) {
        engine = e;
        configured = configuredName;
        reselect("activation");
    }

    synchronized void configure(String configuredName) {
        configured = configuredName;
        reselect("configuration changed");
    }

    synchronized void detach() {
        engine = null;
    }

    private synchronized void reselect(String why) {
        ProfilerEngine e = engine;
        if (e == null) {
            return; // attach selects
        }
        Optional<PredictorSelector.Candidate> chosen = PredictorSelector.select(candidates.values(), configured);
        Predictor next = chosen.map(PredictorSelector.Candidate::predictor).orElse(null);
        if (e.predictor() == next || (next == null && e.predictor() instanceof PoissonPredictor)) {
            return;
        }
        String before = e.activePredictor();
        e.setPredictor(next);
        String after = e.activePredictor();
        if (chosen.isPresent() && !chosen.get().name().equals(configured)) {
            LOG.info("Profiler predictor {} -> {} ({}; configured predictor '{}' is not installed, using the highest ranking)",
                    before, after, why, configured);
        } else {
            LOG.info("Profiler predictor {} -> {} ({})", before, after, why);
        }
    }

    private static long serviceId(Map<String, Object> props) {
        Object id = props.get(Constants.SERVICE_ID);
        return id instanceof Number n ? n.longValue() : -1L;
    }

    private static PredictorSelector.Candidate candidate(Predictor p, Map<String, Object> props) {
        Object ranking = props.get(Constants.SERVICE_RANKING);
        return new PredictorSelector.Candidate(p, nameOf(p, props), ranking instanceof Integer i ? i : 0, serviceId(props));
    }

    private static String nameOf(Predictor p, Map<String, Object> props) {
        Object name = props.get(Predictor.NAME_PROPERTY);
        if (name != null) {
            return name.toString();
        }
        try {
            return p.name();
        } catch (RuntimeException e) {
            return "<unnamed>";
        }
    }
}

package org.layerswap.profiler.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

import org.layerswap.api.Predictor;

/**
 * Picks the active predictor among the registered ones (plain Java, tested without a framework):
 * the one whose {@code name} property equals the configured name, else the highest
 * {@code service.ranking}, ties going to the lowest service id (the OSGi convention).
 */
final class PredictorSelector {

    record Candidate(Predictor predictor, String name, int ranking, long serviceId) {
    }

    private static final Comparator<Candidate> BEST = Comparator.comparingInt(Candidate::ranking).reversed()
            .thenComparingLong(Candidate::serviceId);

    private PredictorSelector() {
    }

    static Optional<Candidate> select(Collection<Candidate> candidates, String configuredName) {
        if (configuredName != null && !configuredName.isBlank()) {
            Optional<Candidate> named = candidates.stream().filter(c -> configuredName.trim().equals(c.name()))
                    .min(BEST);
            if (named.isPresent()) {
                return named;
            }
        }
        return candidates.stream().min(BEST);
    }
}

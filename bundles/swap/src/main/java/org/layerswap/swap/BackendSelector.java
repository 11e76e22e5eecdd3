package org.layerswap.swap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.layerswap.api.FilesystemBackend;

/**
 * Chooses the active {@link FilesystemBackend}: the configured one ({@code backend=<name>}) when it is
 * installed and available, otherwise (or for {@code auto}) the available one with the highest
 * {@code service.ranking}. The reason is part of the answer so it can be logged.
 */
public final class BackendSelector {

    public record Candidate(String name, int ranking, FilesystemBackend backend) {
    }

    public record Selection(FilesystemBackend backend, String reason) {
    }

    private BackendSelector() {
    }

    public static Selection select(List<Candidate> candidates, String configured) {
        String want = configured == null || configured.isBlank() ? "auto" : configured.trim();
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingInt(Candidate::ranking).reversed().thenComparing(Candidate::name));
        StringBuilder why = new StringBuilder();
        if (!want.equals("auto")) {
            Candidate named = sorted.stream().filter(c -> c.name().equals(want)).findFirst().orElse(null);
            if (named == null) {
                why.append("configured backend '").append(want).append("' is not installed");
            } else if (!named.backend().isAvailable()) {
                why.append("configured backend '").append(want).append("' is unavailable: ").append(named.backend().unavailableReason());
            } else {
                return new Selection(named.backend(), "configured backend '" + want + "'");
            }
        }
        for (Candidate c : sorted) {
            if (c.backend().isAvailable()) {
                String r = (why.length() == 0 ? "backend=auto" : why.toString()) + "; using '" + c.name()
                        + "' (highest-ranked available, ranking " + c.ranking() + ")";
                return new Selection(c.backend(), r);
            }
            why.append(why.length() == 0 ? "" : "; ").append("'").append(c.name()).append("' unavailable: ")
                    .append(c.backend().unavailableReason());
        }
        return new Selection(null, why.length() == 0 ? "no filesystem backend installed" : why + "; no backend available");
    }
}

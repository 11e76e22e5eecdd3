package org.layerswap.feedback;

import java.util.Map;

/**
 * One change of a controlled parameter with the evidence that caused it.
 *
 * @param objectiveBefore J at the reference (the best value known)
 * @param objectiveAfter  J measured at the value just judged
 * @param evidence        the window metrics and controller state behind the decision
 */
public record ThresholdChange(long timestampMillis, String parameter, double oldValue, double newValue, double objectiveBefore,
                              double objectiveAfter, String reason, Map<String, String> evidence) {

    public ThresholdChange {
        evidence = Map.copyOf(evidence);
    }

    /** The evidence as sorted {@code key=value} lines. */
    public String evidenceText() {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(evidence).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }
}

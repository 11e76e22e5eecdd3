package org.layerswap.api;

import java.util.Collection;
import java.util.Map;

/** What a {@link Predictor} may read: per-function profiles and the cross-function co-occurrence model. */
public interface ProfileView {

    /** The profile of {@code functionId}, or null when the function was never seen. */
    FunctionProfile profile(String functionId);

    Collection<String> functions();

    /**
     * Functions observed to follow {@code functionId} within {@link #coOccurrenceWindowMillis()},
     * with the (decayed) estimated probability that each follows one invocation of it.
     */
    Map<String, Double> followers(String functionId);

    long coOccurrenceWindowMillis();

    /**
     * The inverse of {@link #followers(String)}: functions that {@code functionId} was observed to
     * follow, each with the (decayed) probability that one of their invocations is followed by
     * {@code functionId} within {@link #coOccurrenceWindowMillis()}. Additive: the default scans every
     * function; implementations keep an index.
     */
    default Map<String, Double> predecessors(String functionId) {
        Map<String, Double> result = new java.util.HashMap<>();
        for (String f : functions()) {
            Double p = followers(f).get(functionId);
            if (p != null) {
                result.put(f, p);
            }
        }
        return result;
    }

    /**
     * The predecessors of {@code functionId} whose latest invocation is still <em>pending</em> at
     * {@code nowMillis}: it happened within {@link #coOccurrenceWindowMillis()} before now and
     * {@code functionId} has not run since. This is what a chain predictor needs on the hot path;
     * implementations answer it from recent activity without visiting every predecessor. Additive:
     * the default filters {@link #predecessors(String)}.
     */
    default Map<String, Double> pendingPredecessors(String functionId, long nowMillis) {
        FunctionProfile f = profile(functionId);
        long since = f == null ? Long.MIN_VALUE : f.lastSeenMillis();
        Map<String, Double> result = new java.util.HashMap<>();
        for (Map.Entry<String, Double> e : predecessors(functionId).entrySet()) {
            FunctionProfile g = profile(e.getKey());
            if (g != null && g.lastSeenMillis() >= since && g.lastSeenMillis() <= nowMillis
                    && nowMillis - g.lastSeenMillis() < coOccurrenceWindowMillis()) {
                result.put(e.getKey(), e.getValue());
            }
        }
        return result;
    }

    /** The most recent invocation seen by the profiler, or null before the first. */
    InvocationEvent lastEvent();
}

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

    /** The most recent invocation seen by the profiler, or null before the first. */
    InvocationEvent lastEvent();
}

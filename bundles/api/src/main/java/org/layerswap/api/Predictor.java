package org.layerswap.api;

/**
 * A pluggable prediction algorithm. Registered as an OSGi service with a {@value #NAME_PROPERTY}
 * property; the profiler uses the one named by its {@code predictor} setting and otherwise the
 * highest {@code service.ranking}.
 */
public interface Predictor {

    /** Service property carrying {@link #name()}. */
    String NAME_PROPERTY = "name";

    String name();

    /**
     * Probability in [0, 1] that {@code functionId} is invoked within {@code (now, now + window]}.
     * Called on the scoring path: must be fast, thread-safe and free of side effects.
     */
    double probability(ProfileView view, String functionId, long nowMillis, long windowMillis);

    /**
     * Sees every event after the profiler has updated its view. Runs on the ingest path: must not
     * block; predictors that train (e.g. neural models) queue work for a background thread.
     */
    default void observe(InvocationEvent event, ProfileView view) {
    }

    /**
     * When {@code functionId} is predicted to run next, or null when this predictor does not say
     * (the default). Additive: the swap manager's next-use eviction and just-in-time prefetch use it
     * when present and the profiler's own next-use model otherwise. Same rules as
     * {@link #probability}: fast, thread-safe, no side effects.
     */
    default NextUse nextUse(ProfileView view, String functionId, long nowMillis) {
        return null;
    }
}

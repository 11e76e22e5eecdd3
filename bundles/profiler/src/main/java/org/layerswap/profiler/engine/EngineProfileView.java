package org.layerswap.profiler.engine;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.ProfileView;

/**
 * The engine's {@link ProfileView}: what predictors read while the engine scores, called under the
 * engine lock, answering from the live profiles without copying (profiles are the engine's own
 * {@link FunctionStats}; co-occurrence queries go to the {@link CoOccurrenceIndex}). Outside callers get
 * it wrapped in a {@link LockedProfileView}.
 *
 * <p>Invariant: only ever called with the engine lock held, and never retained by a predictor beyond
 * the call it was passed to.
 */
final class EngineProfileView implements ProfileView {

    private final Map<String, FunctionStats> stats;
    private final CoOccurrenceIndex coOccurrence;
    private final Supplier<ProfilerSettings> settings;
    private final LongSupplier now;
    private final Supplier<InvocationEvent> lastEvent;

    /**
     * @param stats        the engine's profiles by function id
     * @param coOccurrence the engine's co-occurrence index
     * @param settings     the current settings
     * @param now          the engine's scoring clock (called under the lock)
     * @param lastEvent    the latest event recorded
     */
    EngineProfileView(Map<String, FunctionStats> stats, CoOccurrenceIndex coOccurrence, Supplier<ProfilerSettings> settings,
                      LongSupplier now, Supplier<InvocationEvent> lastEvent) {
        this.stats = stats;
        this.coOccurrence = coOccurrence;
        this.settings = settings;
        this.now = now;
        this.lastEvent = lastEvent;
    }

    /** The live profile (not a copy), or null. */
    FunctionStats stats(String functionId) {
        return stats.get(functionId);
    }

    @Override
    public FunctionProfile profile(String functionId) {
        return stats.get(functionId);
    }

    @Override
    public Collection<String> functions() {
        return Collections.unmodifiableSet(stats.keySet());
    }

    @Override
    public Map<String, Double> followers(String functionId) {
        return coOccurrence.followers(stats.get(functionId), now.getAsLong(), settings.get());
    }

    @Override
    public Map<String, Double> predecessors(String functionId) {
        return coOccurrence.predecessors(stats.get(functionId), now.getAsLong(), settings.get());
    }

    /** Scans only the recency list (functions invoked within the window, newest first). */
    @Override
    public Map<String, Double> pendingPredecessors(String functionId, long nowMillis) {
        return coOccurrence.pendingPredecessors(stats.get(functionId), nowMillis, settings.get());
    }

    @Override
    public long coOccurrenceWindowMillis() {
        return settings.get().coOccurrenceWindowMillis();
    }

    @Override
    public InvocationEvent lastEvent() {
        return lastEvent.get();
    }
}

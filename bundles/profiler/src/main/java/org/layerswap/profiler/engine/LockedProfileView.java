package org.layerswap.profiler.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.ProfileView;

/**
 * The {@link ProfileView} handed to callers outside the engine ({@code BehavioralProfiler.profiles()}):
 * every call takes the engine lock and returns detached values (profiles are copies without
 * co-occurrence links), so callers may keep them while the engine goes on learning.
 *
 * <p>Invariant: every method of {@link ProfileView} that reads engine state is overridden here to lock
 * and delegate to the {@link EngineProfileView}; a method added to the api must be added here too, or
 * its default runs on top of these locked calls (correct, but not atomic).
 */
final class LockedProfileView implements ProfileView {

    private final Object lock;
    private final EngineProfileView inner;

    LockedProfileView(Object lock, EngineProfileView inner) {
        this.lock = lock;
        this.inner = inner;
    }

    @Override
    public FunctionProfile profile(String functionId) {
        synchronized (lock) {
            FunctionStats f = inner.stats(functionId);
            return f == null ? null : f.copy();
        }
    }

    @Override
    public Collection<String> functions() {
        synchronized (lock) {
            return List.copyOf(inner.functions());
        }
    }

    @Override
    public Map<String, Double> followers(String functionId) {
        synchronized (lock) {
            return inner.followers(functionId);
        }
    }

    @Override
    public Map<String, Double> predecessors(String functionId) {
        synchronized (lock) {
            return inner.predecessors(functionId);
        }
    }

    @Override
    public Map<String, Double> pendingPredecessors(String functionId, long nowMillis) {
        synchronized (lock) {
            return inner.pendingPredecessors(functionId, nowMillis);
        }
    }

    @Override
    public long coOccurrenceWindowMillis() {
        return inner.coOccurrenceWindowMillis();
    }

    @Override
    public InvocationEvent lastEvent() {
        synchronized (lock) {
            return inner.lastEvent();
        }
    }
}

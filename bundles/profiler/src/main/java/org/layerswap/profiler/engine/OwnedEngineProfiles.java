package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.ProfilePartitioning;
import org.layerswap.api.ProfilePartitioning.FunctionEstimate;

/**
 * The engine as the cluster sees it ({@link ProfilePartitioning.OwnedProfiles}): events of owned functions are
 * recorded as any event; states travel as {@link SnapshotCodec} bytes of one-function snapshots ({@link SnapshotMerge}).
 * Adopting and dropping restore the whole engine once per call (a partition move, never per event); the lock that
 * serialises them keeps two adoptions from losing each other's functions. Bad bytes are refused whole, naming the
 * function's position, before anything changes. The cluster calls {@link #record}, {@link #adopt} and {@link #drop} under
 * one lock of its own, so no event lands between an adoption's snapshot and its restore.
 */
public final class OwnedEngineProfiles implements ProfilePartitioning.OwnedProfiles {

    private final ProfilerEngine engine;
    private final Object restoreLock = new Object();

    public OwnedEngineProfiles(ProfilerEngine engine) {
        this.engine = engine;
    }

    @Override
    public void record(InvocationEvent event) {
        engine.record(event);
    }

    @Override
    public Map<String, byte[]> export(Collection<String> functionIds) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        SnapshotMerge.split(engine.snapshot(), new HashSet<>(functionIds)).forEach((id, s) -> out.put(id, SnapshotCodec.encode(s)));
        return out;
    }

    @Override
    public void adopt(Collection<byte[]> states) {
        List<ProfileSnapshot> decoded = new ArrayList<>(states.size());
        int i = 0;
        for (byte[] b : states) {
            try {
                decoded.add(SnapshotCodec.decode(b, "adopted state #" + i++));
            } catch (SnapshotException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        if (decoded.isEmpty()) {
            return;
        }
        synchronized (restoreLock) {
            engine.restore(SnapshotMerge.merge(engine.snapshot(), decoded));
        }
    }

    @Override
    public void drop(Collection<String> functionIds) {
        if (functionIds.isEmpty()) {
            return;
        }
        synchronized (restoreLock) {
            engine.restore(SnapshotMerge.without(engine.snapshot(), new HashSet<>(functionIds)));
        }
    }

    @Override
    public FunctionEstimate estimate(String functionId, long nowMillis) {
        FunctionProfile p = engine.profiles().profile(functionId);
        if (p == null) {
            return null;
        }
        return new FunctionEstimate(functionId, "", p.invocationCount(), engine.functionProbability(functionId, nowMillis),
                engine.nextUse(functionId, nowMillis), nowMillis);
    }
}

package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Map;

/**
 * Bounds the profiles of functions that are not in the function-layer map ("unknown": anything an event
 * names, e.g. random ids from a hostile ingest client), so that memory stays proportional to
 * {@link ProfilerSettings#maxTrackedFunctions()} plus the map. Mapped ("defined") functions are never
 * evicted and not counted.
 *
 * <p><b>Victims</b> are the least recently seen unknown functions: the recency list of
 * {@link CoOccurrenceIndex} holds every profile, newest first, never-invoked ones at the tail, so they
 * are taken from its tail (mapped functions passed over).
 *
 * <p><b>Cost.</b> Eviction runs only when a new unknown function would exceed the cap, and then evicts
 * a batch ({@code cap/8}, at least one) and purges every co-occurrence row of the victims in one pass
 * over the profiles: O(profiles x maxFollowers) per batch, so O(8 x maxFollowers) amortised per new
 * function (there is no reverse index of rows to purge only theirs: it would cost memory and ingest
 * time on every row change), and nothing at all on the steady-state path (events of known functions).
 *
 * <p><b>Invariants kept</b> (under the engine lock): afterwards no row names a victim and every
 * {@code inRows} counts the rows that contain its function ({@link CoOccurrenceIndex}); a victim is in
 * neither the profile map nor the recency list; a victim's scoring node, if it had one (a parameter
 * model), is unbound from its layers and removed ({@link LayerScores}).
 */
final class FunctionEviction {

    /** A batch evicts 1/8 of the cap: the tracked count moves between 7/8 of the cap and the cap. */
    static final int BATCH_DIVISOR = 8;

    private final Map<String, FunctionStats> stats;
    private final CoOccurrenceIndex index;
    private final LayerScores layers;
    /** Victims of the running batch (reused: no allocation once grown). */
    private final ArrayList<FunctionStats> victims = new ArrayList<>();
    /** Profiles whose function the layer map names. */
    private int mapped;
    /** Written under the engine lock only (one writer); read by anyone. */
    private volatile long evicted;

    FunctionEviction(Map<String, FunctionStats> stats, CoOccurrenceIndex index, LayerScores layers) {
        this.stats = stats;
        this.index = index;
        this.layers = layers;
    }

    /** Profiles of functions the layer map does not name. */
    int unknown() {
        return stats.size() - mapped;
    }

    /** Functions evicted so far. */
    long evicted() {
        return evicted;
    }

    /**
     * A new profile for {@code id} (not tracked yet): in the map, at the tail of the recency list, linked
     * to its scoring node when one waits for it. An unmapped one first makes room: afterwards at most
     * {@code maxTrackedFunctions} unmapped functions are tracked.
     */
    FunctionStats track(String id, ProfilerSettings s) {
        boolean isMapped = layers.layerMap().contains(id);
        if (!isMapped && unknown() >= s.maxTrackedFunctions()) {
            trimTo(s.maxTrackedFunctions() - Math.max(1, s.maxTrackedFunctions() / BATCH_DIVISOR));
        }
        FunctionStats f = new FunctionStats(id, s.rateHalfLifeMillis() / Math.log(2));
        stats.put(id, f);
        if (isMapped) {
            mapped++;
        }
        index.appendOldest(f);
        layers.linkNew(f);
        return f;
    }

    /** Recounts the mapped profiles (after the layer map or every profile was replaced), then trims to {@code cap}. */
    void recount(int cap) {
        int n = 0;
        for (String fn : layers.layerMap().functions()) {
            if (stats.containsKey(fn)) {
                n++;
            }
        }
        mapped = n;
        trimTo(cap);
    }

    /** Evicts least recently seen unknown functions until at most {@code target} (>= 0) remain. */
    void trimTo(int target) {
        int excess = unknown() - Math.max(0, target);
        if (excess <= 0) {
            return;
        }
        for (FunctionStats g = index.leastRecent(); g != null && victims.size() < excess; g = g.newer) {
            if (!layers.layerMap().contains(g.id)) {
                g.evicted = true;
                victims.add(g);
            }
        }
        for (FunctionStats v : victims) {
            for (int k = 0; k < v.followCount; k++) {
                v.followTargets[k].inRows--;
            }
        }
        for (FunctionStats f : stats.values()) {
            if (!f.evicted) {
                for (int k = f.followCount - 1; k >= 0; k--) {
                    if (f.followTargets[k].evicted) {
                        f.removeFollower(k); // the last entry, already checked, moves into k
                    }
                }
            }
        }
        for (FunctionStats v : victims) {
            index.unlinkRecent(v);
            stats.remove(v.id);
            if (v.score != null) {
                layers.drop(v.score);
            }
        }
        evicted += victims.size();
        victims.clear();
    }
}

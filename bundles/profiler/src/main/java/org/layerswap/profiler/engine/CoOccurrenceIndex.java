package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cross-function model, "B follows A within the co-occurrence window Δ": per function A a row of
 * decayed counts (A's invocations, and per follower B the invocations of A that B followed), stored in
 * A's {@link FunctionStats}, plus the recency list of functions ordered by their latest invocation.
 *
 * <p><b>Decay without touching entries.</b> A count added at time t is stored multiplied by
 * {@code scale(t) = 2^((t - scaleRef)/H)} (H the half-life), so all stored values share one scale and
 * ratios, comparisons and sums need no decay at all; the actual value at time x is
 * {@code stored / scale(x)}. When the scale grows huge everything is re-based
 * ({@link #renormalise}, every ~500 half-lives).
 *
 * <p><b>Invariants</b> (all under the engine lock; nothing here is thread-safe):
 * <ul>
 *   <li>every stored co-occurrence value ({@code triggerScaled}, {@code lastScale}, {@code followValues})
 *       equals its actual decayed value times {@code scaleAt(now)} for the current {@code scaleRef};</li>
 *   <li>an owner's invocation is credited to a follower at most once ({@code followCredited[k] == last}
 *       once credited);</li>
 *   <li>a row holds at most {@code maxFollowers} entries (a restored row keeps its snapshot size), and
 *       {@code inRows} of a function counts the rows that contain it;</li>
 *   <li>the recency list holds every profile once, ordered by latest in-order invocation, newest
 *       first; profiles never invoked ({@code last < 0}) sit at its tail, so the tail is the least
 *       recently seen function ({@link FunctionEviction} takes its victims from there).</li>
 * </ul>
 * {@link #onInvocation} is on the ingest path: no allocation, bounded work ({@code maxRecentScan}
 * predecessors, rows of {@code maxFollowers}).
 */
final class CoOccurrenceIndex {

    private static final long ADMISSION_SEED = 0x9E3779B97F4A7C15L;

    /** The engine's profiles (a live view): re-based together with the stored values. */
    private final Map<String, FunctionStats> functions;
    private double scaleRef;
    private double ln2OverHalfLife;
    /** xorshift state of the row admission draw (deterministic, so replays are reproducible). */
    private long admission = ADMISSION_SEED;
    /** Recency list: functions ordered by last invocation, most recent first. */
    private FunctionStats recentHead;
    private FunctionStats recentTail;

    /**
     * @param functions      the engine's profiles by id (read, never modified here)
     * @param halfLifeMillis half-life H of the co-occurrence counts
     */
    CoOccurrenceIndex(Map<String, FunctionStats> functions, long halfLifeMillis) {
        this.functions = functions;
        this.ln2OverHalfLife = Math.log(2) / halfLifeMillis;
    }

    // ------------------------------------------------------------------ scale

    /** {@code 2^((t - scaleRef)/H)}: stored values divided by this are actual values as of t. */
    double scaleAt(long t) {
        return Math.exp((t - scaleRef) * ln2OverHalfLife);
    }

    private double scale(long t) {
        double sc = scaleAt(t);
        if (sc > 1e150) {
            renormalise(t);
            sc = 1.0;
        }
        return sc;
    }

    /** Re-expresses every stored value relative to {@code t} (and the current half-life). */
    void renormalise(long t) {
        double factor = Math.exp(-(t - scaleRef) * ln2OverHalfLife);
        for (FunctionStats f : functions.values()) {
            f.triggerScaled *= factor;
            f.lastScale *= factor;
            for (int k = 0; k < f.followCount; k++) {
                f.followValues[k] *= factor;
            }
        }
        scaleRef = t;
    }

    /** Stored values keep their actual values as of {@code now} and decay with the new half-life from then on. */
    void changeHalfLife(long now, long halfLifeMillis) {
        renormalise(now);
        ln2OverHalfLife = Math.log(2) / halfLifeMillis;
    }

    /** Empties the recency list and re-bases at {@code t}: the profiles are about to be replaced. */
    void reset(long t, long halfLifeMillis) {
        recentHead = null;
        recentTail = null;
        scaleRef = t;
        ln2OverHalfLife = Math.log(2) / halfLifeMillis;
    }

    // ------------------------------------------------------------------ ingest

    /**
     * Learns from {@code f}'s invocation at {@code t}, which must be in order (not older than f's
     * previous latest invocation): credits "f follows g" to every recently active g within Δ, counts
     * the invocation in f's own row and moves f to the head of the recency list.
     */
    void onInvocation(FunctionStats f, long t, ProfilerSettings s) {
        double sc = scale(t);
        creditPredecessors(f, t, sc, s);
        f.triggerScaled += sc;
        f.lastScale = sc;
        touchRecent(f);
    }

    /** Credits "f follows g" for every g invoked within the co-occurrence window before {@code t}. */
    private void creditPredecessors(FunctionStats f, long t, double sc, ProfilerSettings s) {
        long since = t - s.coOccurrenceWindowMillis();
        int scanned = 0;
        int max = s.maxFollowers();
        for (FunctionStats g = recentHead; g != null && scanned < s.maxRecentScan(); g = g.older) {
            if (g == f) {
                continue;
            }
            if (g.last < since || g.last < 0) {
                break;
            }
            scanned++;
            int k = g.followerIndex(f);
            if (k < 0) {
                if (g.followCount >= max && !admitIntoFullRow(g, sc)) {
                    continue;
                }
                k = g.addFollower(f, max);
                f.inRows++;
            }
            if (g.followCredited[k] != g.last) {
                g.followValues[k] += sc;
                g.followCredited[k] = g.last;
            }
        }
    }

    /**
     * A newcomer may take a full row's weakest slot with probability 1/(1 + weakest's decayed count):
     * a real follower, credited on every invocation of g, gets in after a few tries, while passers-by in
     * a busy system do not evict each other on every event (the index churn that would cost most of
     * the ingest time). Deterministic (seeded xorshift), so replays are reproducible.
     */
    private boolean admitIntoFullRow(FunctionStats g, double sc) {
        double[] v = g.followValues;
        int weakest = 0;
        for (int k = 1, n = g.followCount; k < n; k++) {
            if (v[k] < v[weakest]) {
                weakest = k;
            }
        }
        double weakestCount = v[weakest] / sc;
        long x = admission;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        admission = x;
        double u = (x >>> 11) * 0x1.0p-53;
        if (u * (1.0 + weakestCount) >= 1.0) {
            return false;
        }
        g.removeFollower(weakest).inRows--;
        return true;
    }

    private void touchRecent(FunctionStats f) {
        if (recentHead == f) {
            return;
        }
        unlinkRecent(f);
        f.newer = null;
        f.older = recentHead;
        if (recentHead != null) {
            recentHead.newer = f;
        }
        recentHead = f;
        if (recentTail == null) {
            recentTail = f;
        }
        f.inRecency = true;
    }

    /** Takes {@code f} out of the recency list (no-op when it is not in it). */
    void unlinkRecent(FunctionStats f) {
        if (!f.inRecency) {
            return;
        }
        if (f.newer != null) {
            f.newer.older = f.older;
        } else {
            recentHead = f.older;
        }
        if (f.older != null) {
            f.older.newer = f.newer;
        } else {
            recentTail = f.newer;
        }
        f.newer = null;
        f.older = null;
        f.inRecency = false;
    }

    /** Adds a profile that has no invocation yet at the tail (the oldest end) of the recency list. */
    void appendOldest(FunctionStats f) {
        if (f.inRecency) {
            return;
        }
        f.older = null;
        f.newer = recentTail;
        if (recentTail != null) {
            recentTail.older = f;
        }
        recentTail = f;
        if (recentHead == null) {
            recentHead = f;
        }
        f.inRecency = true;
    }

    /** The tail of the recency list: the least recently seen profile (null when there is none). */
    FunctionStats leastRecent() {
        return recentTail;
    }

    /** Rebuilds the recency list from the profiles' latest invocations (after a restore). */
    void rebuildRecency() {
        List<FunctionStats> byLast = new ArrayList<>(functions.values());
        byLast.sort((a, b) -> Long.compare(a.last, b.last));
        for (FunctionStats f : byLast) {
            f.inRecency = false;
            f.newer = null;
            f.older = null;
            touchRecent(f);
        }
    }

    // ------------------------------------------------------------------ queries

    /**
     * P(target follows one invocation of owner within the window): decayed credited follows over decayed
     * invocations of owner, not counting owner's latest invocation while it is still open (within the
     * window and not yet followed by target), which would otherwise bias the estimate low right after
     * every invocation, exactly when it matters. Both terms share the global scale: no decay needed.
     */
    double followProbability(FunctionStats owner, int k, long now, ProfilerSettings s) {
        double den = owner.triggerScaled;
        if (owner.followCredited[k] != owner.last && now - owner.last < s.coOccurrenceWindowMillis()) {
            den -= owner.lastScale;
        }
        if (den <= 0) {
            return 0;
        }
        double p = owner.followValues[k] / den;
        return p < 1.0 ? p : 1.0;
    }

    /** f's followers at or above {@code minFollowerProbability}, with their follow probabilities. */
    Map<String, Double> followers(FunctionStats f, long now, ProfilerSettings s) {
        if (f == null || f.followCount == 0) {
            return Map.of();
        }
        Map<String, Double> out = new HashMap<>();
        for (int k = 0; k < f.followCount; k++) {
            double p = followProbability(f, k, now, s);
            if (p >= s.minFollowerProbability()) {
                out.put(f.followTargets[k].id, p);
            }
        }
        return out;
    }

    /** Visits every row (O(functions x row size)): not for the hot path, see {@link #pendingPredecessors}. */
    Map<String, Double> predecessors(FunctionStats f, long now, ProfilerSettings s) {
        if (f == null || f.inRows == 0) {
            return Map.of();
        }
        Map<String, Double> out = new HashMap<>();
        for (FunctionStats g : functions.values()) {
            int k = g.followerIndex(f);
            if (k >= 0) {
                double p = followProbability(g, k, now, s);
                if (p >= s.minFollowerProbability()) {
                    out.put(g.id, p);
                }
            }
        }
        return out;
    }

    /**
     * Predecessors of f whose latest invocation is still pending at {@code now} (within Δ, f not run
     * since): scans only the recency list, newest first, at most {@code maxRecentScan} entries.
     */
    Map<String, Double> pendingPredecessors(FunctionStats f, long now, ProfilerSettings s) {
        if (f == null || f.inRows == 0) {
            return Map.of();
        }
        long since = now - s.coOccurrenceWindowMillis();
        Map<String, Double> out = null;
        int scanned = 0;
        for (FunctionStats g = recentHead; g != null && scanned < s.maxRecentScan(); g = g.older) {
            if (g.last <= since || g.last < f.last || g.last < 0) {
                break; // sorted newest first: nothing older can be pending
            }
            if (g == f) {
                continue;
            }
            scanned++;
            if (g.last > now) {
                continue;
            }
            int k = g.followerIndex(f);
            if (k >= 0) {
                double p = followProbability(g, k, now, s);
                if (p >= s.minFollowerProbability()) {
                    if (out == null) {
                        out = new HashMap<>(4);
                    }
                    out.put(g.id, p);
                }
            }
        }
        return out == null ? Map.of() : out;
    }
}

package org.layerswap.swap;

import java.util.Arrays;

/**
 * Each layer's predicted next use as {@link NextUsePlanning} keeps it (issue 13), absolute ms: the earliest median next
 * use over the {@linkplain NextUsePlanning.Node#local local} functions whose base stack holds it, set for every layer at
 * each tick ({@link #refresh}), lowered by a run ({@link #ran}), the data-layer rules and a prefetch's need
 * ({@link #array}). Once it has passed it is recounted over its functions when read ({@link #at}); when none predicts a
 * later use it is now + the time since the layer's last use (LRU-like); {@code Long.MAX_VALUE} when no local function
 * uses it.
 * <p>
 * A shared layer (the base of thousands of functions) that has passed ranks by an upper bound until the eviction order
 * needs it exactly ({@link #atMost}, {@link EvictionRanking}): the median of the function its last recount found
 * soonest, or its idle time. The recounts were a third of a thrashing node's time (20 copies of the Azure day in 20 GB).
 * A run leaves such a layer passed, to be recounted, instead of setting it to the median of the function that ran (the
 * other functions may run sooner). Not thread-safe (the planning's thread).
 */
final class LayerNextUse implements EvictionRanking.NextUse {

    private final NextUsePlanning.Node node;
    private final NextUseSource source;
    private final FunctionPredictions predictions;
    private long[] next = {};
    /**
     * Per layer, the function the last recount, run or tick found soonest (-1: none yet): one of its users, as of the
     * last tick at least (a live function whose stack changed in between gives a wrong bound for one interval at most).
     */
    private int[] soonest = {};
    /** The planning's last use per layer (its array, handed over again at every resize). */
    private long[] lastUse = {};

    LayerNextUse(NextUsePlanning.Node node, NextUseSource source, FunctionPredictions predictions) {
        this.node = node;
        this.source = source;
        this.predictions = predictions;
    }

    /** Grows to {@code layers} (new ones: not needed, {@code Long.MAX_VALUE}); {@code lastUse} is the planning's array. */
    void resize(int layers, long[] lastUse) {
        this.lastUse = lastUse;
        int old = next.length;
        if (layers > old) {
            next = Arrays.copyOf(next, layers);
            Arrays.fill(next, old, layers, Long.MAX_VALUE);
            soonest = Arrays.copyOf(soonest, layers);
            Arrays.fill(soonest, old, layers, -1);
        }
    }

    /** The next uses themselves, for the rules that lower them in place (valid until the next {@link #resize}). */
    long[] array() {
        return next;
    }

    /** Every layer's next use from its local functions' current medians (a tick). */
    void refresh(int layers) {
        for (int l = 0; l < layers; l++) {
            long m = Long.MAX_VALUE;
            for (int f : node.functionsUsing(l)) {
                if (node.local(f) && predictions.median(f) < m) {
                    m = predictions.median(f);
                    soonest[l] = f;
                }
            }
            next[l] = m;
        }
    }

    /** Local function {@code f} ran at {@code t} and now predicts {@code median}: its layers' next use lowered to it. */
    void ran(int f, long t, long median) {
        for (int l : node.layersOf(f)) {
            if (next[l] > t ? median < next[l] : node.functionsUsing(l).length < 2) { // a passed shared one: recounted
                next[l] = median;
                soonest[l] = f;
            }
        }
    }

    /** Layer {@code l}'s next use at {@code now} (see the class comment): recounted when it has passed. */
    @Override
    public long at(int l, long now) {
        if (next[l] <= now) {
            long m = Long.MAX_VALUE;
            for (int f : node.functionsUsing(l)) {
                if (node.local(f) && source.lastSeen(f) != Long.MIN_VALUE) {
                    long fm = predictions.medianAt(f, now);
                    if (fm < m) {
                        m = fm;
                        soonest[l] = f;
                    }
                }
            }
            if (m > now && m != Long.MAX_VALUE) {
                next[l] = m;
                return m;
            }
            return now + Math.max(0, now - lastUse[l]);
        }
        return next[l];
    }

    /**
     * At least {@link #at}: for a passed layer several functions use, the larger of its soonest function's median and
     * now + its idle time ({@code at} is the min over the functions, or that idle time); otherwise {@code at} itself.
     */
    @Override
    public long atMost(int l, long now) {
        int f = soonest[l];
        if (next[l] > now || f < 0 || node.functionsUsing(l).length < 2 || !node.local(f)
                || source.lastSeen(f) == Long.MIN_VALUE) {
            return at(l, now);
        }
        return Math.max(predictions.medianAt(f, now), now + Math.max(0, now - lastUse[l]));
    }

    @Override
    public boolean known(int l, long now) {
        return next[l] > now;
    }
}

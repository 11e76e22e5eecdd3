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
    /** Per layer, where in its users the last recount that stopped early stopped ({@link #atOrBelow}). */
    private int[] scanFrom = {};
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
            scanFrom = Arrays.copyOf(scanFrom, layers);
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
        return next[l] <= now ? recount(l, now, null) : next[l];
    }

    /**
     * {@link #at}, but a recount stops at the first function whose median, with the layer's idle time, already keeps it
     * below the floor: the users are read from where the last stopped recount stopped (a frequent function stops the
     * next one early too). Such a layer stays passed, its bound that function's. A shared base layer's recount reads
     * thousands of functions; on 20 copies of the Azure day in 20 GB they were 590 M of the 624 M medians read.
     */
    @Override
    public long atOrBelow(int l, long now, EvictionRanking.Below below) {
        return next[l] <= now ? recount(l, now, below) : next[l];
    }

    private long recount(int l, long now, EvictionRanking.Below below) {
        int[] users = node.functionsUsing(l);
        long idle = now + Math.max(0, now - lastUse[l]);
        int n = users.length;
        int from = below == null || scanFrom[l] >= n ? 0 : scanFrom[l];
        long m = Long.MAX_VALUE;
        int mf = -1;
        for (int i = 0, j = from; i < n; i++, j = j + 1 == n ? 0 : j + 1) {
            int f = users[j];
            if (node.local(f) && source.lastSeen(f) != Long.MIN_VALUE) {
                long fm = predictions.medianAt(f, now);
                if (fm < m) {
                    m = fm;
                    mf = f;
                    if (below != null && below.test(Math.max(m, idle))) { // at <= max(m, idle): see atMost
                        soonest[l] = f;
                        scanFrom[l] = j;
                        below.stop();
                        return Math.max(m, idle);
                    }
                }
            }
        }
        if (mf >= 0) {
            soonest[l] = mf;
        }
        if (m > now && m != Long.MAX_VALUE) {
            next[l] = m;
            return m;
        }
        return idle;
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

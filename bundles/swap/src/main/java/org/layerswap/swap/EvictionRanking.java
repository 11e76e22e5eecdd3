package org.layerswap.swap;

import java.util.Arrays;

/**
 * The node's eviction order over its resident layers (issue 13), as {@link NextUsePlanning} asks it: a layer's key is
 * the space-time key of its next use ({@link NextUseEvictionPlanner#key}), times {@link BrokenStacks#weight} when every
 * function using it already misses another of its layers; larger keys are evicted first.
 * <p>
 * Each public question is ONE ranking pass ({@link BrokenStacks#beginScan}): the node's residency and fetches are taken
 * as unchanged during it, so each function's missing layers are counted once per pass, not once per key.
 * Invariant: {@link #resident} holds exactly the layers the planning inserted and has not evicted since. Not
 * thread-safe (the planning's thread).
 */
final class EvictionRanking {

    /** A layer's predicted next use, absolute ms ({@link NextUsePlanning#nextOf}). */
    @FunctionalInterface
    interface NextUse {
        long at(int layer, long now);
    }

    private final NextUsePlanning.Node node;
    private final NextUseEvictionPlanner evictor;
    private final BrokenStacks broken;
    private final NextUse nextUse;
    private final ResidentSet resident = new ResidentSet();
    private double bestKey;
    /** Key per layer from the last {@link #best} pass (NaN: pinned then); valid for the layers resident then. */
    private double[] cached = new double[0];
    private long[] stamp = new long[0];
    private long pass;

    EvictionRanking(NextUsePlanning.Node node, NextUseEvictionPlanner evictor, BrokenStacks broken, NextUse nextUse) {
        this.node = node;
        this.evictor = evictor;
        this.broken = broken;
        this.nextUse = nextUse;
    }

    /** Grows the per-layer state, the resident set's included, to {@code layers}. */
    void resize(int layers) {
        resident.resize(layers);
        if (layers > cached.length) {
            cached = Arrays.copyOf(cached, layers);
            stamp = Arrays.copyOf(stamp, layers);
        }
    }

    ResidentSet resident() {
        return resident;
    }

    /** Layer {@code l}'s key at {@code now}, in a pass of its own. */
    double key(int l, long now) {
        broken.beginScan();
        return keyInPass(l, now);
    }

    /** Every resident layer's key at {@code now} (pinned ones included), in one pass. */
    void keys(long now, NextUsePlanning.KeyConsumer out) {
        broken.beginScan();
        for (int i = 0; i < resident.size(); i++) {
            int l = resident.get(i);
            out.accept(l, keyInPass(l, now));
        }
    }

    /**
     * {@code need} minus the bytes of the unpinned resident layers whose key exceeds {@code incomingKey} (the ones an
     * incoming layer with that key may displace), in one pass; the scan stops once the result is at most 0.
     */
    long uncovered(long need, double incomingKey, long now) {
        broken.beginScan();
        for (int i = 0; i < resident.size() && need > 0; i++) {
            int v = resident.get(i);
            if (!node.pinned(v) && keyInPass(v, now) > incomingKey) {
                need -= node.sizeBytes(v);
            }
        }
        return need;
    }

    /**
     * The unpinned resident layer with the largest key at {@code now} (ties: the older {@code lastUse}), -1 when none;
     * its key is then {@link #bestKey()}.
     */
    int best(long now, long[] lastUse) {
        broken.beginScan();
        int best = -1;
        double top = -1;
        // ranks and picks in one sweep; bestAfter's sweep repeats the pick on purpose: one loop shared behind a flag
        // measured 30-40 % slower on 10 copies of the day (session 11)
        for (int i = 0; i < resident.size(); i++) {
            int l = resident.get(i);
            if (node.pinned(l)) {
                cached[l] = Double.NaN;
                continue;
            }
            double key = keyInPass(l, now);
            cached[l] = key;
            if (key > top || (key == top && lastUse[l] < lastUse[best])) {
                best = l;
                top = key;
            }
        }
        bestKey = top;
        return best;
    }

    /**
     * {@link #best} again at the same {@code now}, when the only change since the last {@link #best} or
     * {@code bestAfter} is that its answer, {@code evicted}, left the node: only the layers sharing a function with
     * it can have another key (their functions' missing counts changed), so only those are ranked again; the answer
     * is the one a full pass would give, side effects included (every other key, and who was seen broken, is
     * unchanged). A make-room loop evicting several victims at one instant thus pays one full pass.
     */
    int bestAfter(int evicted, long now, long[] lastUse) {
        pass++;
        int[] users = node.functionsUsing(evicted);
        for (int f : users) {
            broken.forget(f);
        }
        for (int f : users) {
            for (int l : node.layersOf(f)) {
                if (stamp[l] != pass && resident.contains(l)) {
                    stamp[l] = pass;
                    cached[l] = node.pinned(l) ? Double.NaN : keyInPass(l, now);
                }
            }
        }
        int best = -1;
        double top = -1;
        for (int i = 0; i < resident.size(); i++) {
            int l = resident.get(i);
            double key = cached[l];
            if (key < top) { // loses to the best so far, pinned or not: its pin need not be read (false for NaN)
                continue;
            }
            if (node.pinned(l)) {
                continue;
            }
            if (Double.isNaN(key)) { // unpinned since the pass: ranked now, as a full pass would
                key = keyInPass(l, now);
                cached[l] = key;
            }
            if (key > top || (key == top && lastUse[l] < lastUse[best])) {
                best = l;
                top = key;
            }
        }
        bestKey = top;
        return best;
    }

    /** The key of the layer {@link #best} would return at {@code now}, -1 when none is evictable. */
    double nextVictimKey(long now, long[] lastUse) {
        return best(now, lastUse) < 0 ? -1 : bestKey;
    }

    /** The key of the layer the last {@link #best} returned (-1 when it returned none). */
    double bestKey() {
        return bestKey;
    }

    private double keyInPass(int l, long now) {
        double k = evictor.key(nextUse.at(l, now), now, node.sizeBytes(l));
        return broken.allUsersBroken(l) ? k * broken.weight() : k;
    }
}

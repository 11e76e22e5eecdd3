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

        /** A cheap upper bound of {@link #at} ({@link LayerNextUse#atMost}); by default {@code at} itself. */
        default long atMost(int layer, long now) {
            return at(layer, now);
        }

        /** Whether {@link #at} is known without a recount (then {@link #atMost} is it); by default always. */
        default boolean known(int layer, long now) {
            return true;
        }

        /**
         * {@link #at}, or an upper bound of it that {@code below} accepts, when a recount can tell before its end that
         * the layer ranks below a floor; it then calls {@link Below#stop}. By default {@code at} itself.
         */
        default long atOrBelow(int layer, long now, Below below) {
            return at(layer, now);
        }
    }

    /**
     * Whether a next use gives the layer being recounted a key below the floor it must reach to matter (a victim pass:
     * strictly below the best key so far; the bytes above an incoming key: at most that key). One per ranking, reused.
     */
    static final class Below {
        private final NextUseEvictionPlanner evictor;
        private long now;
        private long size;
        private double weight;
        private double floor;
        private boolean inclusive;
        boolean stopped;

        Below(NextUseEvictionPlanner evictor) {
            this.evictor = evictor;
        }

        void set(long now, long size, double weight, double floor, boolean inclusive) {
            this.now = now;
            this.size = size;
            this.weight = weight;
            this.floor = floor;
            this.inclusive = inclusive;
            this.stopped = false;
        }

        /** Whether a next use at {@code t} or sooner keeps the layer below the floor (keys grow with the next use). */
        boolean test(long t) {
            double key = evictor.key(t, now, size) * weight;
            return inclusive ? key <= floor : key < floor;
        }

        /** The recount stopped early: the value it returns is a bound, not the next use. */
        void stop() {
            stopped = true;
        }
    }

    /** Layers a pass shortlists for the victims chained after it ({@link #bestAfter}). */
    static final int SHORTLIST = 16;

    private final NextUsePlanning.Node node;
    private final NextUseEvictionPlanner evictor;
    private final BrokenStacks broken;
    private final NextUse nextUse;
    private final ResidentSet resident = new ResidentSet();
    private double bestKey;
    /**
     * Key per layer from the last {@link #best} pass (NaN: pinned then); valid for the layers resident then. Negative:
     * minus an upper bound of the key ({@link NextUse#atMost}; keys are positive), {@code weight[l]} its broken-stack
     * factor (one array less to write per layer and pass: the sweep is memory-bound).
     */
    private double[] cached = new double[0];
    /** The bounded layers of the current pick, in resident order. */
    private int[] bounded = new int[0];
    private double[] weight = new double[0];
    private long[] stamp = new long[0];
    private long pass;
    /** The highest-ranked layers of the last pass, for the victims chained after it ({@link #bestAfter}). */
    private final VictimShortlist shortlist;
    private final Below below;

    EvictionRanking(NextUsePlanning.Node node, NextUseEvictionPlanner evictor, BrokenStacks broken, NextUse nextUse) {
        this(node, evictor, broken, nextUse, SHORTLIST);
    }

    /** {@code shortlist}: how many of a pass's top layers {@link #bestAfter} picks from before it sweeps again. */
    EvictionRanking(NextUsePlanning.Node node, NextUseEvictionPlanner evictor, BrokenStacks broken, NextUse nextUse,
                    int shortlist) {
        this.shortlist = new VictimShortlist(shortlist);
        this.node = node;
        this.evictor = evictor;
        this.broken = broken;
        this.nextUse = nextUse;
        this.below = new Below(evictor);
    }

    /** Grows the per-layer state, the resident set's included, to {@code layers}. */
    void resize(int layers) {
        resident.resize(layers);
        shortlist.resize(layers);
        if (layers > cached.length) {
            cached = Arrays.copyOf(cached, layers);
            bounded = Arrays.copyOf(bounded, layers);
            weight = Arrays.copyOf(weight, layers);
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

    /** Fills {@code out} with every unpinned resident layer's key at {@code now} and its size, in one pass. */
    void cover(long now, CoverSnapshot out) {
        broken.beginScan();
        out.clear();
        for (int i = 0; i < resident.size(); i++) {
            int l = resident.get(i);
            if (!node.pinned(l)) {
                out.add(keyInPass(l, now), node.sizeBytes(l));
            }
        }
        out.seal();
    }

    /**
     * {@code need} minus the bytes of the unpinned resident layers whose key exceeds {@code incomingKey} (the ones an
     * incoming layer with that key may displace), in one pass; the scan stops once the result is at most 0.
     */
    long uncovered(long need, double incomingKey, long now) {
        broken.beginScan();
        for (int i = 0; i < resident.size() && need > 0; i++) {
            int v = resident.get(i);
            if (!node.pinned(v) && coverKey(v, incomingKey, now) > incomingKey) {
                need -= node.sizeBytes(v);
            }
        }
        return need;
    }

    /**
     * The unpinned resident layer with the largest key at {@code now} (ties: the older {@code lastUse}, then the earlier
     * in {@link ResidentSet} order), -1 when none; its key is then {@link #bestKey()}. The pass also shortlists the
     * layers ranked highest for the victims chained after it ({@link #bestAfter}).
     */
    int best(long now, long[] lastUse) {
        broken.beginScan();
        shortlist.start();
        int best = -1;
        double top = -1;
        int nb = 0;
        // ranks and picks in one sweep; bestAfter's sweep repeats the pick on purpose: one loop shared behind a flag
        // measured 30-40 % slower on 10 copies of the day (session 11). A layer whose next use must be recounted over
        // several functions ranks by an upper bound first, and is recounted below only if that bound could win.
        for (int i = 0; i < resident.size(); i++) {
            int l = resident.get(i);
            if (node.pinned(l)) {
                cached[l] = Double.NaN;
                shortlist.pinned(l);
                continue;
            }
            double key = rank(l, now);
            shortlist.offer(l, Math.abs(key));
            if (key < 0) {
                bounded[nb++] = l;
                continue;
            }
            if (key > top || (key == top && lastUse[l] < lastUse[best])) {
                best = l;
                top = key;
            }
        }
        shortlist.end();
        return recountBounded(nb, best, top, now, lastUse);
    }

    /**
     * The pick's second half: the {@code nb} bounded layers whose bound reaches the best key of the others ({@code top}, of
     * {@code best}) are recounted and compete; the rest cannot win. Sets {@link #bestKey}.
     */
    private int recountBounded(int nb, int best, double top, long now, long[] lastUse) {
        for (int i = 0; i < nb; i++) {
            int l = bounded[i];
            if (-cached[l] >= top && !node.pinned(l)) {
                double key = exact(l, now, top);
                if (key > top || (key == top && lastUse[l] < lastUse[best])) {
                    best = l;
                    top = key;
                }
            }
        }
        bestKey = top;
        return best;
    }

    /**
     * Ranks {@code l} in the current pass, kept in {@code cached[l]}: its exact key when its next use is known, else
     * minus an upper bound from {@link NextUse#atMost}, its broken-stack factor kept for the recount.
     */
    private double rank(int l, long now) {
        double w = broken.allUsersBroken(l) ? broken.weight() : 1;
        double key = evictor.key(nextUse.atMost(l, now), now, node.sizeBytes(l)) * w;
        if (!nextUse.known(l, now)) {
            weight[l] = w;
            key = -key;
        }
        cached[l] = key;
        return key;
    }

    /**
     * Bounded layer {@code l} recounted against {@code floor} ({@link NextUse#atOrBelow}): its exact key, kept as its key
     * for this pass, or, when the recount found it below the floor (at most the floor when {@code inclusive}) before the
     * end, that tighter bound, kept as its bound (negative; it is still bounded).
     */
    private double exact(int l, long now, double floor, boolean inclusive) {
        below.set(now, node.sizeBytes(l), weight[l], floor, inclusive);
        long t = nextUse.atOrBelow(l, now, below);
        double key = evictor.key(t, now, node.sizeBytes(l)) * weight[l];
        cached[l] = below.stopped ? -key : key;
        return key;
    }

    private double exact(int l, long now, double floor) {
        return exact(l, now, floor, false);
    }

    /**
     * {@link #best} again at the same {@code now}, when the only change since the last {@link #best} or
     * {@code bestAfter} is that its answer, {@code evicted}, left the node (and pins, which are read again): only the
     * layers sharing a function with it can have another key (their functions' missing counts changed), so only those
     * are ranked again; the answer is the one a full pass would give, side effects included (every other key, and who was
     * seen broken, is unchanged). The pick reads the pass's {@link VictimShortlist}: every layer off it ranks at most its
     * {@code outside}, so a listed winner above that is the full pass's; otherwise every resident layer is swept again
     * (and listed anew). A make-room loop evicting several victims at one instant thus pays one full pass.
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
                    if (node.pinned(l)) {
                        cached[l] = Double.NaN;
                        shortlist.add(l);
                    } else if (Math.abs(rank(l, now)) > shortlist.outside()) {
                        shortlist.add(l);
                    }
                }
            }
        }
        int best = -1;
        double top = -1;
        int nb = 0;
        for (int i = 0; i < shortlist.size(); i++) {
            int l = shortlist.get(i);
            if (!resident.contains(l)) {
                shortlist.drop(i--);
                continue;
            }
            double key = cached[l];
            if (key < 0) { // bounded
                bounded[nb++] = l;
                continue;
            }
            if (key < top || node.pinned(l)) {
                continue;
            }
            if (Double.isNaN(key)) { // unpinned since it was ranked: ranked now, as a full pass would
                key = rank(l, now);
                if (key < 0) {
                    bounded[nb++] = l;
                    continue;
                }
            }
            if (key > top || (key == top && before(l, best, lastUse))) {
                best = l;
                top = key;
            }
        }
        inResidentOrder(nb);
        best = recountBounded(nb, best, top, now, lastUse);
        return best >= 0 && bestKey > shortlist.outside() ? best : sweep(now, lastUse);
    }

    /** {@link #bestAfter}'s fallback: every resident layer's key as cached (pins read again), shortlisted anew. */
    private int sweep(long now, long[] lastUse) {
        shortlist.start();
        int best = -1;
        double top = -1;
        int nb = 0;
        for (int i = 0; i < resident.size(); i++) {
            int l = resident.get(i);
            double key = cached[l];
            if (Double.isNaN(key)) {
                if (node.pinned(l)) {
                    shortlist.pinned(l);
                    continue;
                }
                key = rank(l, now); // unpinned since the pass: ranked now, as a full pass would
            }
            shortlist.offer(l, Math.abs(key));
            if (key < 0) { // bounded
                bounded[nb++] = l;
                continue;
            }
            if (key < top || node.pinned(l)) { // a pinned layer's key stays valid for when its pin goes
                continue;
            }
            if (key > top || (key == top && lastUse[l] < lastUse[best])) {
                best = l;
                top = key;
            }
        }
        shortlist.end();
        return recountBounded(nb, best, top, now, lastUse);
    }

    /** Ties at one key: the older last use, then the earlier in resident order (as a sweep meets them). */
    private boolean before(int l, int best, long[] lastUse) {
        return lastUse[l] < lastUse[best] || lastUse[l] == lastUse[best] && resident.indexOf(l) < resident.indexOf(best);
    }

    /** Sorts {@code bounded[0, nb)} into resident order, the order a sweep recounts them in (ties as it breaks them). */
    private void inResidentOrder(int nb) {
        for (int i = 1; i < nb; i++) {
            int l = bounded[i];
            int p = resident.indexOf(l);
            int j = i - 1;
            for (; j >= 0 && resident.indexOf(bounded[j]) > p; j--) {
                bounded[j + 1] = bounded[j];
            }
            bounded[j + 1] = l;
        }
    }

    /** The key of the layer {@link #best} would return at {@code now}, -1 when none is evictable. */
    double nextVictimKey(long now, long[] lastUse) {
        return best(now, lastUse) < 0 ? -1 : bestKey;
    }

    /** The key of the layer the last {@link #best} returned (-1 when it returned none). */
    double bestKey() {
        return bestKey;
    }

    /** {@code l}'s key when its bound exceeds {@code floor} (recounted if need be), else its bound: compared to the floor alike. */
    private double coverKey(int l, double floor, long now) {
        double key = rank(l, now);
        return key >= 0 ? key : -key > floor ? exact(l, now, floor, true) : -key;
    }

    private double keyInPass(int l, long now) {
        double k = evictor.key(nextUse.at(l, now), now, node.sizeBytes(l));
        return broken.allUsersBroken(l) ? k * broken.weight() : k;
    }
}

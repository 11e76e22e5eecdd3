package org.layerswap.swap;

import java.util.Arrays;

import org.layerswap.api.FetchBudgetStatus;

/**
 * The swap manager's next-use decisions (issue 13), ONE code path for the live manager
 * ({@code NextUsePlanner}) and the replay's {@code swap-manager} policy: dense function and layer
 * indexes, plain arrays, no allocation on the steady path.
 * <ul>
 *   <li>a layer's next use = the earliest median next use over the functions using it (data layers: over the
 *   functions that selected them, pushed back by 1/share − 1 gaps, or the layer's own median reuse gap when earlier,
 *   {@link DataLayerReuse}); once passed, re-read from its functions ({@link #nextOf}), and when none predicts a
 *   later use, now + time since its last use (LRU-like);</li>
 *   <li>{@link #victim}: {@link NextUseEvictionPlanner} order over the resident, unpinned layers (bytes priced by {@link
 *   FetchBudget}), a layer whose users all miss another layer scaled by {@link BrokenStacks#weight}; for a prefetch only
 *   layers whose key exceeds the incoming one's (admission), enough to cover what the node will evict before the need
 *   ({@link EvictionChurn}); on-demand victims teach the cache lifetime ({@link #evictionKey});</li>
 *   <li>only for the functions placed on this node ({@link Node#local}), the others neither prefetched for nor keeping a layer;</li>
 *   <li>{@link #tick}: every decision interval (live also {@link #planFunction} between ticks), the missing layers of the functions due now
 *   ({@link JustInTimePrefetchPlanner#due}) whose P(run before an unused copy would be evicted,
 *   {@link PrefetchSurvival}, at most the cache lifetime) exceeds the threshold, through {@link #tryPrefetch}:
 *   {@link PrefetchCredit}, the concurrency limit and the admission;</li>
 *   <li>feedback: {@link #beforeObserve} (margin: how early the function came), {@link #onAccess} /
 *   {@link #onEvict} of a prefetched layer (credit: used / wasted bytes); {@link ShadowPrefetches} follows the
 *   prefetches the credit refused, and the wasted ones after they left, as if they had stayed (shadow and
 *   would-have-been-used credit, no bytes spent).</li>
 * </ul>
 * Invariants: {@code resident} holds exactly the layers {@link #onInsert}ed and not {@link #onEvict}ed; {@code fresh[l]} iff
 * {@code l} was inserted by a prefetch and not used since. Not thread-safe: one thread (the replay's, or the
 * live manager's planner thread) drives it.
 */
public final class NextUsePlanning {

    /** What the planning reads of the node it decides for. Dense indexes; sizes may grow (see {@link #resize}). */
    public interface Node {
        /** The layers function {@code f} always uses (its base stack). */
        int[] layersOf(int f);

        /** The functions whose base stack holds layer {@code l}. */
        int[] functionsUsing(int l);

        long sizeBytes(int l);

        /** Predicted transfer time of layer {@code l}, ms. */
        double fetchMillis(int l);

        boolean resident(int l);

        /** Being fetched (queued or running). */
        boolean queued(int l);

        /** Held by a running invocation or a root (not evictable). */
        boolean pinned(int l);

        long usedBytes();

        long queuedPrefetchBytes();

        long budgetBytes();

        /** Starts a prefetch of {@code l} for function {@code f}; false when it was not started. */
        boolean prefetch(int l, int f);

        /**
         * Function {@code f}'s missing layers become due at {@code startMillis} (after now): a live node wakes its
         * planner then ({@link #planFunction}) instead of at the next tick. Default: nothing (the replay ticks).
         */
        default void planned(int f, long startMillis) {
        }

        /**
         * Whether function {@code f} is placed on this node (a cluster's placement rule). Not local: nothing is
         * prefetched for it and it keeps none of its layers (they count as not needed here). Default: every function
         * (a single node, the replay).
         */
        default boolean local(int f) {
            return true;
        }

        /**
         * A layer prefetched for function {@code f} left the node unused (evicted, or dropped for want of room):
         * {@code bytes} of bandwidth and storage were wasted. Default: nothing (the replay counts waste itself).
         */
        default void wasted(int l, int f, long bytes) {
        }

        /**
         * Whether the planning hears of every change of a layer's presence (resident or being fetched): the events
         * below, plus {@link #onPresenceChanged} for the rest (a fetch that ended). Then each function's missing layers
         * are kept current instead of counted in every ranking pass. Default: no (counted per pass).
         */
        default boolean reportsPresence() {
            return false;
        }
    }

    private static final int[] NONE = {};
    private final Node node;
    private final NextUseSource source;
    private final NextUseEvictionPlanner evictor;
    private final JustInTimePrefetchPlanner jit = new JustInTimePrefetchPlanner();
    private final PrefetchCredit credit;
    private final long interval;
    private volatile double threshold;
    private volatile int maxConcurrent;

    private final SelectionCounts selections = new SelectionCounts();
    private final DataLayerReuse dataReuse = new DataLayerReuse();
    private final LayerNextUse nextUse;
    private final FunctionPredictions predictions;
    private long[] lastUse = {};
    private final ResidentSet resident;
    private final EvictionRanking ranking;
    private final PrefetchSlots slots;
    private boolean[] fresh = {};
    /** Bytes of the resident layers with {@code fresh[l]}: prefetched, not used yet (the stake's unresolved bets). */
    private long freshBytes;
    private int[] owner = NONE;
    /** Victims at one instant: every public call but {@link #victim} and {@link #onEvict} resets it. */
    private final VictimChain chain = new VictimChain();
    private final ShadowPrefetches shadows;
    private final BrokenStacks broken;
    private final EvictionChurn churn = new EvictionChurn();
    /** The bandwidth budget: off until {@link #fetchBudget} sets it. */
    private final FetchBudget fetchBudget = new FetchBudget(0, SwapSettings.DEFAULT_FETCH_BUDGET_WINDOW_MILLIS, 0);
    private final PrefetchSurvival survival;
    /** The evictable layers' keys in this planning pass, taken with {@link #passTop} (valid while it is). */
    private final CoverSnapshot cover = new CoverSnapshot();
    /** The next victim's key in this planning pass (NaN: not asked; between two functions only a started prefetch changes it). */
    private double passTop = Double.NaN;
    /** The latest time any event or tick reported (onEvict carries none). */
    private long clock = Long.MIN_VALUE;
    private int functions;
    private int layers;

    public NextUsePlanning(Node node, NextUseSource source, NextUseEvictionPlanner evictor, int functions, int layers,
                           long decisionIntervalMillis, double threshold, int maxConcurrentPrefetches) {
        this.node = node;
        this.source = source;
        this.evictor = evictor;
        this.interval = Math.max(1, decisionIntervalMillis);
        this.credit = new PrefetchCredit(functions);
        this.shadows = new ShadowPrefetches(credit, node::sizeBytes);
        this.predictions = new FunctionPredictions(source);
        this.broken = new BrokenStacks(node, node.reportsPresence() ? new MissingLayers(node) : null);
        this.nextUse = new LayerNextUse(node, source, predictions);
        this.ranking = new EvictionRanking(node, evictor, broken, nextUse);
        this.resident = ranking.resident();
        this.slots = new PrefetchSlots(node::queued);
        this.survival = new PrefetchSurvival(node, source, evictor, jit, churn, cover, interval);
        configure(threshold, maxConcurrentPrefetches);
        resize(functions, layers);
    }

    /** New threshold and concurrency limit (settings changed); learned state is kept. */
    public void configure(double threshold, int maxConcurrentPrefetches) {
        chain.reset();
        if (!(threshold >= 0 && threshold <= 1) || maxConcurrentPrefetches < 1) {
            throw new IllegalArgumentException("threshold must be in [0,1] and maxConcurrentPrefetches >= 1; got "
                    + threshold + ", " + maxConcurrentPrefetches);
        }
        this.threshold = threshold;
        this.maxConcurrent = maxConcurrentPrefetches;
    }

    /** A new bandwidth budget ({@link FetchBudget}: at most {@code vsLru} x a plain LRU's bytes, 0: none) and the node's size. */
    public void fetchBudget(double vsLru, long windowMillis) {
        chain.reset();
        fetchBudget.configure(vsLru, windowMillis, node.budgetBytes());
    }

    /**
     * Starts the bandwidth budget's accounting period now ({@link FetchBudget#startPeriod}); without a call it is the
     * planning's lifetime. A replay starts it where it starts measuring.
     */
    public void startFetchBudgetPeriod() {
        chain.reset();
        fetchBudget.startPeriod();
    }

    /** Grows the index spaces to at least {@code functions} and {@code layers}; learned state is kept. */
    public void resize(int functions, int layers) {
        chain.reset();
        if (functions > this.functions) {
            selections.resize(functions);
            predictions.resize(functions);
            this.functions = functions;
        }
        if (layers > this.layers) {
            lastUse = Arrays.copyOf(lastUse, layers);
            nextUse.resize(layers, lastUse);
            ranking.resize(layers);
            fresh = Arrays.copyOf(fresh, layers);
            owner = Arrays.copyOf(owner, layers);
            shadows.resize(layers);
            fetchBudget.resize(layers);
            this.layers = layers;
        }
        broken.resize(this.functions, this.layers);
    }

    public int functionCount() { return functions; }
    public int layerCount() { return layers; }
    public JustInTimePrefetchPlanner jit() { return jit; }
    public PrefetchCredit credit() { return credit; }
    public double threshold() { return threshold; }
    public FetchBudgetStatus fetchBudgetStatus() { return fetchBudget.status(evictor.bytePrice()); } // ratio, budget, price

    /** Function {@code f}'s current earliest / median next use as of the last update ({@code Long.MAX_VALUE}: none). */
    public long earliestOf(int f) { return predictions.earliest(f); }
    public long medianOf(int f) { return predictions.median(f); }

    /**
     * Layer {@code l}'s next use as the eviction order sees it at {@code now}: over its {@linkplain Node#local local}
     * functions only ({@code Long.MAX_VALUE}, evicted first, when it has none). One that passed since the last update is
     * re-read from its functions (else, until the next tick, it would rank by its whole idle time just as its function
     * is due); only when none predicts a later use (or none has it in its base stack) is it overdue: now + idle time.
     * Kept by {@link LayerNextUse}.
     */
    public long nextOf(int l, long now) {
        return nextUse.at(l, now);
    }

    public boolean resident(int l) { return resident.contains(l); }
    public int residentCount() { return resident.size(); }

    /**
     * Eviction key of resident layer {@code l} at {@code now} (larger is evicted first): the space-time key of its next
     * use, times {@link BrokenStacks#weight} when every function using it already misses another of its layers.
     */
    public double evictionKey(int l, long now) {
        chain.reset();
        return ranking.key(l, now);
    }

    /** Receives one resident layer's eviction key ({@link #evictionKeys}). */
    @FunctionalInterface
    public interface KeyConsumer {
        void accept(int layer, double key);
    }

    /**
     * Every resident layer's {@link #evictionKey} at {@code now}, in ONE ranking pass: each function's missing layers
     * are counted once for the whole snapshot, not once per key (the live store's on-demand eviction order).
     */
    public void evictionKeys(long now, KeyConsumer out) {
        chain.reset();
        ranking.keys(now, out);
    }

    // ------------------------------------------------------------------ events

    /** Layer {@code l} was used by an invocation at {@code t}: a prefetched layer's bytes count as used. */
    public void onAccess(int l, long t) {
        chain.reset();
        lastUse[l] = t;
        clock = Math.max(clock, t);
        shadows.accessed(l);
        if (fresh[l]) {
            fresh[l] = false;
            freshBytes -= node.sizeBytes(l);
            credit.used(owner[l], node.sizeBytes(l));
        }
    }

    /** An invocation asked for layer {@code l}, resident or not: the bandwidth budget's LRU reference hears it. */
    public void onRequested(int l) {
        chain.reset();
        fetchBudget.requested(l, node.sizeBytes(l));
    }

    /** Layer {@code l} became resident at {@code t} (by a prefetch or not). */
    public void onInsert(int l, double t, boolean prefetch) {
        chain.reset();
        lastUse[l] = Math.max(lastUse[l], (long) Math.ceil(t));
        freshBytes += (prefetch ? node.sizeBytes(l) : 0) - (fresh[l] ? node.sizeBytes(l) : 0);
        fresh[l] = prefetch;
        fetchBudget.fetched(node.sizeBytes(l));
        broken.presenceChanged(l);
        if (prefetch) {
            broken.prefetched(l);
        }
        resident.add(l);
    }

    /** Layer {@code l} left the node (the churn, at the latest time reported): a prefetched, unused layer's bytes count as wasted. */
    public void onEvict(int l) {
        chain.evicted(l);
        churn.evicted(clock, node.sizeBytes(l));
        if (fresh[l]) {
            fresh[l] = false;
            freshBytes -= node.sizeBytes(l);
            credit.wasted(owner[l], node.sizeBytes(l));
            node.wasted(l, owner[l], node.sizeBytes(l));
            if (clock != Long.MIN_VALUE) {
                shadows.evictedUnused(l, owner[l], clock, clock - lastUse[l]);
            }
        }
        resident.remove(l);
        broken.presenceChanged(l);
    }

    /** Layer {@code l}'s presence may have changed without another event (a fetch ended; {@link Node#reportsPresence}). */
    public void onPresenceChanged(int l) {
        chain.reset();
        broken.presenceChanged(l);
    }


    /** A prefetch of {@code l} completed but the node could not keep it (no room was admitted): its bytes were wasted. */
    public void onPrefetchDropped(int l) {
        chain.reset();
        fetchBudget.fetched(node.sizeBytes(l));
        broken.presenceChanged(l);
        credit.wasted(owner[l], node.sizeBytes(l));
        node.wasted(l, owner[l], node.sizeBytes(l));
    }

    /**
     * Layer {@code l} was evicted at {@code now} by someone else's decision (the live store making room for an
     * on-demand fetch in this planning's order): like an on-demand {@link #victim}, it teaches the cache lifetime.
     */
    public void onEvictedOnDemand(int l, long now) {
        chain.reset();
        jit.recordEviction(now - lastUse[l]);
        clock = Math.max(clock, now);
        onEvict(l);
    }

    /** Before the source learns the run of {@code f} at {@code t}: how early it came against the prediction (margin). */
    public void beforeObserve(int f, long t) {
        chain.reset();
        broken.ran(f);
        if (predictions.earliest(f) != Long.MAX_VALUE && !predictions.overdueAt(f, t)) {
            jit.recordOutcome(predictions.earliest(f), t);
        }
    }

    /** After the source learned the run of {@code f} at {@code t}: its prediction and its layers' next use, now. */
    public void afterObserve(int f, long t) {
        chain.reset();
        selections.ran(f);
        predict(f, t);
    }

    /** Function {@code f}'s prediction at {@code t} from the source, and its layers' next use lowered to it. */
    private void predict(int f, long t) {
        predictions.read(f, t);
        long med = predictions.median(f);
        if (node.local(f)) {
            nextUse.ran(f, t, med);
        }
    }

    /** Function {@code f}'s run at {@code tMillis} used optional (data) layer {@code l}. */
    public void countOptional(int f, int l, long tMillis) {
        chain.reset();
        selections.selected(f, l);
        dataReuse.used(l, tMillis);
    }

    // ------------------------------------------------------------------ decisions

    /**
     * Recomputes the predictions that may have changed (a function is skipped while {@code now} is before the
     * source's {@link NextUseSource#stableUntil}, which leaves the same values) and starts the prefetches that are due
     * (once per decision interval).
     */
    public void tick(long now) {
        chain.reset();
        int nf = functions;
        predictions.readChanged(nf, now);
        nextUse.refresh(layers);
        long[] next = nextUse.array();
        for (int f = 0; f < nf; f++) { // a function not placed here lowers nothing (no median)
            selections.lowerNextUse(f, node.local(f) ? predictions.median(f) : Long.MAX_VALUE, source.lastSeen(f), next);
        }
        dataReuse.lowerNextUse(now, next);
        evictor.bytePrice(fetchBudget.update(now));
        clock = Math.max(clock, now);
        shadows.expire(now, jit.lifetimeMillis());
        long horizon = survival.horizon();
        passTop = Double.NaN;
        for (int f = 0; f < nf; f++) {
            planDue(f, now, horizon);
        }
    }

    /**
     * Re-plans function {@code f} alone at {@code now}, between ticks (live: its prediction moved, or its planned start
     * came): its prediction, its layers' next use, and its prefetches when they are due ({@link #tick}'s rule).
     */
    public void planFunction(int f, long now) {
        chain.reset();
        if (source.lastSeen(f) != Long.MIN_VALUE) {
            clock = Math.max(clock, now);
            predict(f, now);
            passTop = Double.NaN;
            planDue(f, now, survival.horizon());
        }
    }

    /** Starts {@code f}'s missing layers when due and likely enough; tells the node when they will be due otherwise. */
    private void planDue(int f, long now, long horizon) {
        long early = predictions.earliest(f);
        if (!node.local(f) || early == Long.MAX_VALUE || predictions.overdueAt(f, now)) {
            return;
        }
        int[] ls = node.layersOf(f);
        boolean missing = false;
        double fetch = 0;
        for (int l : ls) {
            if (!node.resident(l) && !node.queued(l)) {
                missing = true;
                fetch += node.fetchMillis(l);
            }
        }
        if (!missing) {
            return;
        }
        if (!jit.due(now, early, fetch, interval)) {
            node.planned(f, jit.startMillis(early, fetch, interval));
            return;
        }
        double p = source.probabilityWithin(f, now, horizon);
        if (p <= threshold) { // survival <= horizon, so no layer could pass below
            return;
        }
        double top = Double.NaN; // the key the order would evict next, once per function
        for (int l : ls) {
            if (!node.resident(l) && !node.queued(l)) {
                if (Double.isNaN(top)) {
                    if (Double.isNaN(passTop)) {
                        passTop = ranking.nextVictimKey(now, lastUse);
                        ranking.cover(now, cover);
                    }
                    top = passTop;
                }
                if (survival.pays(f, l, now, horizon, top, threshold)) {
                    tryPrefetch(l, f, predictions.median(f), now);
                }
            }
        }
    }

    /** Starts a prefetch of {@code l} for local {@code f} (needed around {@code needAt}) if credit, a slot and the admission allow it. */
    public boolean tryPrefetch(int l, int f, long needAt, long now) {
        chain.reset();
        if (l < 0 || node.resident(l) || node.queued(l) || !node.local(f)) {
            return false;
        }
        if (!credit.allows(f, node.sizeBytes(l) + node.queuedPrefetchBytes() + freshBytes)) {
            shadows.refused(l, f, now);
            return false;
        }
        if (slots.full(maxConcurrent)) {
            return false;
        }
        long room = node.usedBytes() + node.queuedPrefetchBytes() + node.sizeBytes(l) - node.budgetBytes();
        long need = Math.max(room, 0) + churn.expectedBytes(now, needAt - now);
        if (ranking.uncovered(need, evictor.key(needAt, now, node.sizeBytes(l)), now) > 0) {
            return false;
        }
        long[] next = nextUse.array();
        next[l] = Math.min(next[l] <= now ? Long.MAX_VALUE : next[l], needAt);
        if (node.prefetch(l, f)) {
            passTop = Double.NaN;
            broken.presenceChanged(l);
            slots.started(l);
            owner[l] = f;
            return true;
        }
        return false;
    }

    /**
     * The next eviction victim at {@code now}: the resident, unpinned layer with the largest key (ties: older last
     * use); for a prefetch of {@code incoming} only one the admission lets it displace; -1 when none. An on-demand
     * victim teaches the cache lifetime, so call this only when the victim is evicted.
     */
    public int victim(double t, int incoming, boolean forPrefetch) {
        long now = (long) t;
        clock = Math.max(clock, now);
        int best = chain.continuesAt(now) ? ranking.bestAfter(chain.victim(), now, lastUse) : ranking.best(now, lastUse);
        if (best < 0) {
            return -1;
        }
        if (forPrefetch && incoming >= 0) {
            if (ranking.bestKey() <= evictor.key(nextUse.array()[incoming], now, node.sizeBytes(incoming))) { // the admission's rule
                return -1;
            }
        } else {
            jit.recordEviction(now - lastUse[best]);
        }
        chain.chosen(best, now);
        return best;
    }
}

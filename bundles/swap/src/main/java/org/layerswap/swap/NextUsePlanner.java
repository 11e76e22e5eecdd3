package org.layerswap.swap;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchBudgetStatus;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.NextUse;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.ResidentLayer;
import org.layerswap.api.cluster.FunctionPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live manager's side of {@link NextUsePlanning} (issue 13; the replay's {@code swap-manager} policy drives the
 * same class): adapts the store, the catalog, the fetches and the profiler's {@link BehavioralProfiler#nextUse} to
 * its dense indexes and runs it on the planner thread when its {@link PlannerWakeUps} say: a full
 * {@link NextUsePlanning#tick} every {@code decisionIntervalMillis}, and in between
 * {@link NextUsePlanning#planFunction} for the functions something may have made due: a queued invocation, a run the
 * profiler recorded, a score change of one of its layers, or its just-in-time start coming ({@link #planned}).
 * <ul>
 *   <li>prefetches start through {@link FetchCoordinator#tryStartPrefetch} (so they show as PREFETCH records, in the
 *   in-flight list and the dashboard's queue);</li>
 *   <li>{@link #makeRoom} frees room for a prefetch in the planning's order, only by layers its admission lets the
 *   prefetch displace;</li>
 *   <li>{@link #evictionKey} is the store's eviction order for on-demand room (one eviction rule on the node);</li>
 *   <li>feedback: invocations ({@link PlannerWakeUps#invoked}, queued by the invocation path, observed on the planner
 *   thread) give the margin and the "used" credit; residency changes seen at each run give "wasted" credit (a
 *   prefetched layer gone unused) and the cache lifetime (a layer the store evicted);</li>
 *   <li>parameter-selected data layers: the invocation's selections teach the planning's data-layer next use
 *   ({@link NextUsePlanning#countOptional}); the ones the profiler gives its parameters at or above the threshold
 *   are tried once right after the invocation is observed, like the replay ({@link SelectedLayerPrefetches});</li>
 *   <li>in a cluster, only for the functions its {@link FunctionPlacement} places here ({@link LocalFunctions}, asked
 *   once per full pass): the others are neither prefetched for nor keep their layers (they may still run here).</li>
 * </ul>
 * Invariants: everything but {@link #wakeUps}' signals, {@link #configure} and {@link #evictionKey} runs on the
 * planner thread (the single-threaded worker, where {@link FetchCoordinator} also runs prefetches and thus
 * {@link #makeRoom}); an index once given to a function or layer never changes; {@code pendingPrefetch} holds the
 * layers this planner started prefetching that have not been seen resident (or dropped) yet.
 * <p>Its wake-ups (the signals, the invocation inbox, the triggers and the coalescing of each pass's functions) are
 * {@link PlannerWakeUps}; the index and the data-layer rule are their own classes too ({@link PlannerIndex},
 * {@link SelectedLayerPrefetches}, {@link LocalFunctions}). What is left implements both halves of
 * {@link NextUsePlanning}'s seam ({@code Node} and {@code Source}, one small method each, on the live store, fetches
 * and profiler), the learning from residency and invocations, and making room for a prefetch.
 */
final class NextUsePlanner implements NextUsePlanning.Node, NextUseSource {

    private static final Logger LOG = LoggerFactory.getLogger(NextUsePlanner.class);

    private final Supplier<SwapSettings> settings;
    private final LayerCatalog catalog;
    private final LayerStore store;
    private final BehavioralProfiler profiler;
    private final LongSupplier clock;
    private final ToDoubleFunction<LayerId> score;
    private final BiConsumer<String, LayerId> predictedDataLayer;
    private final PlannerWakeUps wakeUps;
    private volatile FetchCoordinator fetches;
    /** The feedback loop now (null: none): the experiment arm planned prefetches follow, where waste is reported. */
    private volatile Supplier<FeedbackLoop> feedback = () -> null;
    private volatile Map<LayerId, Double> keys = Map.of();
    private volatile FetchBudgetStatus budget = FetchBudgetStatus.NONE;
    private volatile boolean orderSet;

    // planner-thread state
    private final NextUsePlanning planning;
    private final PlannerIndex ix;
    private final LocalFunctions locals = new LocalFunctions();
    private FunctionLayerMap mapSeen;
    private final Set<LayerId> pendingPrefetch = new HashSet<>();
    private Set<LayerId> pinned = Set.of();
    /** Idle roots whose layers an eviction may take (retired first); null: roots pin their layers for good. */
    private volatile IdleRoots idleRoots;
    private long now;
    /** The last next-use answer, for one function at one time within one pass (a pass starts without it). */
    private int cachedF = -1;
    private long cachedAt;
    private NextUse cached;

    NextUsePlanner(Supplier<SwapSettings> settings, LayerCatalog catalog, LayerStore store, BehavioralProfiler profiler,
                   LongSupplier clockMillis, ScheduledExecutorService worker, ToDoubleFunction<LayerId> score) {
        this(settings, catalog, store, profiler, clockMillis, PlanningTriggers.PlannerThread.of(worker), score, (f, l) -> { });
    }

    /**
     * @param thread             the planner thread (also where {@link FetchCoordinator} runs prefetches)
     * @param predictedDataLayer told (on the planner thread, with {@code composeAhead}) each data layer an invocation's
     *                           parameters make likely (at or above the threshold): the variant root is composed ahead
     */
    NextUsePlanner(Supplier<SwapSettings> settings, LayerCatalog catalog, LayerStore store, BehavioralProfiler profiler,
                   LongSupplier clockMillis, PlanningTriggers.PlannerThread thread, ToDoubleFunction<LayerId> score,
                   BiConsumer<String, LayerId> predictedDataLayer) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.ix = new PlannerIndex(catalog);
        this.store = Objects.requireNonNull(store, "store");
        this.profiler = Objects.requireNonNull(profiler, "profiler");
        this.clock = Objects.requireNonNull(clockMillis, "clock");
        this.score = Objects.requireNonNull(score, "score");
        this.predictedDataLayer = Objects.requireNonNull(predictedDataLayer, "predictedDataLayer");
        this.wakeUps = new PlannerWakeUps(settings, clock, catalog::map, thread, new Passes());
        SwapSettings s = settings.get();
        this.planning = new NextUsePlanning(this, this, new NextUseEvictionPlanner(s.cost()), 0, 0, s.decisionIntervalMillis(),
                s.threshold(), s.maxConcurrentPrefetches());
    }

    void useFetches(FetchCoordinator f) {
        this.fetches = f;
    }

    void useFeedback(Supplier<FeedbackLoop> f) {
        this.feedback = Objects.requireNonNull(f, "feedback");
    }

    /**
     * The arm the planned prefetches of {@code functionId} follow: its by-function experiment arm, else NONE (no
     * feedback loop, no experiment, or one assigning by invocation). A failing feedback loop is logged, never fatal.
     */
    private ExperimentArm armOf(String functionId) {
        FeedbackLoop fb = feedback.get();
        try {
            ExperimentArm a = fb == null ? null : fb.functionArm(functionId);
            return a == null ? ExperimentArm.NONE : a;
        } catch (RuntimeException e) {
            LOG.warn("feedback loop functionArm failed: {}", e.toString());
            return ExperimentArm.NONE;
        }
    }

    /** Starts the passes and hands the store this planner's eviction order (when the setting is on). */
    void start() {
        applyStoreOrder(settings.get());
        wakeUps.start();
    }

    /** No pass runs after this. */
    void stop() {
        wakeUps.stop();
    }

    /** Settings changed: the store's order follows {@code nextUsePlanning}; a full pass picks up the rest. */
    void configure(SwapSettings s) {
        applyStoreOrder(s);
        wakeUps.requestFull();
    }

    private void applyStoreOrder(SwapSettings s) {
        if (s.nextUsePlanning() != orderSet) {
            orderSet = s.nextUsePlanning();
            try {
                store.setEvictionOrder(orderSet ? this::evictionKey : null);
            } catch (RuntimeException e) {
                LOG.warn("the layer store refused the next-use eviction order: {}", e.toString());
            }
        }
    }

    /** The bandwidth budget as of the last full pass (any thread). */
    FetchBudgetStatus fetchBudget() {
        return budget;
    }

    /** Invocations, recorded runs and score changes wake the planner through these (any thread). */
    PlannerWakeUps wakeUps() {
        return wakeUps;
    }

    /** What a wake-up runs (planner thread). */
    private final class Passes implements PlannerWakeUps.Planner {
        @Override
        public void refresh(SwapSettings s) {
            NextUsePlanner.this.refresh(s);
        }

        @Override
        public int functionIndex(String functionId) {
            Integer f = ix.functionIndex.get(functionId);
            return f == null || f >= ix.fnLayers.length ? -1 : f;
        }

        @Override
        public void observe(int f, InvocationInbox.Invoked i, SwapSettings s) {
            NextUsePlanner.this.observe(f, i, s);
        }

        @Override
        public void full(SwapSettings s) {
            locals.refresh(ix.functionIds);
            planning.tick(now);
            Map<LayerId, Double> k = new HashMap<>();
            planning.evictionKeys(now, (l, key) -> k.put(ix.layerIds.get(l), key));
            keys = k;
            budget = planning.fetchBudgetStatus();
        }

        @Override
        public void plan(int f, SwapSettings s) {
            planning.planFunction(f, now);
        }
    }

    void useIdleRoots(IdleRoots r) {
        idleRoots = r;
    }

    /** The cluster's placement (null: none, every function is local); the next pass follows it (any thread). */
    void usePlacement(FunctionPlacement p) {
        locals.use(p);
    }

    /** The store's eviction key for {@code id} as of the last run (larger first); NaN when the planning has none. */
    double evictionKey(LayerId id) {
        Double k = keys.get(id);
        return k == null ? Double.NaN : k;
    }

    /** A full pass (planner thread; tests call it directly): learn, then {@link NextUsePlanning#tick} and the eviction keys. */
    void run() {
        wakeUps.full();
    }

    /**
     * Frees room for a prefetch of {@code id} ({@code bytes}) in the planning's order, by layers the prefetch may
     * displace; null when there is room, else why not. On the planner thread (FetchCoordinator's prefetch runner).
     */
    String makeRoom(LayerId id, long bytes) {
        LayerStoreStats st = store.stats();
        long need = st.usedBytes() + bytes - st.budgetBytes();
        if (st.budgetBytes() <= 0 || need <= 0) {
            return null;
        }
        refresh(settings.get());
        int incoming = ix.layer(id);
        planning.resize(ix.functions(), ix.layers());
        ix.sizes[incoming] = Math.max(ix.sizes[incoming], bytes);
        Set<LayerId> held = new HashSet<>(pinned);
        pinned = held;
        while (need > 0) {
            int v = planning.victim(now, incoming, true);
            if (v < 0) {
                return "no room for " + id + " (" + bytes + " bytes): every evictable layer is predicted to be needed before it";
            }
            LayerId victim = ix.layerIds.get(v);
            IdleRoots idle = idleRoots;
            if (idle != null) {
                idle.release(victim); // an idle root holding it is retired first; a root in use keeps it pinned
            }
            if (store.evict(victim)) {
                planning.onEvict(v);
                need -= ix.sizes[v];
            } else {
                held.add(victim); // in use since the last look: not a victim
            }
        }
        LOG.debug("made room for prefetch {} in next-use order", id);
        return null;
    }

    // ---- learning what happened ------------------------------------------------------------------

    /** Brings indexes, sizes, pins and residency up to date with the catalog and the store. */
    private void refresh(SwapSettings s) {
        now = clock.getAsLong();
        cachedF = -1; // the profiler may have learned runs since, even within the same millisecond
        planning.configure(s.threshold(), s.maxConcurrentPrefetches());
        planning.fetchBudget(s.fetchBudgetVsLru(), s.fetchBudgetWindowMillis());
        FunctionLayerMap m = catalog.map();
        if (m != mapSeen) {
            ix.index(m);
            planning.resize(ix.functions(), ix.layers());
            mapSeen = m;
        }
        List<ResidentLayer> resident = store.resident();
        IdleRoots idle = idleRoots;
        Set<LayerId> releasable = idle == null ? Set.of() : idle.releasable();
        Set<LayerId> held = new HashSet<>();
        Set<LayerId> present = new HashSet<>();
        for (ResidentLayer r : resident) {
            int l = ix.layer(r.id());
            present.add(r.id());
            if (r.refCount() > 0 && !releasable.contains(r.id())) {
                held.add(r.id());
            }
            planning.resize(ix.functions(), ix.layers());
            ix.sizes[l] = r.unpackedBytes();
            if (!planning.resident(l)) {
                planning.onInsert(l, now, pendingPrefetch.remove(r.id()));
            }
        }
        pinned = held;
        for (int l = 0; l < ix.layerIds.size(); l++) {
            if (planning.resident(l) && !present.contains(ix.layerIds.get(l))) {
                planning.onEvictedOnDemand(l, now);
            }
        }
        FetchCoordinator f = fetches;
        pendingPrefetch.removeIf(id -> f == null || !f.isFetching(id));
    }

    /** One invocation of {@code f} since the last pass: margin outcome, used prefetches, data-layer selections and
     *  candidates, the function's new prediction. */
    private void observe(int f, InvocationInbox.Invoked i, SwapSettings s) {
        for (LayerId id : i.selected()) {
            int l = ix.layer(id);
            planning.resize(ix.functions(), ix.layers());
            planning.countOptional(f, l, i.atMillis());
            planning.onRequested(l);
        }
        planning.beforeObserve(f, i.atMillis());
        ix.lastSeen[f] = Math.max(ix.lastSeen[f], i.atMillis());
        for (int l : ix.fnLayers[f]) {
            planning.onRequested(l);
            if (planning.resident(l)) {
                planning.onAccess(l, i.atMillis());
            }
        }
        planning.afterObserve(f, i.atMillis());
        if (!i.optional().isEmpty()) {
            for (LayerId id : i.optional().keySet()) {
                ix.layer(id); // indexed before the planning grows to hold it
            }
            planning.resize(ix.functions(), ix.layers());
            List<LayerId> likely = SelectedLayerPrefetches.tryLikely(f, i.optional(), s.threshold(), ix::layer, planning, now);
            for (int k = 0; k < likely.size() && s.composeAhead(); k++) {
                predictedDataLayer.accept(i.functionId(), likely.get(k));
            }
        }
    }

    /** {@link NextUsePlanning.Node#planned} and the data layers' starts: wake the planner then. */
    @Override
    public void planned(int f, long startMillis) {
        wakeUps.wakeAt(f, startMillis, now);
    }

    // ---- NextUseSource: the profiler's next-use model (or the active predictor's) ----------

    private NextUse use(int f, long at) {
        if (f != cachedF || at != cachedAt) {
            cachedF = f;
            cachedAt = at;
            cached = profiler.nextUse(ix.functionIds.get(f), at);
        }
        return cached;
    }

    @Override
    public long lastSeen(int f) {
        if (ix.lastSeen[f] != Long.MIN_VALUE) {
            return ix.lastSeen[f];
        }
        return use(f, now) == null ? Long.MIN_VALUE : now; // known to the profiler (e.g. restored), not seen here
    }

    @Override
    public long median(int f, long at) {
        NextUse n = use(f, at);
        return n == null ? Long.MAX_VALUE : n.medianMillis();
    }

    @Override
    public long earliest(int f, long at) {
        NextUse n = use(f, at);
        return n == null ? Long.MAX_VALUE : n.earliestMillis();
    }

    @Override
    public boolean overdue(int f, long at) {
        NextUse n = use(f, at);
        return n == null || n.overdue();
    }

    @Override
    public double probabilityWithin(int f, long at, long horizonMillis) {
        return profiler.nextUseProbability(ix.functionIds.get(f), at, horizonMillis);
    }

    // ---- NextUsePlanning.Node: this appliance --------------------------------------------------------

    @Override
    public int[] layersOf(int f) {
        return f < ix.fnLayers.length ? ix.fnLayers[f] : new int[0];
    }

    @Override
    public int[] functionsUsing(int l) {
        return ix.layerFns[l];
    }

    @Override
    public long sizeBytes(int l) {
        return ix.sizes[l];
    }

    @Override
    public boolean local(int f) {
        return locals.isLocal(f, ix.functionIds);
    }

    @Override
    public double fetchMillis(int l) {
        return settings.get().cost().fetchSeconds(ix.sizes[l]) * 1000;
    }

    @Override
    public boolean resident(int l) {
        return store.isResident(ix.layerIds.get(l));
    }

    @Override
    public boolean queued(int l) {
        FetchCoordinator f = fetches;
        return f != null && f.isFetching(ix.layerIds.get(l));
    }

    @Override
    public boolean pinned(int l) {
        return pinned.contains(ix.layerIds.get(l));
    }

    @Override
    public long usedBytes() {
        return store.stats().usedBytes();
    }

    @Override
    public long queuedPrefetchBytes() {
        FetchCoordinator f = fetches;
        long b = 0;
        if (f != null) {
            for (PrefetchRecord r : f.inFlight()) {
                b += r.priority() == FetchPriority.PREFETCH ? r.bytes() : 0;
            }
        }
        return b;
    }

    @Override
    public long budgetBytes() {
        return store.stats().budgetBytes();
    }

    @Override
    public boolean prefetch(int l, int f) {
        FetchCoordinator c = fetches;
        LayerId id = ix.layerIds.get(l);
        String fn = ix.functionIds.get(f);
        ExperimentArm arm = armOf(fn);
        if (arm == ExperimentArm.CONTROL) {
            return false; // a by-function experiment's control arm runs on on-demand layers only
        }
        if (c != null && c.tryStartPrefetch(id, fn, score.applyAsDouble(id), settings.get().maxConcurrentPrefetches(), arm)) {
            pendingPrefetch.add(id);
            return true;
        }
        return false;
    }

    /** Reports a planned prefetch that left unused to the feedback loop (its objective prices wasted bytes). */
    @Override
    public void wasted(int l, int f, long bytes) {
        FeedbackLoop fb = feedback.get();
        if (fb != null) {
            String fn = ix.functionIds.get(f);
            try {
                fb.recordWastedPrefetch(fn, armOf(fn), bytes, now);
            } catch (RuntimeException e) {
                LOG.warn("feedback loop recordWastedPrefetch failed: {}", e.toString());
            }
        }
    }
}

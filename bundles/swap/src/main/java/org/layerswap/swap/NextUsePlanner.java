package org.layerswap.swap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.NextUse;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.ResidentLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live manager's side of {@link NextUsePlanning} (issue 13; the replay's {@code swap-manager} policy drives the
 * same class): adapts the store, the catalog, the fetches and the profiler's {@link BehavioralProfiler#nextUse} to
 * its dense indexes and runs it on the planner thread every {@code decisionIntervalMillis} and on score changes.
 * <ul>
 *   <li>prefetches start through {@link FetchCoordinator#tryStartPrefetch} (so they show as PREFETCH records, in the
 *   in-flight list and the dashboard's queue);</li>
 *   <li>{@link #makeRoom} frees room for a prefetch in the planning's order, only by layers its admission lets the
 *   prefetch displace;</li>
 *   <li>{@link #evictionKey} is the store's eviction order for on-demand room (one eviction rule on the node);</li>
 *   <li>feedback: invocations ({@link #invoked}, queued by the invocation path, drained on the planner thread) give the
 *   margin and the "used" credit; residency changes seen at each run give "wasted" credit (a prefetched layer gone
 *   unused) and the cache lifetime (a layer the store evicted).</li>
 * </ul>
 * Invariants: everything but {@link #invoked}, {@link #schedule} and {@link #evictionKey} runs on the planner thread
 * (the single-threaded worker, where {@link FetchCoordinator} also runs prefetches and thus {@link #makeRoom}); an index
 * once given to a function or layer never changes; {@code pendingPrefetch} holds the layers this planner started
 * prefetching that have not been seen resident (or dropped) yet.
 */
final class NextUsePlanner implements NextUsePlanning.Node, NextUsePlanning.Source {

    private static final Logger LOG = LoggerFactory.getLogger(NextUsePlanner.class);

    private record Invoked(String functionId, long atMillis) {
    }

    private final Supplier<SwapSettings> settings;
    private final LayerCatalog catalog;
    private final LayerStore store;
    private final BehavioralProfiler profiler;
    private final LongSupplier clock;
    private final ScheduledExecutorService worker;
    private final ToDoubleFunction<LayerId> score;
    /**
     * Invocations since the last planner run. Bounded: at most {@link #MAX_QUEUED_INVOCATIONS} wait (counted by
     * {@code queuedInvocations}); beyond that an invocation's feedback is dropped (counted) and a run is asked for,
     * so a planner that cannot keep up or keeps failing costs learning samples, never memory.
     */
    private final ConcurrentLinkedQueue<Invoked> invocations = new ConcurrentLinkedQueue<>();
    static final int MAX_QUEUED_INVOCATIONS = 1 << 16;
    private final java.util.concurrent.atomic.AtomicInteger queuedInvocations = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder droppedInvocations = new java.util.concurrent.atomic.LongAdder();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile FetchCoordinator fetches;
    private volatile Map<LayerId, Double> keys = Map.of();
    private volatile boolean orderSet;

    // planner-thread state
    private final NextUsePlanning planning;
    private final Map<String, Integer> functionIndex = new HashMap<>();
    private final List<String> functionIds = new ArrayList<>();
    private final Map<LayerId, Integer> layerIndex = new HashMap<>();
    private final List<LayerId> layerIds = new ArrayList<>();
    private int[][] fnLayers = new int[0][];
    private int[][] layerFns = new int[0][];
    private long[] sizes = new long[0];
    private long[] lastSeen = new long[0];
    private FunctionLayerMap mapSeen;
    private final Set<LayerId> pendingPrefetch = new HashSet<>();
    private Set<LayerId> pinned = Set.of();
    /** Idle roots whose layers an eviction may take (retired first); null: roots pin their layers for good. */
    private volatile IdleRoots idleRoots;
    private long now;
    private int cachedF = -1;
    private long cachedAt;
    private NextUse cached;

    NextUsePlanner(Supplier<SwapSettings> settings, LayerCatalog catalog, LayerStore store, BehavioralProfiler profiler,
                   LongSupplier clockMillis, ScheduledExecutorService worker, ToDoubleFunction<LayerId> score) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.store = Objects.requireNonNull(store, "store");
        this.profiler = Objects.requireNonNull(profiler, "profiler");
        this.clock = Objects.requireNonNull(clockMillis, "clock");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.score = Objects.requireNonNull(score, "score");
        SwapSettings s = settings.get();
        this.planning = new NextUsePlanning(this, this, new NextUseEvictionPlanner(s.cost()), 0, 0, s.decisionIntervalMillis(),
                s.threshold(), s.maxConcurrentPrefetches());
    }

    void useFetches(FetchCoordinator f) {
        this.fetches = f;
    }

    /** Starts the periodic runs and hands the store this planner's eviction order (when the setting is on). */
    void start() {
        applyStoreOrder(settings.get());
        scheduleNext();
    }

    /** Settings changed: the store's order follows {@code nextUsePlanning}; a run picks up the rest. */
    void configure(SwapSettings s) {
        applyStoreOrder(s);
        schedule();
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

    private void scheduleNext() {
        try {
            worker.schedule(() -> {
                run();
                scheduleNext();
            }, settings.get().decisionIntervalMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shut down
        }
    }

    /** The invocation path: remember the run for the planner thread (no planning work here). */
    void invoked(String functionId) {
        if (!settings.get().nextUsePlanning()) {
            return;
        }
        if (queuedInvocations.incrementAndGet() > MAX_QUEUED_INVOCATIONS) {
            queuedInvocations.decrementAndGet();
            droppedInvocations.increment();
            schedule();
            return;
        }
        invocations.add(new Invoked(functionId, clock.getAsLong()));
    }

    /** Invocations waiting for the next planner run (at most {@link #MAX_QUEUED_INVOCATIONS}). */
    int queuedInvocations() {
        return queuedInvocations.get();
    }

    /** Invocations whose feedback was dropped because the queue was full. */
    long droppedInvocations() {
        return droppedInvocations.sum();
    }

    /** Queues a run on the planner thread unless one is queued (score changes). */
    void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                worker.execute(this::run);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
            }
        }
    }

    void useIdleRoots(IdleRoots r) {
        idleRoots = r;
    }

    /** The store's eviction key for {@code id} as of the last run (larger first); NaN when the planning has none. */
    double evictionKey(LayerId id) {
        Double k = keys.get(id);
        return k == null ? Double.NaN : k;
    }

    /** One decision: learn from what happened since the last run, then {@link NextUsePlanning#tick}. */
    void run() {
        scheduled.set(false);
        SwapSettings s = settings.get();
        if (!s.nextUsePlanning()) {
            for (; invocations.poll() != null; ) {
                queuedInvocations.decrementAndGet();
            }
            return;
        }
        try {
            refresh(s);
            drain();
            planning.tick(now);
            Map<LayerId, Double> k = new HashMap<>();
            for (int l = 0; l < layerIds.size(); l++) {
                if (planning.resident(l)) {
                    k.put(layerIds.get(l), planning.evictionKey(l, now));
                }
            }
            keys = k;
        } catch (RuntimeException e) {
            LOG.warn("next-use planning failed: {}", e.toString());
        }
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
        int incoming = layer(id);
        planning.resize(functionIds.size(), layerIds.size());
        sizes[incoming] = Math.max(sizes[incoming], bytes);
        Set<LayerId> held = new HashSet<>(pinned);
        pinned = held;
        while (need > 0) {
            int v = planning.victim(now, incoming, true);
            if (v < 0) {
                return "no room for " + id + " (" + bytes + " bytes): every evictable layer is predicted to be needed before it";
            }
            LayerId victim = layerIds.get(v);
            IdleRoots idle = idleRoots;
            if (idle != null) {
                idle.release(victim); // an idle root holding it is retired first; a root in use keeps it pinned
            }
            if (store.evict(victim)) {
                planning.onEvict(v);
                need -= sizes[v];
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
        planning.configure(s.threshold(), s.maxConcurrentPrefetches());
        FunctionLayerMap m = catalog.map();
        if (m != mapSeen) {
            index(m);
            mapSeen = m;
        }
        List<ResidentLayer> resident = store.resident();
        IdleRoots idle = idleRoots;
        Set<LayerId> releasable = idle == null ? Set.of() : idle.releasable();
        Set<LayerId> held = new HashSet<>();
        Set<LayerId> present = new HashSet<>();
        for (ResidentLayer r : resident) {
            int l = layer(r.id());
            present.add(r.id());
            if (r.refCount() > 0 && !releasable.contains(r.id())) {
                held.add(r.id());
            }
            planning.resize(functionIds.size(), layerIds.size());
            sizes[l] = r.unpackedBytes();
            if (!planning.resident(l)) {
                planning.onInsert(l, now, pendingPrefetch.remove(r.id()));
            }
        }
        pinned = held;
        for (int l = 0; l < layerIds.size(); l++) {
            if (planning.resident(l) && !present.contains(layerIds.get(l))) {
                planning.onEvictedOnDemand(l, now);
            }
        }
        FetchCoordinator f = fetches;
        pendingPrefetch.removeIf(id -> f == null || !f.isFetching(id));
    }

    /** Indexes the functions and layers of {@code m} and rebuilds function ↔ layer arrays. */
    private void index(FunctionLayerMap m) {
        for (String fn : m.functions()) {
            function(fn);
            for (LayerId id : m.layersOf(fn)) {
                layer(id);
            }
        }
        int nf = functionIds.size();
        int nl = layerIds.size();
        fnLayers = new int[nf][];
        List<List<Integer>> users = new ArrayList<>();
        for (int l = 0; l < nl; l++) {
            users.add(new ArrayList<>());
        }
        for (int f = 0; f < nf; f++) {
            List<LayerId> ls = m.layersOf(functionIds.get(f));
            fnLayers[f] = new int[ls.size()];
            for (int i = 0; i < ls.size(); i++) {
                int l = layerIndex.get(ls.get(i));
                fnLayers[f][i] = l;
                users.get(l).add(f);
            }
        }
        layerFns = new int[nl][];
        for (int l = 0; l < nl; l++) {
            layerFns[l] = users.get(l).stream().mapToInt(Integer::intValue).toArray();
        }
        planning.resize(nf, nl);
    }

    private int function(String fn) {
        Integer f = functionIndex.get(fn);
        if (f != null) {
            return f;
        }
        int i = functionIds.size();
        functionIndex.put(fn, i);
        functionIds.add(fn);
        lastSeen = grow(lastSeen, i + 1, Long.MIN_VALUE);
        return i;
    }

    private int layer(LayerId id) {
        Integer l = layerIndex.get(id);
        if (l != null) {
            return l;
        }
        int i = layerIds.size();
        layerIndex.put(id, i);
        layerIds.add(id);
        LayerRef ref = catalog.source(id);
        sizes = grow(sizes, i + 1, ref == null ? 1 : Math.max(1, ref.descriptor().sizeBytes()));
        if (i >= layerFns.length) {
            int old = layerFns.length;
            layerFns = java.util.Arrays.copyOf(layerFns, Math.max(i + 1, old * 2));
            for (int k = old; k < layerFns.length; k++) {
                layerFns[k] = new int[0];
            }
        }
        return i;
    }

    private static long[] grow(long[] a, int n, long fill) {
        if (n <= a.length) {
            a[n - 1] = fill;
            return a;
        }
        long[] b = java.util.Arrays.copyOf(a, Math.max(n, a.length * 2));
        java.util.Arrays.fill(b, a.length, b.length, fill);
        return b;
    }

    /** Invocations since the last run: margin outcomes, used prefetches, each function's new prediction. */
    private void drain() {
        for (Invoked i; (i = invocations.poll()) != null; ) {
            queuedInvocations.decrementAndGet();
            Integer f = functionIndex.get(i.functionId());
            if (f == null || f >= fnLayers.length) {
                continue; // not defined (yet): nothing to plan for
            }
            planning.beforeObserve(f, i.atMillis());
            lastSeen[f] = Math.max(lastSeen[f], i.atMillis());
            for (int l : fnLayers[f]) {
                if (planning.resident(l)) {
                    planning.onAccess(l, i.atMillis());
                }
            }
            planning.afterObserve(f, i.atMillis());
        }
    }

    // ---- NextUsePlanning.Source: the profiler's next-use model (or the active predictor's) ----------

    private NextUse use(int f, long at) {
        if (f != cachedF || at != cachedAt) {
            cachedF = f;
            cachedAt = at;
            cached = profiler.nextUse(functionIds.get(f), at);
        }
        return cached;
    }

    @Override
    public long lastSeen(int f) {
        if (lastSeen[f] != Long.MIN_VALUE) {
            return lastSeen[f];
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
        return profiler.nextUseProbability(functionIds.get(f), at, horizonMillis);
    }

    // ---- NextUsePlanning.Node: this appliance --------------------------------------------------------

    @Override
    public int[] layersOf(int f) {
        return f < fnLayers.length ? fnLayers[f] : new int[0];
    }

    @Override
    public int[] functionsUsing(int l) {
        return layerFns[l];
    }

    @Override
    public long sizeBytes(int l) {
        return sizes[l];
    }

    @Override
    public double fetchMillis(int l) {
        return settings.get().cost().fetchSeconds(sizes[l]) * 1000;
    }

    @Override
    public boolean resident(int l) {
        return store.isResident(layerIds.get(l));
    }

    @Override
    public boolean queued(int l) {
        FetchCoordinator f = fetches;
        return f != null && f.isFetching(layerIds.get(l));
    }

    @Override
    public boolean pinned(int l) {
        return pinned.contains(layerIds.get(l));
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
        LayerId id = layerIds.get(l);
        if (c != null && c.tryStartPrefetch(id, functionIds.get(f), score.applyAsDouble(id),
                settings.get().maxConcurrentPrefetches(), ExperimentArm.NONE)) {
            pendingPrefetch.add(id);
            return true;
        }
        return false;
    }
}

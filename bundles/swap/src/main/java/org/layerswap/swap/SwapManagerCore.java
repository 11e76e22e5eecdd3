package org.layerswap.swap;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ComposedRoot;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.RootLease;
import org.layerswap.api.ScoreListener;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prefetch and swap manager, without OSGi types.
 *
 * <p><b>Invocation path</b> ({@link #handleInvocation}): look up the function's stack in the
 * {@link FunctionLayerMap} (or the shadow candidate stack for the invocations a shadow rollout picks),
 * start on-demand fetches (ON_DEMAND priority) for missing own layers, and start prefetches for the
 * best-ranked predicted layers by handing them to a worker thread: nothing on this path waits for a
 * fetch, and no score is scanned; the ranked candidate list is precomputed on the worker whenever the
 * profiler reports changed scores ({@link ScoreListener}).
 *
 * <p><b>Swaps</b>: {@link #swap} with {@link SwapMode#ATOMIC} (new generation, one flip),
 * {@link SwapMode#COPY_ON_WRITE} (same, carrying the function's own writes), {@link SwapMode#SHADOW}
 * (a second root for the candidate set; {@link #recordOutcome} compares, {@link ShadowExperiment} decides).
 * With {@code composeAhead} a function's root is composed as soon as its layers are resident, before its
 * first invocation, and {@link #stage} swaps a new layer set in once its prefetches complete.
 */
public class SwapManagerCore implements SwapManager, ScoreListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SwapManagerCore.class);
    /** Suffix of the backend function id holding a shadow candidate root. */
    public static final String SHADOW_SUFFIX = "#shadow";
    private static final long PIN_RELEASE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long SHADOW_PIN_RELEASE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final BehavioralProfiler profiler;
    private final LayerStore store;
    private final LongSupplier clock;
    private volatile SwapSettings settings;
    private volatile PrefetchPlanner planner;
    private volatile EvictionPlanner evictor;
    private volatile FilesystemBackend backend;
    private volatile FeedbackLoop feedback;
    private volatile FunctionLayerMap map = FunctionLayerMap.empty();
    private volatile List<PrefetchPlanner.Planned> ranked = List.of();

    private final ConcurrentHashMap<LayerId, LayerRef> catalog = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LayerId, Double> scores = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LayerId, CompletableFuture<Path>> prefetching = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LayerId, CompletableFuture<Path>> onDemand = new ConcurrentHashMap<>();
    private final AtomicInteger prefetchesRunning = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ShadowExperiment> shadows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Staged> staged = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, FilesystemBackend> composedOn = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<LayerId>> composedLayers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Deque<Pins>> pins = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicBoolean rankScheduled = new AtomicBoolean();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong prefetchIds = new AtomicLong();
    private final Deque<SwapRecord> swapHistory = new ArrayDeque<>();
    private final Deque<PrefetchRecord> prefetchHistory = new ArrayDeque<>();
    private final FetchesInFlight inFlight = new FetchesInFlight();
    private final ConcurrentHashMap<String, FunctionDefinition> definitions = new ConcurrentHashMap<>();
    private final VariantRoots variants = new VariantRoots(new VariantHost());
    private final CopyOnWriteArrayList<CatalogListener> catalogListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<SwapHistoryListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService worker;
    private final ScheduledExecutorService swapper;
    private volatile AutoCloseable subscription;

    private record Staged(List<LayerId> layers, SwapMode mode, double share) {
    }

    private static final class Pins {
        final long generation;
        final List<LayerLease> leases;
        long supersededAtNanos = -1;
        final boolean shadowRemoved;

        Pins(long generation, List<LayerLease> leases, boolean shadowRemoved) {
            this.generation = generation;
            this.leases = leases;
            this.shadowRemoved = shadowRemoved;
        }
    }

    public SwapManagerCore(SwapSettings settings, BehavioralProfiler profiler, LayerStore store, FilesystemBackend backend,
                           LongSupplier clockMillis) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.profiler = Objects.requireNonNull(profiler, "profiler");
        this.store = Objects.requireNonNull(store, "layer store");
        this.backend = backend;
        this.clock = clockMillis == null ? System::currentTimeMillis : clockMillis;
        this.planner = new PrefetchPlanner(settings.cost());
        this.evictor = new EvictionPlanner(settings.cost());
        this.worker = Executors.newSingleThreadScheduledExecutor(daemon("layerswap-swap-planner"));
        this.swapper = Executors.newSingleThreadScheduledExecutor(daemon("layerswap-swap-composer"));
        this.swapper.scheduleWithFixedDelay(this::releaseStalePinsQuietly, 2, 2, TimeUnit.SECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Subscribes to the profiler's score changes and seeds the candidate index from its current scores. */
    public void start() {
        try {
            for (Map.Entry<LayerId, PredictionScore> e : profiler.scores().entrySet()) {
                scores.put(e.getKey(), e.getValue().score());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read the profiler's scores at start: {}", e.toString());
        }
        subscription = profiler.subscribe(this);
        scheduleRank();
    }

    @Override
    public void close() {
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("unsubscribing from the profiler: {}", e.toString());
            }
        }
        worker.shutdownNow();
        swapper.shutdownNow();
        for (Deque<Pins> d : pins.values()) {
            synchronized (d) {
                for (Pins p : d) {
                    p.leases.forEach(SwapManagerCore::closeQuietly);
                }
                d.clear();
            }
        }
    }

    // ---- configuration ----------------------------------------------------------------------------

    public SwapSettings settings() {
        return settings;
    }

    public void updateSettings(SwapSettings s) {
        this.settings = Objects.requireNonNull(s);
        this.planner = new PrefetchPlanner(s.cost());
        this.evictor = new EvictionPlanner(s.cost());
        scheduleRank();
    }

    public void setFeedbackLoop(FeedbackLoop f) {
        this.feedback = f;
    }

    public void addListener(SwapHistoryListener l) {
        listeners.add(l);
    }

    public void removeListener(SwapHistoryListener l) {
        listeners.remove(l);
    }

    /**
     * Declares a function's image: its layers (base first) with the repository they are pulled from.
     * Updates the {@link FunctionLayerMap} (and hands it to the profiler) and the layer catalog.
     */
    public void defineFunction(String functionId, String repository, List<LayerDescriptor> layers) {
        defineFunction(new FunctionDefinition(functionId, "", repository, layers, null));
    }

    /** Declares a function with its image config (what the executor needs to start it). */
    public void defineFunction(FunctionDefinition def) {
        String functionId = def.functionId();
        String repository = def.repository();
        List<LayerDescriptor> layers = def.layers();
        definitions.put(functionId, def);
        List<LayerId> before = map.layersOf(functionId);
        List<LayerId> ids = new ArrayList<>(layers.size());
        for (LayerDescriptor d : layers) {
            catalog.put(d.id(), new LayerRef(repository, d));
            ids.add(d.id());
        }
        synchronized (this) {
            map = map.with(functionId, ids);
            profiler.updateFunctionLayers(map);
        }
        variants.functionDefined(functionId, before, ids);
        notifyCatalog(l -> l.functionDefined(def));
        scheduleRank();
        if (settings.composeAhead() && allResident(ids)) {
            swapper.execute(() -> ensureComposedQuietly(functionId));
        }
    }

    /** Registers where layers come from without assigning them to a function (e.g. data layers). */
    public void defineLayer(String repository, LayerDescriptor layer) {
        catalog.put(layer.id(), new LayerRef(repository, layer));
    }

    /**
     * Binds data layers to an input parameter value of a defined function (see {@link VariantRoots}); replaces an
     * earlier binding of the same value. Returns the data layers.
     */
    public List<LayerId> bindDataLayer(org.layerswap.api.DataLayerBinding b) {
        if (!map.contains(b.functionId())) {
            throw new IllegalArgumentException("unknown function '" + b.functionId() + "'; defined functions: "
                    + String.join(", ", new java.util.TreeSet<>(map.functions())));
        }
        for (LayerDescriptor d : b.layers()) {
            catalog.putIfAbsent(d.id(), new LayerRef(b.repository(), d));
        }
        variants.bind(b);
        notifyCatalog(l -> l.dataLayerBound(b));
        LOG.info("function {}: {}={} selects data layer(s) {}", b.functionId(), b.paramName(), b.paramValue(), b.layerIds());
        return b.layerIds();
    }

    /** Binds a layer the manager already knows (by digest) as the data layer of {@code param=value}. */
    public List<LayerId> bindDataLayer(String functionId, String param, String value, LayerId layer) {
        LayerRef ref = catalog.get(layer);
        if (ref == null) {
            throw new IllegalArgumentException("unknown layer " + layer + ": give an image reference of the layer source or the"
                    + " digest of a layer of a defined function or bound data layer; known data layers: " + variants.bindings(null)
                    .stream().flatMap(x -> x.layerIds().stream()).map(LayerId::toString).distinct().toList());
        }
        return bindDataLayer(new org.layerswap.api.DataLayerBinding(functionId, param, value, layer.toString(), ref.repository(),
                List.of(ref.descriptor())));
    }

    @Override
    public List<org.layerswap.api.DataLayerBinding> dataLayerBindings(String functionId) {
        return variants.bindings(functionId);
    }

    /** Where a known layer is fetched from (layers of defined functions and bound data layers). */
    public java.util.Optional<LayerRef> layer(LayerId id) {
        return java.util.Optional.ofNullable(catalog.get(id));
    }

    /** Variant roots (parameter-selected data layers) kept per function, least recently used removed first. */
    public void setMaxVariantsPerFunction(int max) {
        variants.setMaxPerFunction(max);
    }

    /** The variant root keys of a function, least recently used first. */
    public List<String> variantRoots(String functionId) {
        return variants.variantKeys(functionId);
    }

    public void addCatalogListener(CatalogListener l) {
        catalogListeners.add(l);
    }

    public void removeCatalogListener(CatalogListener l) {
        catalogListeners.remove(l);
    }

    private void notifyCatalog(java.util.function.Consumer<CatalogListener> call) {
        for (CatalogListener l : catalogListeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("function catalog listener failed: {}", e.toString());
            }
        }
    }

    public FilesystemBackend backend() {
        return backend;
    }

    /**
     * Makes {@code next} the active backend: new compositions go there; every root on the previous
     * backend is composed on {@code next} and removed from the previous one, at once when no invocation
     * holds it, otherwise when its last invocation ends (drained: never torn down under a running one).
     */
    public void setBackend(FilesystemBackend next, String reason) {
        FilesystemBackend old = backend;
        backend = next;
        if (old == next) {
            return;
        }
        LOG.info("filesystem backend: {} ({})", next == null ? "none" : next.name(), reason);
        if (next != null) {
            swapper.execute(() -> migrate(next));
        }
    }

    // ---- the invocation path ----------------------------------------------------------------------

    @Override
    public InvocationPlan handleInvocation(String functionId, Map<String, String> inputParams) {
        long t0 = System.nanoTime();
        SwapSettings s = settings;
        long n = seq.incrementAndGet();
        List<LayerId> own = map.layersOf(functionId);
        List<LayerId> layers = variants.withDataLayers(functionId, own, inputParams);
        if (layers == own && !shadows.isEmpty()) { // invocations with data layers stay out of shadow rollouts
            ShadowExperiment sh = shadows.get(functionId);
            if (sh != null && sh.assignCandidate(n)) {
                layers = sh.candidate();
            }
        }
        FeedbackLoop fb = feedback;
        ExperimentArm arm = fb == null ? ExperimentArm.NONE : fb.assign(functionId, n);
        List<LayerId> missing = List.of();
        for (int i = 0; i < layers.size(); i++) {
            LayerId l = layers.get(i);
            if (!store.isResident(l)) {
                if (missing.isEmpty()) {
                    missing = new ArrayList<>(layers.size());
                }
                missing.add(l);
                fetchOnDemand(functionId, l, arm);
            }
        }
        List<LayerId> prefetched = List.of();
        if (arm != ExperimentArm.CONTROL && s.maxPrefetchesPerInvocation() > 0) {
            prefetched = startPrefetches(functionId, inputParams, s, arm);
        }
        return new InvocationPlan(functionId, layers, missing, prefetched, arm, System.nanoTime() - t0);
    }

    private List<LayerId> startPrefetches(String functionId, Map<String, String> params, SwapSettings s, ExperimentArm arm) {
        List<LayerId> started = List.of();
        int left = s.maxPrefetchesPerInvocation();
        Map<LayerId, Double> optional = profiler.optionalLayers(functionId, params == null ? Map.of() : params);
        if (!optional.isEmpty()) {
            for (Map.Entry<LayerId, Double> e : optional.entrySet()) {
                if (s.composeAhead() && e.getValue() >= s.threshold()) {
                    variants.predicted(functionId, e.getKey());
                }
                if (left > 0 && e.getValue() >= s.threshold() && tryStartPrefetch(e.getKey(), functionId, e.getValue(), s, arm)) {
                    started = add(started, e.getKey());
                    left--;
                }
            }
        }
        List<PrefetchPlanner.Planned> r = ranked;
        for (int i = 0; i < r.size() && left > 0; i++) {
            if (prefetchesRunning.get() >= s.maxConcurrentPrefetches()) {
                break;
            }
            PrefetchPlanner.Planned p = r.get(i);
            if (tryStartPrefetch(p.id(), functionId, p.score(), s, arm)) {
                started = add(started, p.id());
                left--;
            }
        }
        return started;
    }

    private static List<LayerId> add(List<LayerId> list, LayerId id) {
        List<LayerId> l = list.isEmpty() ? new ArrayList<>(4) : list;
        l.add(id);
        return l;
    }

    @Override
    public List<LayerId> prefetch(String functionOrLayer) {
        List<LayerId> wanted;
        String functionId = "";
        if (map.contains(functionOrLayer)) {
            functionId = functionOrLayer;
            wanted = map.layersOf(functionOrLayer);
        } else if (functionOrLayer != null && functionOrLayer.startsWith("sha")) {
            LayerId id = LayerId.of(functionOrLayer);
            if (!catalog.containsKey(id)) {
                throw new IllegalArgumentException("layer " + id + " belongs to no defined function");
            }
            wanted = List.of(id);
        } else {
            throw new IllegalArgumentException("'" + functionOrLayer + "' is neither a defined function nor a layer digest; functions: "
                    + String.join(", ", new java.util.TreeSet<>(map.functions())));
        }
        SwapSettings s = settings;
        List<LayerId> started = new ArrayList<>();
        for (LayerId id : wanted) {
            // the operator asked: treat it as certain, within the usual concurrency limit
            if (tryStartPrefetch(id, functionId, 1.0, s, ExperimentArm.NONE)) {
                started.add(id);
            }
        }
        return started;
    }

    /** Claims a prefetch slot and hands the fetch to the worker; never blocks. */
    private boolean tryStartPrefetch(LayerId id, String functionId, double score, SwapSettings s, ExperimentArm arm) {
        if (prefetching.containsKey(id) || onDemand.containsKey(id) || store.isResident(id)) {
            return false;
        }
        LayerRef ref = catalog.get(id);
        if (ref == null) {
            return false;
        }
        if (prefetchesRunning.incrementAndGet() > s.maxConcurrentPrefetches()) {
            prefetchesRunning.decrementAndGet();
            return false;
        }
        CompletableFuture<Path> done = new CompletableFuture<>();
        if (prefetching.putIfAbsent(id, done) != null) {
            prefetchesRunning.decrementAndGet();
            return false;
        }
        long recordId = prefetchIds.incrementAndGet();
        inFlight.started(recordId, id, functionId, FetchPriority.PREFETCH, score, clock.getAsLong(), ref.descriptor().sizeBytes());
        try {
            worker.execute(() -> runPrefetch(recordId, id, ref, functionId, score, done, arm));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.finished(recordId);
            prefetching.remove(id, done);
            prefetchesRunning.decrementAndGet();
            return false;
        }
        return true;
    }

    private void runPrefetch(long recordId, LayerId id, LayerRef ref, String functionId, double score, CompletableFuture<Path> done,
                             ExperimentArm arm) {
        long started = clock.getAsLong();
        long t0 = System.nanoTime();
        CompletableFuture<Path> f;
        try {
            String room = makeRoom(id, ref.descriptor().sizeBytes(), score);
            if (room != null) {
                finishPrefetch(recordId, id, ref, functionId, score, started, t0, null, new IllegalStateException(room), done, arm);
                return;
            }
            f = store.fetch(ref.repository(), ref.descriptor(), FetchPriority.PREFETCH);
        } catch (RuntimeException e) {
            finishPrefetch(recordId, id, ref, functionId, score, started, t0, null, e, done, arm);
            return;
        }
        f.whenComplete((p, e) -> finishPrefetch(recordId, id, ref, functionId, score, started, t0, p, e, done, arm));
    }

    private void finishPrefetch(long recordId, LayerId id, LayerRef ref, String functionId, double score, long started, long t0,
                                Path p, Throwable e, CompletableFuture<Path> done, ExperimentArm arm) {
        prefetching.remove(id, done);
        prefetchesRunning.decrementAndGet();
        inFlight.finished(recordId);
        record(new PrefetchRecord(recordId, id, functionId, FetchPriority.PREFETCH, score, started,
                (System.nanoTime() - t0) / 1000, e == null, ref.descriptor().sizeBytes(), e == null ? "" : message(e)));
        if (e == null) {
            reportFetch(functionId, arm, FetchPriority.PREFETCH, ref.descriptor().sizeBytes());
            done.complete(p);
            onResident(id);
        } else {
            done.completeExceptionally(e);
        }
        scheduleRank();
    }

    /**
     * Frees storage for a prefetch of {@code bytes} by evicting unreferenced layers in
     * {@link EvictionPlanner} order (unpredicted first, least recently used first).
     * Returns null when there is room, else why not (the prefetch is then skipped).
     */
    private String makeRoom(LayerId id, long bytes, double score) {
        LayerStoreStats st = store.stats();
        long need = st.usedBytes() + bytes - st.budgetBytes();
        if (st.budgetBytes() <= 0 || need <= 0) {
            return null;
        }
        double threshold = settings.threshold();
        long now = clock.getAsLong(); // the store's lastUsedMillis is wall-clock time, this clock when live
        Map<LayerId, Long> lastUsed = new HashMap<>();
        List<org.layerswap.api.ResidentLayer> resident = store.resident();
        resident.forEach(r -> lastUsed.put(r.id(), r.lastUsedMillis()));
        List<LayerId> victims = evictor.victims(resident, l -> scores.getOrDefault(l, 0.0), need, threshold);
        for (LayerId v : victims) {
            if (!EvictionPlanner.mayEvictForPrefetch(scores.getOrDefault(v, 0.0), lastUsed.getOrDefault(v, now), threshold, now)) {
                return "no room for " + id + " (" + bytes + " bytes): the evictable layers are predicted or were used within "
                        + EvictionPlanner.PREFETCH_MIN_IDLE_MILLIS / 60_000 + " min";
            }
        }
        long freed = 0;
        for (LayerId v : victims) {
            if (store.evict(v)) {
                freed++;
            }
        }
        LOG.debug("evicted {} layer(s) to prefetch {}", freed, id);
        return null;
    }

    private CompletableFuture<Path> fetchOnDemand(String functionId, LayerId id, ExperimentArm arm) {
        CompletableFuture<Path> existing = onDemand.get(id);
        if (existing != null) {
            return existing;
        }
        LayerRef ref = catalog.get(id);
        if (ref == null) {
            IllegalStateException e = new IllegalStateException("layer " + id + " of function " + functionId
                    + " is not resident and its repository is unknown (define the function first)");
            record(new PrefetchRecord(prefetchIds.incrementAndGet(), id, functionId, FetchPriority.ON_DEMAND, Double.NaN,
                    clock.getAsLong(), 0, false, 0, e.getMessage()));
            return CompletableFuture.failedFuture(e);
        }
        long started = clock.getAsLong();
        long t0 = System.nanoTime();
        CompletableFuture<Path> f;
        try {
            f = store.fetch(ref.repository(), ref.descriptor(), FetchPriority.ON_DEMAND);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Path> prev = onDemand.putIfAbsent(id, f);
        if (prev != null) {
            return prev;
        }
        CompletableFuture<Path> mine = f;
        long recordId = prefetchIds.incrementAndGet();
        inFlight.started(recordId, id, functionId, FetchPriority.ON_DEMAND, Double.NaN, started, ref.descriptor().sizeBytes());
        f.whenComplete((p, e) -> {
            onDemand.remove(id, mine);
            inFlight.finished(recordId);
            record(new PrefetchRecord(recordId, id, functionId, FetchPriority.ON_DEMAND, Double.NaN,
                    started, (System.nanoTime() - t0) / 1000, e == null, ref.descriptor().sizeBytes(), e == null ? "" : message(e)));
            if (e == null) {
                reportFetch(functionId, arm, FetchPriority.ON_DEMAND, ref.descriptor().sizeBytes());
                onResident(id);
            }
        });
        return f;
    }

    /** Tells the feedback loop (when bound) what bytes were transferred on behalf of which arm. */
    private void reportFetch(String functionId, ExperimentArm arm, FetchPriority priority, long bytes) {
        FeedbackLoop fb = feedback;
        if (fb != null) {
            try {
                fb.recordFetch(functionId, arm, priority, bytes, clock.getAsLong());
            } catch (RuntimeException e) {
                LOG.warn("feedback loop recordFetch failed: {}", e.toString());
            }
        }
    }

    /** Completes when the plan's missing layers are resident (the on-demand part an invocation must wait for). */
    public CompletableFuture<Void> awaitLayers(InvocationPlan plan) {
        List<CompletableFuture<Path>> fs = new ArrayList<>();
        for (LayerId l : plan.missing()) {
            if (!store.isResident(l)) {
                fs.add(fetchOnDemand(plan.functionId(), l, plan.arm()));
            }
        }
        return CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0]));
    }

    /** Waits (bounded) for the plan's missing layers, then pins its root: the api's invocation path. */
    @Override
    public RootLease enter(InvocationPlan plan, long timeoutMillis) throws java.io.IOException {
        long t0 = System.nanoTime();
        try {
            awaitLayers(plan).get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new java.io.IOException("layers of " + plan.functionId() + " not resident within " + timeoutMillis + " ms: " + plan.missing());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new java.io.IOException("fetching layers of " + plan.functionId() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted while waiting for layers of " + plan.functionId(), e);
        }
        long t1 = System.nanoTime();
        RootLease lease = enter(plan);
        return new TimedRootLease(lease, (t1 - t0) / 1000, (System.nanoTime() - t1) / 1000);
    }

    /**
     * Pins the root the plan's invocation runs in (the shadow candidate root when the plan was assigned to
     * it), composing it first if it is not ready. Close the lease when the invocation ends.
     */
    public RootLease enter(InvocationPlan plan) throws java.io.IOException {
        String fn = plan.functionId();
        ShadowExperiment sh = shadows.get(fn);
        RootLease l = variants.enter(fn, plan.layers()); // null unless the plan has parameter-selected data layers
        if (l == null && sh != null && plan.layers().equals(sh.candidate())) {
            FilesystemBackend sb = composedOn.get(fn + SHADOW_SUFFIX);
            if (sb != null) {
                try {
                    l = sb.enter(fn + SHADOW_SUFFIX);
                } catch (java.io.IOException e) {
                    l = null; // the rollout was decided meanwhile: run on the main root
                }
            }
        }
        if (l == null) {
            FilesystemBackend b = composedOn.get(fn);
            if (b == null || !map.layersOf(fn).equals(composedLayers.get(fn))) {
                SwapRecord r = ensureComposed(fn);
                if (r != null && r.outcome() == SwapOutcome.FAILED) {
                    throw new java.io.IOException("cannot compose the root of " + fn + ": " + r.detail());
                }
                b = composedOn.get(fn);
                if (b == null) {
                    throw new java.io.IOException("function " + fn + " has no composed root");
                }
            }
            try {
                l = b.enter(fn);
            } catch (java.io.IOException e) {
                FilesystemBackend now = composedOn.get(fn);
                if (now == null || now == b) {
                    throw e;
                }
                l = now.enter(fn); // migrated to another backend meanwhile
            }
        }
        RootLease lease = l;
        AtomicInteger c = live.computeIfAbsent(fn, k -> new AtomicInteger());
        c.incrementAndGet();
        return new ForwardingRootLease(lease.functionId(), lease, c::decrementAndGet);
    }

    /** Invocations in flight per function (those holding a lease from {@link #enter(InvocationPlan)}). */
    public int inFlight(String functionId) {
        AtomicInteger c = live.get(functionId);
        return c == null ? 0 : c.get();
    }

    /**
     * Feeds one invocation's outcome to a running shadow rollout of its function (the feedback loop calls
     * this). The arm is recognised from {@code plan.layers()}.
     */
    public void recordOutcome(InvocationPlan plan, InvocationOutcome outcome) {
        ShadowExperiment sh = shadows.get(plan.functionId());
        if (sh == null) {
            return;
        }
        boolean onCandidate = plan.layers().equals(sh.candidate());
        if (!onCandidate && !plan.layers().equals(sh.current())) {
            return; // ran on neither arm (e.g. a variant root with data layers)
        }
        ShadowExperiment.Decision d = sh.record(onCandidate, outcome.totalMicros(), outcome.error());
        if (d != ShadowExperiment.Decision.PENDING) {
            swapper.execute(() -> finishShadow(plan.functionId(), sh, d));
        }
    }

    // ---- swaps ------------------------------------------------------------------------------------

    @Override
    public SwapRecord swap(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
        synchronized (lock(functionId)) {
            return doSwap(functionId, layers, mode, shadowShare, "");
        }
    }

    /**
     * Schedules a swap for before the function's next invocation: the layers are prefetched (PREFETCH
     * priority) and the swap runs as soon as all are resident.
     */
    public void stage(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
        staged.put(functionId, new Staged(List.copyOf(layers), mode, shadowShare));
        boolean all = true;
        for (LayerId l : layers) {
            if (!store.isResident(l)) {
                all = false;
                LayerRef ref = catalog.get(l);
                if (ref == null) {
                    throw new IllegalArgumentException("cannot stage layer " + l + " for " + functionId + ": unknown repository");
                }
                long t0 = System.nanoTime();
                long started = clock.getAsLong();
                long recordId = prefetchIds.incrementAndGet();
                inFlight.started(recordId, l, functionId, FetchPriority.PREFETCH, 1.0, started, ref.descriptor().sizeBytes());
                CompletableFuture<Path> f = store.fetch(ref.repository(), ref.descriptor(), FetchPriority.PREFETCH);
                f.whenComplete((p, e) -> {
                    inFlight.finished(recordId);
                    record(new PrefetchRecord(recordId, l, functionId, FetchPriority.PREFETCH, 1.0,
                            started, (System.nanoTime() - t0) / 1000, e == null, ref.descriptor().sizeBytes(),
                            e == null ? "staged swap" : message(e)));
                    if (e == null) {
                        onResident(l);
                    }
                });
            }
        }
        if (all) {
            swapper.execute(() -> runStaged(functionId));
        }
    }

    private void onResident(LayerId id) {
        if (!staged.isEmpty()) {
            for (Map.Entry<String, Staged> e : staged.entrySet()) {
                if (e.getValue().layers().contains(id) && allResident(e.getValue().layers())) {
                    swapper.execute(() -> runStaged(e.getKey()));
                }
            }
        }
        if (settings.composeAhead()) {
            variants.onResident(id);
            FilesystemBackend b = backend;
            FunctionLayerMap m = map;
            for (String fn : m.functionsUsing(id)) {
                List<LayerId> layers = m.layersOf(fn);
                if ((composedOn.get(fn) != b || !layers.equals(composedLayers.get(fn))) && !staged.containsKey(fn)
                        && !shadows.containsKey(fn) && allResident(layers)) {
                    swapper.execute(() -> ensureComposedQuietly(fn));
                }
            }
        }
    }

    private void runStaged(String fn) {
        Staged s = staged.get(fn);
        if (s == null || !allResident(s.layers())) {
            return;
        }
        if (staged.remove(fn, s)) {
            swap(fn, s.layers(), s.mode(), s.share());
        }
    }

    private void ensureComposedQuietly(String fn) {
        try {
            ensureComposed(fn);
        } catch (RuntimeException e) {
            LOG.warn("composing {} ahead of its invocation failed: {}", fn, e.toString());
        }
    }

    /** Composes {@code fn}'s mapped stack on the active backend unless it already is; null when nothing to do. */
    private SwapRecord ensureComposed(String fn) {
        synchronized (lock(fn)) {
            FilesystemBackend b = backend;
            List<LayerId> layers = map.layersOf(fn);
            if (b == null || layers.isEmpty() || (composedOn.get(fn) == b && layers.equals(composedLayers.get(fn)))) {
                return null;
            }
            if (composedOn.get(fn) == null) {
                SwapRecord adopted = adopt(fn, b, layers);
                if (adopted != null) {
                    return adopted;
                }
            }
            return doSwap(fn, layers, SwapMode.ATOMIC, 0, composedLayers.containsKey(fn) ? "" : "composed ahead of invocation");
        }
    }

    /**
     * After a restart the backend's recovery may still hold the function's root: adopt it (pin its layers,
     * no new generation) when it is built from exactly the store directories of {@code layers}.
     */
    private SwapRecord adopt(String fn, FilesystemBackend b, List<LayerId> layers) {
        ComposedRoot existing = null;
        for (ComposedRoot r : b.composed()) {
            if (r.functionId().equals(fn)) {
                existing = r;
                break;
            }
        }
        if (existing == null || existing.layerDirs().size() != layers.size()) {
            return null;
        }
        for (int i = 0; i < layers.size(); i++) {
            java.util.Optional<Path> p = store.path(layers.get(i));
            if (p.isEmpty() || !p.get().toAbsolutePath().normalize().equals(existing.layerDirs().get(i).toAbsolutePath().normalize())) {
                return null;
            }
        }
        long id = ids.incrementAndGet();
        long started = clock.getAsLong();
        try {
            List<LayerLease> leases = acquireAll(fn, layers);
            commit(fn, b, layers, existing.generation(), leases);
            return record(new SwapRecord(id, fn, List.of(), layers, SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, started, 0,
                    "adopted root generation " + existing.generation() + " recovered by the " + b.name() + " backend"));
        } catch (Exception e) {
            return null;
        }
    }

    private SwapRecord doSwap(String fn, List<LayerId> layers, SwapMode mode, double share, String note) {
        long id = ids.incrementAndGet();
        long started = clock.getAsLong();
        long t0 = System.nanoTime();
        List<LayerId> from = composedLayers.getOrDefault(fn, List.of());
        FilesystemBackend b = backend;
        List<LayerLease> leases = List.of();
        try {
            if (b == null) {
                throw new IllegalStateException("no filesystem backend is available");
            }
            if (layers == null || layers.isEmpty()) {
                throw new IllegalArgumentException("swap of " + fn + " to an empty layer set");
            }
            if (mode == SwapMode.SHADOW && shadows.containsKey(fn)) {
                throw new IllegalStateException("function " + fn + " already has a shadow rollout running");
            }
            leases = acquireAll(fn, layers);
            List<Path> dirs = new ArrayList<>(leases.size());
            for (LayerLease l : leases) {
                dirs.add(l.path());
            }
            SwapOutcome outcome = SwapOutcome.SUCCEEDED;
            String detail = note;
            if (mode == SwapMode.SHADOW && !from.isEmpty()) {
                double s = share > 0 && share < 1 ? share : settings.shadowShare();
                ComposedRoot r = b.compose(fn + SHADOW_SUFFIX, dirs);
                commit(fn + SHADOW_SUFFIX, b, layers, r.generation(), leases);
                SwapSettings st = settings;
                shadows.put(fn, new ShadowExperiment(id, from, layers, s, st.minShadowSamples(), st.shadowErrorTolerance(),
                        st.shadowLatencyTolerance(), started));
                outcome = SwapOutcome.SHADOWING;
                detail = "share " + s;
            } else {
                ComposedRoot r = mode == SwapMode.COPY_ON_WRITE ? b.composeKeepingWrites(fn, dirs) : b.compose(fn, dirs);
                commit(fn, b, layers, r.generation(), leases);
                if (mode == SwapMode.SHADOW) {
                    detail = "no current layer set to compare with: composed directly";
                }
                updateMap(fn, layers);
            }
            return record(new SwapRecord(id, fn, from, layers, mode, outcome, started, (System.nanoTime() - t0) / 1000, detail));
        } catch (Exception e) {
            leases.forEach(SwapManagerCore::closeQuietly);
            LOG.warn("swap of {} to {} ({}) failed: {}", fn, layers, mode, message(e));
            return record(new SwapRecord(id, fn, from, layers == null ? List.of() : layers, mode == null ? SwapMode.ATOMIC : mode,
                    SwapOutcome.FAILED, started, (System.nanoTime() - t0) / 1000, message(e)));
        }
    }

    private void finishShadow(String fn, ShadowExperiment sh, ShadowExperiment.Decision d) {
        synchronized (lock(fn)) {
            if (!shadows.remove(fn, sh)) {
                return;
            }
            String shadowKey = fn + SHADOW_SUFFIX;
            FilesystemBackend shadowBackend = composedOn.remove(shadowKey);
            composedLayers.remove(shadowKey);
            SwapOutcome outcome = d == ShadowExperiment.Decision.PROMOTE ? SwapOutcome.PROMOTED : SwapOutcome.ROLLED_BACK;
            String detail = sh.summary();
            if (outcome == SwapOutcome.PROMOTED) {
                SwapRecord r = doSwap(fn, sh.candidate(), SwapMode.ATOMIC, 0, "promotion of shadow swap " + sh.recordId());
                if (r.outcome() == SwapOutcome.FAILED) {
                    outcome = SwapOutcome.FAILED;
                    detail = "promotion failed: " + r.detail() + "; " + detail;
                }
            }
            if (shadowBackend != null) {
                try {
                    shadowBackend.remove(shadowKey); // drained: torn down when its last invocation ends
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.warn("removing the shadow root of {}: {}", fn, e.toString());
                }
            }
            Deque<Pins> d2 = pins.get(shadowKey);
            if (d2 != null) {
                synchronized (d2) {
                    for (Pins p : d2) {
                        if (p.supersededAtNanos < 0) {
                            p.supersededAtNanos = System.nanoTime() + SHADOW_PIN_RELEASE_DELAY_NANOS - PIN_RELEASE_DELAY_NANOS;
                        }
                    }
                }
            }
            record(new SwapRecord(sh.recordId(), fn, sh.current(), sh.candidate(), SwapMode.SHADOW, outcome,
                    sh.startedMillis(), (System.nanoTime() - sh.startedNanos()) / 1000, detail));
            LOG.info("shadow rollout of {} {}: {}", fn, outcome, detail);
        }
    }

    private void migrate(FilesystemBackend next) {
        for (Map.Entry<String, FilesystemBackend> e : new ArrayList<>(composedOn.entrySet())) {
            String key = e.getKey();
            FilesystemBackend old = e.getValue();
            if (old == next) {
                continue;
            }
            String fn = key.endsWith(SHADOW_SUFFIX) ? key.substring(0, key.length() - SHADOW_SUFFIX.length()) : key;
            synchronized (lock(fn)) {
                if (composedOn.get(key) != old || backend != next) {
                    continue;
                }
                long id = ids.incrementAndGet();
                long started = clock.getAsLong();
                long t0 = System.nanoTime();
                List<LayerId> layers = composedLayers.getOrDefault(key, List.of());
                List<LayerLease> leases = List.of();
                try {
                    leases = acquireAll(fn, layers);
                    List<Path> dirs = new ArrayList<>();
                    for (LayerLease l : leases) {
                        dirs.add(l.path());
                    }
                    ComposedRoot r = next.compose(key, dirs);
                    commit(key, next, layers, r.generation(), leases);
                    boolean removedNow;
                    try {
                        removedNow = old.remove(key);
                    } catch (java.io.IOException | RuntimeException ex) {
                        removedNow = false;
                        LOG.warn("removing {} from the {} backend: {}", key, old.name(), ex.toString());
                    }
                    record(new SwapRecord(id, fn, layers, layers, SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, started,
                            (System.nanoTime() - t0) / 1000, "migrated " + key + " from backend " + old.name() + " to "
                            + next.name() + (removedNow ? "" : " (old root drains: invocations still running)")));
                } catch (Exception ex) {
                    leases.forEach(SwapManagerCore::closeQuietly);
                    record(new SwapRecord(id, fn, layers, layers, SwapMode.ATOMIC, SwapOutcome.FAILED, started,
                            (System.nanoTime() - t0) / 1000, "migration from " + old.name() + " to " + next.name()
                            + " failed: " + message(ex)));
                }
            }
        }
    }

    private List<LayerLease> acquireAll(String fn, List<LayerId> layers) throws Exception {
        List<LayerLease> out = new ArrayList<>(layers.size());
        try {
            for (LayerId l : layers) {
                if (!store.isResident(l)) {
                    LayerRef ref = catalog.get(l);
                    if (ref == null) {
                        throw new IllegalStateException("layer " + l + " is not resident and its repository is unknown");
                    }
                    store.fetch(ref.repository(), ref.descriptor(), FetchPriority.PREFETCH).get(10, TimeUnit.MINUTES);
                }
                out.add(store.acquire(l));
            }
            return out;
        } catch (Exception e) {
            out.forEach(SwapManagerCore::closeQuietly);
            throw e;
        }
    }

    private void commit(String key, FilesystemBackend b, List<LayerId> layers, long generation, List<LayerLease> leases) {
        composedOn.put(key, b);
        composedLayers.put(key, List.copyOf(layers));
        Deque<Pins> d = pins.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (d) {
            long now = System.nanoTime();
            for (Pins p : d) {
                if (p.supersededAtNanos < 0) {
                    p.supersededAtNanos = now;
                }
            }
            d.addLast(new Pins(generation, leases, false));
        }
    }

    private synchronized void updateMap(String fn, List<LayerId> layers) {
        if (!layers.equals(map.layersOf(fn))) {
            map = map.with(fn, layers);
            profiler.updateFunctionLayers(map);
        }
    }

    /**
     * Layer pins of superseded generations are released once the backend reports no invocation on the
     * function and {@value #PIN_RELEASE_DELAY_NANOS} ns passed (covering the backend's grace period).
     */
    private void releaseStalePinsQuietly() {
        try {
            Map<String, Integer> active = new HashMap<>();
            for (FilesystemBackend b : new java.util.HashSet<>(composedOn.values())) {
                for (ComposedRoot r : b.composed()) {
                    active.merge(r.functionId(), r.activeLeases(), Integer::sum);
                }
            }
            long now = System.nanoTime();
            for (Map.Entry<String, Deque<Pins>> e : pins.entrySet()) {
                Deque<Pins> d = e.getValue();
                synchronized (d) {
                    for (Iterator<Pins> it = d.iterator(); it.hasNext(); ) {
                        Pins p = it.next();
                        if (p.supersededAtNanos >= 0 && now - p.supersededAtNanos >= PIN_RELEASE_DELAY_NANOS
                                && active.getOrDefault(e.getKey(), 0) == 0) {
                            p.leases.forEach(SwapManagerCore::closeQuietly);
                            it.remove();
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("releasing layer pins: {}", e.toString());
        }
    }

    private Object lock(String fn) {
        return locks.computeIfAbsent(fn, k -> new Object());
    }

    private boolean allResident(Collection<LayerId> layers) {
        for (LayerId l : layers) {
            if (!store.isResident(l)) {
                return false;
            }
        }
        return true;
    }

    // ---- scores and the candidate index -----------------------------------------------------------

    @Override
    public void scoresChanged(List<PredictionScore> changed) {
        SwapSettings st = settings;
        for (PredictionScore s : changed) {
            scores.put(s.layerId(), s.score());
            if (st.composeAhead() && s.score() >= st.threshold() && variants.isDataLayer(s.layerId())) {
                variants.predicted(s.layerId());
            }
        }
        scheduleRank();
    }

    private void scheduleRank() {
        if (rankScheduled.compareAndSet(false, true)) {
            try {
                worker.execute(this::rebuildRanking);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                rankScheduled.set(false);
            }
        }
    }

    private void rebuildRanking() {
        rankScheduled.set(false);
        try {
            SwapSettings s = settings;
            List<PrefetchPlanner.Candidate> candidates = new ArrayList<>();
            for (Map.Entry<LayerId, Double> e : scores.entrySet()) {
                if (e.getValue() >= s.threshold()) {
                    LayerRef ref = catalog.get(e.getKey());
                    if (ref != null) {
                        long size = ref.descriptor().sizeBytes();
                        candidates.add(new PrefetchPlanner.Candidate(e.getKey(), e.getValue(), size, size));
                    }
                }
            }
            LayerStoreStats st = store.stats();
            List<PrefetchPlanner.Planned> r = planner.rank(candidates, nodeView(), st.usedBytes(), st.budgetBytes(), s.threshold());
            ranked = List.copyOf(r.subList(0, Math.min(r.size(), s.candidateLimit())));
            if (s.prefetchOnScoreChange()) {
                for (PrefetchPlanner.Planned p : ranked) {
                    if (prefetchesRunning.get() >= s.maxConcurrentPrefetches()) {
                        break;
                    }
                    tryStartPrefetch(p.id(), "", p.score(), s, ExperimentArm.NONE);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("rebuilding the prefetch candidate list failed: {}", e.toString());
        }
    }

    /** The planner's view of this node: store residency, running fetches, live functions. */
    public PrefetchPlanner.NodeView nodeView() {
        return new PrefetchPlanner.NodeView() {
            @Override
            public boolean isResident(LayerId id) {
                return store.isResident(id);
            }

            @Override
            public boolean isFetching(LayerId id) {
                return prefetching.containsKey(id) || onDemand.containsKey(id);
            }

            @Override
            public double disruption(LayerId id) {
                var users = map.functionsUsing(id);
                if (users.isEmpty()) {
                    return 0;
                }
                int liveUsers = 0;
                for (String fn : users) {
                    if (inFlight(fn) > 0) {
                        liveUsers++;
                    }
                }
                return (double) liveUsers / users.size();
            }
        };
    }

    /** The current ranked candidate list (what the invocation path prefetches from). */
    public List<PrefetchPlanner.Planned> ranked() {
        return ranked;
    }

    // ---- history ----------------------------------------------------------------------------------

    private SwapRecord record(SwapRecord r) {
        synchronized (swapHistory) {
            swapHistory.addFirst(r);
            while (swapHistory.size() > settings.historySize()) {
                swapHistory.removeLast();
            }
        }
        for (SwapHistoryListener l : listeners) {
            try {
                l.swapRecorded(r);
            } catch (RuntimeException e) {
                LOG.warn("swap history listener failed: {}", e.toString());
            }
        }
        return r;
    }

    private void record(PrefetchRecord r) {
        synchronized (prefetchHistory) {
            prefetchHistory.addFirst(r);
            while (prefetchHistory.size() > settings.historySize()) {
                prefetchHistory.removeLast();
            }
        }
        for (SwapHistoryListener l : listeners) {
            try {
                l.prefetchRecorded(r);
            } catch (RuntimeException e) {
                LOG.warn("prefetch history listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public List<SwapRecord> swapHistory(int limit) {
        synchronized (swapHistory) {
            return swapHistory.stream().limit(Math.max(0, limit)).toList();
        }
    }

    @Override
    public java.util.Optional<FunctionDefinition> function(String functionId) {
        return java.util.Optional.ofNullable(definitions.get(functionId));
    }

    @Override
    public List<PrefetchRecord> fetchesInFlight() {
        return inFlight.snapshot();
    }

    @Override
    public List<PrefetchRecord> prefetchHistory(int limit) {
        synchronized (prefetchHistory) {
            return prefetchHistory.stream().limit(Math.max(0, limit)).toList();
        }
    }

    @Override
    public double threshold() {
        return settings.threshold();
    }

    @Override
    public void setThreshold(double threshold) {
        updateSettings(settings.withThreshold(threshold));
    }

    @Override
    public FunctionLayerMap functionLayers() {
        return map;
    }

    /** The layers composed for each function (and shadow root) and the backend holding it. */
    public Map<String, String> composedView() {
        Map<String, String> out = new java.util.TreeMap<>();
        composedOn.forEach((k, b) -> {
            String variant = variants.describe(k);
            out.put(k, b.name() + " " + composedLayers.getOrDefault(k, List.of()).size() + " layers"
                    + (variant == null ? "" : " (" + variant + ")"));
        });
        return out;
    }

    public boolean isShadowing(String functionId) {
        return shadows.containsKey(functionId);
    }

    /** What {@link VariantRoots} needs of this core: composition, pins and locks shared with the function roots. */
    private final class VariantHost implements VariantRoots.Host {
        @Override
        public FilesystemBackend backend() {
            return backend;
        }

        @Override
        public FilesystemBackend composedOn(String key) {
            return composedOn.get(key);
        }

        @Override
        public List<LayerId> composedLayers(String key) {
            return composedLayers.get(key);
        }

        @Override
        public void compose(String fn, String key, FilesystemBackend b, List<LayerId> layers, String note) throws Exception {
            long id = ids.incrementAndGet();
            long started = clock.getAsLong();
            long t0 = System.nanoTime();
            List<LayerId> from = composedLayers.getOrDefault(key, List.of());
            List<LayerLease> leases = List.of();
            try {
                leases = acquireAll(fn, layers);
                List<Path> dirs = new ArrayList<>(leases.size());
                for (LayerLease l : leases) {
                    dirs.add(l.path());
                }
                ComposedRoot r = b.compose(key, dirs);
                commit(key, b, layers, r.generation(), leases);
                record(new SwapRecord(id, fn, from, layers, SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, started,
                        (System.nanoTime() - t0) / 1000, note));
            } catch (Exception e) {
                leases.forEach(SwapManagerCore::closeQuietly);
                record(new SwapRecord(id, fn, from, layers, SwapMode.ATOMIC, SwapOutcome.FAILED, started,
                        (System.nanoTime() - t0) / 1000, note + ": " + message(e)));
                throw e;
            }
        }

        @Override
        public void discard(String fn, String key) {
            FilesystemBackend b = composedOn.remove(key);
            composedLayers.remove(key);
            if (b != null) {
                try {
                    b.remove(key); // drained by the backend should an invocation still hold it
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.warn("removing the variant root {} of {}: {}", key, fn, e.toString());
                }
            }
            Deque<Pins> d = pins.get(key);
            if (d != null) {
                synchronized (d) {
                    long now = System.nanoTime();
                    for (Pins p : d) {
                        if (p.supersededAtNanos < 0) {
                            p.supersededAtNanos = now;
                        }
                    }
                }
            }
        }

        @Override
        public List<LayerId> stackOf(String fn) {
            return map.layersOf(fn);
        }

        @Override
        public boolean isResident(LayerId id) {
            return store.isResident(id);
        }

        @Override
        public void async(Runnable r) {
            try {
                swapper.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("swap manager closed: variant root task dropped");
            }
        }

        @Override
        public Object lock(String key) {
            return SwapManagerCore.this.lock(key);
        }
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static void closeQuietly(LayerLease l) {
        try {
            l.close();
        } catch (RuntimeException e) {
            LOG.debug("closing layer lease {}: {}", l.id(), e.toString());
        }
    }
}

package org.layerswap.swap;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchBudgetStatus;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.RestartReport;
import org.layerswap.api.RootLease;
import org.layerswap.api.ScoreListener;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapRecord;
import org.layerswap.api.cluster.FunctionPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prefetch and swap manager, without OSGi types: an orchestrator assembled from small collaborators (like
 * Karaf's {@code FeaturesServiceImpl}), each with its own unit test.
 * <ul>
 * <li>{@link LayerCatalog}: definitions, the function → stack map, layer sources, catalog listeners;</li>
 * <li>{@link FetchCoordinator}: prefetches, on-demand and staged fetches, their records;</li>
 * <li>{@link PrefetchRanking}: scores, the ranked candidate list, eviction for a prefetch;</li>
 * <li>{@link NextUsePlanner}: with {@code nextUsePlanning}, {@link NextUsePlanning} (the replay's code) on the planner
 * thread ({@link PlannerWakeUps}: each interval, on a run, score change or due start): just-in-time prefetches,
 * eviction;</li>
 * <li>{@link RootComposer} + {@link PinLedger}: the one acquire → compose → commit → record sequence (swaps,
 * migrations, variant roots) and the store pins of every generation;</li>
 * <li>{@link SwapRunner}: the swap modes, staged swaps, composing ahead, the function root an invocation enters;</li>
 * <li>{@link InvocationPath}: the invocation path (plan an invocation without waiting, enter its root, count the
 * invocations in flight);</li>
 * <li>{@link ShadowRollouts}, {@link VariantRoots}, and two {@link BoundedHistory}s;</li>
 * <li>{@link RestartRecovery} (recovered roots adopted, interrupted prefetches resumed) and {@link IdleRoots} (eviction
 * may retire idle roots).</li>
 * </ul>
 * What stays here is the {@link SwapManager} facade (mostly one-line delegations: the restart, planner and placement
 * hooks too), the wiring of the collaborators and the two threads.
 *
 * <p><b>Invocation path</b> ({@link #handleInvocation}, {@link InvocationPath}): look up the function's stack (or the
 * shadow candidate stack for the invocations a shadow rollout picks), start on-demand fetches for missing own layers,
 * and start prefetches for the best-ranked predicted layers on the worker: nothing on this path waits for a fetch, and
 * no score is scanned (the ranked list is rebuilt on the worker when the profiler reports changed scores).
 *
 * <p><b>Swaps</b>: {@link #swap} with {@link SwapMode#ATOMIC} (new generation, one flip),
 * {@link SwapMode#COPY_ON_WRITE} (same, carrying the function's own writes), {@link SwapMode#SHADOW} (a second
 * root for the candidate set; {@link #recordOutcome} compares, {@link ShadowExperiment} decides). With
 * {@code composeAhead} a function's root is composed as soon as its layers are resident, before its first
 * invocation, and {@link #stage} swaps a new layer set in once its prefetches complete.
 *
 * <p>Threads: the worker ({@code layerswap-swap-planner}) runs prefetches and re-ranking; the composer
 * ({@code layerswap-swap-composer}) runs compositions ahead, staged swaps, migrations, shadow decisions and the
 * pin release every {@value #PIN_SCAN_SECONDS} s.
 */
public class SwapManagerCore implements SwapManager, ScoreListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SwapManagerCore.class);
    /** Suffix of the backend function id holding a shadow candidate root. */
    public static final String SHADOW_SUFFIX = "#shadow";
    /** Superseded pins are released this long after their root was superseded (covers the backend's grace period). */
    static final long PIN_RELEASE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long PIN_SCAN_SECONDS = 2;

    private final BehavioralProfiler profiler;
    private final LayerStore store;
    private volatile SwapSettings settings;
    private volatile FilesystemBackend backend;
    private volatile FeedbackLoop feedback;
    private volatile AutoCloseable subscription;
    private final CopyOnWriteArrayList<SwapHistoryListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(daemon("layerswap-swap-planner"));
    private final ScheduledExecutorService composer = Executors.newSingleThreadScheduledExecutor(daemon("layerswap-swap-composer"));
    private final BoundedHistory<SwapRecord> swapHistory;
    private final BoundedHistory<PrefetchRecord> prefetchHistory;
    private final LayerCatalog catalog;
    private final PinLedger pins;
    private final RootComposer roots;
    private final VariantRoots variants;
    private final PrefetchRanking ranking;
    private final FetchCoordinator fetches;
    private final NextUsePlanner nextUse;
    private final SwapRunner swaps;
    private final ShadowRollouts shadows;
    private final RestartRecovery restart;
    private final InvocationPath invocations;

    public SwapManagerCore(SwapSettings settings, BehavioralProfiler profiler, LayerStore store, FilesystemBackend backend,
                           LongSupplier clockMillis) {
        this(settings, profiler, store, backend, clockMillis, new PinLedger(System::nanoTime, PIN_RELEASE_DELAY_NANOS));
    }

    /** With the ledger of layer pins (its clock and release delay), e.g. a test's. */
    SwapManagerCore(SwapSettings settings, BehavioralProfiler profiler, LayerStore store, FilesystemBackend backend,
                    LongSupplier clockMillis, PinLedger pins) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.profiler = Objects.requireNonNull(profiler, "profiler");
        this.store = Objects.requireNonNull(store, "layer store");
        this.backend = backend;
        this.pins = Objects.requireNonNull(pins, "pins");
        LongSupplier clock = clockMillis == null ? System::currentTimeMillis : clockMillis;
        this.swapHistory = new BoundedHistory<>(() -> this.settings.historySize(),
                r -> notifyListeners(l -> l.swapRecorded(r), "swap"));
        this.prefetchHistory = new BoundedHistory<>(() -> this.settings.historySize(),
                r -> notifyListeners(l -> l.prefetchRecorded(r), "prefetch"));
        this.catalog = new LayerCatalog(profiler);
        this.roots = new RootComposer(store, catalog, clock, () -> this.backend, composer, swapHistory, pins);
        this.variants = new VariantRoots(roots);
        this.ranking = new PrefetchRanking(() -> this.settings, catalog, store, clock, worker, this::inFlight);
        this.fetches = new FetchCoordinator(store, catalog, clock, worker, prefetchHistory, () -> this.feedback, ranking,
                this::onResident, ranking::schedule);
        ranking.useFetches(fetches);
        this.nextUse = new NextUsePlanner(() -> this.settings, catalog, store, profiler, clock,
                PlanningTriggers.PlannerThread.of(worker), ranking::scoreOf, variants::predicted);
        nextUse.useFetches(fetches);
        nextUse.useFeedback(() -> this.feedback);
        ranking.useNextUse(nextUse);
        this.swaps = new SwapRunner(() -> this.settings, () -> this.backend, store, catalog, roots, fetches, variants, composer,
                swapHistory, pins.releaseDelayNanos());
        this.shadows = swaps.shadows();
        this.invocations = new InvocationPath(() -> this.settings, profiler, store, catalog, variants, swaps, fetches,
                () -> this.feedback, ranking::ranked, nextUse.wakeUps()::invoked);
        IdleRoots idle = new IdleRoots(roots, pins); // eviction may retire idle roots (issue 13)
        ranking.useIdleRoots(idle);
        nextUse.useIdleRoots(idle);
        this.restart = new RestartRecovery(new RootAdoption(roots, catalog, variants, store), fetches, catalog, store, composer, worker);
        composer.scheduleWithFixedDelay(roots::releaseStalePins, PIN_SCAN_SECONDS, PIN_SCAN_SECONDS, TimeUnit.SECONDS);
    }

    private static ThreadFactory daemon(String name) {
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
                ranking.score(e.getKey(), e.getValue().score());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read the profiler's scores at start: {}", e.toString());
        }
        subscription = profiler.subscribe(this);
        ranking.schedule();
        nextUse.start();
        restart.start(backend); // resumes journaled prefetches, adopts the recovered roots of a backend given at construction
    }

    /** Journals running prefetches in {@code dir} so the next start resumes them (see {@link PrefetchJournal}); before start. */
    public void usePrefetchJournal(java.nio.file.Path dir) throws IOException {
        restart.useJournal(new PrefetchJournal(dir));
    }

    /** The stored catalog was restored ({@code what} for the report): recovered roots are decided, prefetches resumed. */
    public void catalogRestored(String what) {
        restart.catalogRestored(what);
    }

    @Override
    public RestartReport restartReport() {
        return restart.report();
    }

    @Override
    public void close() {
        restart.close();
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("unsubscribing from the profiler: {}", e.toString());
            }
        }
        nextUse.stop();
        ThreadBarrier.stop(worker, "planner", composer, "composer"); // a composition in flight mounts before the backend closes
        pins.closeAll();
    }

    // ---- configuration and the catalog ------------------------------------------------------------

    public void updateSettings(SwapSettings s) {
        this.settings = Objects.requireNonNull(s);
        ranking.configure(s.cost());
        ranking.schedule();
        nextUse.configure(s);
    }

    public void setFeedbackLoop(FeedbackLoop f) {
        this.feedback = f;
    }

    /** The cluster's placement: the next-use planning plans only for the functions placed here; null: for all. */
    public void setFunctionPlacement(FunctionPlacement p) {
        nextUse.usePlacement(p);
    }

    public void addListener(SwapHistoryListener l) {
        listeners.add(l);
    }

    public void removeListener(SwapHistoryListener l) {
        listeners.remove(l);
    }

    private void notifyListeners(Consumer<SwapHistoryListener> call, String what) {
        for (SwapHistoryListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("{} history listener failed: {}", what, e.toString());
            }
        }
    }

    /** Declares a function's image: its layers (base first) with the repository they are pulled from. */
    public void defineFunction(String functionId, String repository, List<LayerDescriptor> layers) {
        defineFunction(new FunctionDefinition(functionId, "", repository, layers, null));
    }

    /** Declares a function with its image config (what the executor needs to start it); hands the new map to the profiler. */
    public void defineFunction(FunctionDefinition def) {
        String fn = def.functionId();
        List<LayerId> before = catalog.stackOf(fn);
        List<LayerId> ids = catalog.define(def);
        variants.functionDefined(fn, before, ids);
        catalog.notifyListeners(l -> l.functionDefined(def));
        ranking.schedule();
        restart.functionDefined();
        if (settings.composeAhead() && swaps.allResident(ids)) {
            composer.execute(() -> swaps.ensureComposedQuietly(fn));
        }
    }

    /** Registers where layers come from without assigning them to a function (e.g. data layers). */
    void defineLayer(String repository, LayerDescriptor layer) {
        catalog.defineLayer(repository, layer);
    }

    /** Binds data layers to an input parameter value of a defined function (see {@link VariantRoots}); returns them. */
    public List<LayerId> bindDataLayer(DataLayerBinding b) {
        catalog.requireFunction(b.functionId());
        catalog.registerBound(b);
        variants.bind(b);
        catalog.notifyListeners(l -> l.dataLayerBound(b));
        LOG.info("function {}: {}={} selects data layer(s) {}", b.functionId(), b.paramName(), b.paramValue(), b.layerIds());
        return b.layerIds();
    }

    /** Binds a layer the manager already knows (by digest) as the data layer of {@code param=value}. */
    public List<LayerId> bindDataLayer(String functionId, String param, String value, LayerId layer) {
        LayerRef ref = catalog.source(layer);
        if (ref == null) {
            throw new IllegalArgumentException("unknown layer " + layer + ": give an image reference of the layer source or the"
                    + " digest of a layer of a defined function or bound data layer; known data layers: " + variants.bindings(null)
                    .stream().flatMap(x -> x.layerIds().stream()).map(LayerId::toString).distinct().toList());
        }
        return bindDataLayer(new DataLayerBinding(functionId, param, value, layer.toString(), ref.repository(),
                List.of(ref.descriptor())));
    }

    /** Removes a binding (see {@link VariantRoots#unbind}), tells the catalog listeners; empty when there was none. */
    @Override
    public java.util.Optional<DataLayerBinding> unbindDataLayer(String functionId, String param, String value) {
        catalog.requireFunction(functionId);
        if (param == null || param.isBlank() || value == null) {
            throw new IllegalArgumentException("unbinding a data layer of function " + functionId + " needs a parameter name and value");
        }
        DataLayerBinding gone = variants.unbind(functionId, param, value);
        if (gone == null) {
            return java.util.Optional.empty();
        }
        catalog.notifyListeners(l -> l.dataLayerUnbound(gone));
        LOG.info("function {}: {}={} no longer selects data layer(s) {}", functionId, param, value, gone.layerIds());
        return java.util.Optional.of(gone);
    }

    @Override
    public List<DataLayerBinding> dataLayerBindings(String functionId) {
        return variants.bindings(functionId);
    }

    /** Where a known layer is fetched from (layers of defined functions and bound data layers). */
    Optional<LayerRef> layer(LayerId id) {
        return Optional.ofNullable(catalog.source(id));
    }

    /** Variant roots (parameter-selected data layers) kept per function, least recently used removed first. */
    public void setMaxVariantsPerFunction(int max) {
        variants.setMaxPerFunction(max);
    }

    /** The variant root keys of a function, least recently used first. */
    List<String> variantRoots(String functionId) {
        return variants.variantKeys(functionId);
    }

    public void addCatalogListener(CatalogListener l) {
        catalog.addListener(l);
    }

    public void removeCatalogListener(CatalogListener l) {
        catalog.removeListener(l);
    }

    /**
     * Makes {@code next} the active backend: new compositions go there; every root on the previous backend is
     * composed on {@code next} and removed from the previous one, at once when no invocation holds it, otherwise
     * when its last invocation ends (drained: never torn down under a running one).
     */
    public void setBackend(FilesystemBackend next, String reason) {
        FilesystemBackend old = backend;
        backend = next;
        if (old == next) {
            return;
        }
        LOG.info("filesystem backend: {} ({})", next == null ? "none" : next.name(), reason);
        if (next != null) {
            composer.execute(() -> {
                restart.backendActive(next); // adopt or clean its recovered roots first
                roots.migrate(next);
            });
        }
    }

    // ---- the invocation path ----------------------------------------------------------------------

    @Override
    public InvocationPlan handleInvocation(String functionId, Map<String, String> inputParams) {
        return invocations.plan(functionId, inputParams);
    }

    @Override
    public List<LayerId> prefetch(String functionOrLayer) {
        LayerCatalog.Target t = catalog.resolve(functionOrLayer);
        // the operator asked: treat it as certain, within the usual concurrency limit
        return fetches.prefetchAll(t.functionId(), t.layers(), settings.maxConcurrentPrefetches());
    }

    /** Completes when the plan's missing layers are resident (the on-demand part an invocation must wait for). */
    CompletableFuture<Void> awaitLayers(InvocationPlan plan) {
        return fetches.awaitMissing(plan);
    }

    /** Waits (bounded) for the plan's missing layers, then pins its root: the api's invocation path. */
    @Override
    public RootLease enter(InvocationPlan plan, long timeoutMillis) throws IOException {
        return invocations.enter(plan, timeoutMillis);
    }

    /** Pins the plan's root, composing it first if needed ({@link InvocationPath#enter(InvocationPlan)}). */
    RootLease enter(InvocationPlan plan) throws IOException {
        return invocations.enter(plan);
    }

    /** Invocations in flight per function (those holding a lease from {@link #enter(InvocationPlan)}). */
    int inFlight(String functionId) {
        return invocations.inFlight(functionId);
    }

    /** Feeds one invocation's outcome to a running shadow rollout of its function (the feedback loop calls this). */
    public void recordOutcome(InvocationPlan plan, InvocationOutcome outcome) {
        shadows.recordOutcome(plan, outcome);
    }

    // ---- swaps ------------------------------------------------------------------------------------

    @Override
    public SwapRecord swap(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
        return swaps.swap(functionId, layers, mode, shadowShare);
    }

    /** Schedules a swap for before the function's next invocation: runs once its layers (prefetched) are resident. */
    void stage(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
        swaps.stage(functionId, layers, mode, shadowShare);
    }

    private void onResident(LayerId id) {
        swaps.onResident(id);
    }

    // ---- scores -----------------------------------------------------------------------------------

    @Override
    public void scoresChanged(List<PredictionScore> changed) {
        SwapSettings st = settings;
        for (PredictionScore s : changed) {
            ranking.score(s.layerId(), s.score());
            if (st.composeAhead() && s.score() >= st.threshold() && variants.isDataLayer(s.layerId())) {
                variants.predicted(s.layerId());
            }
        }
        ranking.schedule();
        nextUse.wakeUps().scoresChanged(changed);
    }

    @Override
    public void functionsObserved(Set<String> functionIds) {
        nextUse.wakeUps().functionsObserved(functionIds);
    }

    /** The planner's view of this node: store residency, running fetches, live functions. */
    PrefetchPlanner.NodeView nodeView() {
        return ranking.nodeView();
    }

    /** The current ranked candidate list (what the invocation path prefetches from). */
    List<PrefetchPlanner.Planned> ranked() {
        return ranking.ranked();
    }

    // ---- views ------------------------------------------------------------------------------------

    @Override public List<SwapRecord> swapHistory(int limit) { return swapHistory.newest(limit); }

    @Override public List<PrefetchRecord> prefetchHistory(int limit) { return prefetchHistory.newest(limit); }

    @Override public List<PrefetchRecord> fetchesInFlight() { return fetches.inFlight(); }

    @Override public Optional<FunctionDefinition> function(String functionId) { return catalog.function(functionId); }

    @Override public double threshold() { return settings.threshold(); }

    @Override
    public void setThreshold(double threshold) {
        updateSettings(settings.withThreshold(threshold));
    }

    @Override
    public FetchBudgetStatus fetchBudget() {
        return settings.nextUsePlanning() ? nextUse.fetchBudget() : FetchBudgetStatus.NONE;
    }

    @Override
    public FunctionLayerMap functionLayers() {
        return catalog.map();
    }

    /** The layers composed for each function (and shadow and variant root) and the backend holding it. */
    public Map<String, String> composedView() {
        Map<String, String> out = new TreeMap<>();
        roots.roots().forEach((k, r) -> {
            String variant = variants.describe(k);
            out.put(k, r.backend().name() + " " + r.layers().size() + " layers" + (variant == null ? "" : " (" + variant + ")"));
        });
        return out;
    }

    boolean isShadowing(String functionId) {
        return shadows.isRunning(functionId);
    }

    /** Releases the pins of superseded roots now (the composer does it every {@value #PIN_SCAN_SECONDS} s). */
    void releaseStalePins() {
        roots.releaseStalePins();
    }

    /** Test barrier for negative checks: the planner and composer ran everything queued, in turn ({@link ThreadBarrier}). */
    void awaitComposerIdle() throws InterruptedException {
        ThreadBarrier.awaitIdle(worker, "planner", composer, "composer");
    }
}

package org.layerswap.swap.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.LayerStore;
import org.layerswap.api.OperationsListener;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapRecord;
import org.layerswap.api.cluster.FunctionPlacement;
import org.layerswap.swap.CostModel;
import org.layerswap.swap.SwapHistoryListener;
import org.layerswap.swap.SwapManagerCore;
import org.layerswap.swap.SwapSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DS adapter around {@link SwapManagerCore}. Configuration: PID {@code org.layerswap.swap}; the active
 * filesystem backend comes from {@link BackendSelectionComponent} (PID {@code org.layerswap.fs}), which
 * pushes every change (config or backend services) here; both may change at runtime.
 */
@Component(service = {SwapManager.class, SwapManagerComponent.class}, immediate = true,
        configurationPid = "org.layerswap.swap", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SwapManagerComponent.Config.class)
public class SwapManagerComponent implements SwapManager {

    @ObjectClassDefinition(name = "LayerSwap swap manager")
    public @interface Config {
        @AttributeDefinition(description = "Score at or above which a layer is prefetched")
        double threshold() default 0.5;

        @AttributeDefinition(description = "Prefetches running at once")
        int maxConcurrentPrefetches() default 4;

        @AttributeDefinition(description = "Prefetches one invocation may start")
        int maxPrefetchesPerInvocation() default 4;

        @AttributeDefinition(description = "Size of the precomputed ranked candidate list")
        int candidateLimit() default 64;

        @AttributeDefinition(description = "Start prefetches when scores change, ahead of invocations")
        boolean prefetchOnScoreChange() default true;

        @AttributeDefinition(description = "Compose a function's root as soon as its layers are resident")
        boolean composeAhead() default true;

        @AttributeDefinition(description = "Default share of invocations run on a shadow candidate set")
        double shadowShare() default 0.1;

        @AttributeDefinition(description = "Outcomes per arm before a shadow is promoted or rolled back")
        int minShadowSamples() default 50;

        @AttributeDefinition(description = "Allowed error-rate increase of a shadow candidate")
        double shadowErrorTolerance() default 0.01;

        @AttributeDefinition(description = "Allowed relative mean-latency increase of a shadow candidate")
        double shadowLatencyTolerance() default 0.10;

        @AttributeDefinition(description = "Swap and prefetch records kept in memory")
        int historySize() default 1000;

        @AttributeDefinition(description = "Expected download bandwidth, bytes/s (cost model)")
        double bandwidthBytesPerSec() default 52428800;

        @AttributeDefinition(description = "Fixed per-fetch latency, ms (cost model)")
        double rttMillis() default 50;

        @AttributeDefinition(description = "Weight of storage pressure in the prefetch priority")
        double storageWeight() default 1.0;

        @AttributeDefinition(description = "Weight of disruption to live functions in the prefetch priority")
        double disruptionWeight() default 0.5;

        @AttributeDefinition(description = "Variant roots (function layers + parameter-selected data layers) kept per function; "
                + "least recently used idle ones are removed first")
        int maxVariantsPerFunction() default 8;

        @AttributeDefinition(description = "Prefetch and evict by predicted next use (the replay's swap-manager planners); "
                + "false: the score-ranked planners")
        boolean nextUsePlanning() default true;

        @AttributeDefinition(description = "How often the next-use planning runs besides on score changes, seconds")
        long decisionIntervalSeconds() default 10;

        @AttributeDefinition(description = "Bandwidth budget of the next-use planning: bytes fetched at most this many "
                + "times a plain LRU cache's on the same requests, over the planner's lifetime; a window over it raises "
                + "a byte price once that total is past halfway to it (0: no budget)")
        double fetchBudgetVsLru() default 1.5;

        @AttributeDefinition(description = "Time constant of the bandwidth budget's byte counts, minutes")
        long fetchBudgetWindowMinutes() default 60;

        @AttributeDefinition(description = "Directory of the prefetch journal (prefetches in flight, resumed after a restart); "
                + "empty means ${karaf.data}/layerswap/prefetch-journal")
        String prefetchJournal() default "";

        @AttributeDefinition(name = "Layer source filter",
                description = "LDAP filter choosing the LayerSource for defineFunction: (name=oci) or (name=layout)")
        String source_target() default "(name=*)";
    }

    private static final Logger LOG = LoggerFactory.getLogger(SwapManagerComponent.class);

    @Reference
    private BehavioralProfiler profiler;

    @Reference
    private LayerStore store;

    /** Resolves images for defineFunction; {@code source.target} in the config picks it (like the store's). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile LayerSource source;

    @Reference
    private BackendSelectionComponent selection;

    private volatile SwapManagerCore core;
    private volatile FeedbackLoop feedback;
    private volatile FunctionPlacement placement;
    private final java.util.function.BiConsumer<FilesystemBackend, String> backendListener = (b, why) -> {
        SwapManagerCore c = core;
        if (c != null) {
            c.setBackend(b, why);
        }
    };

    /** Whiteboard {@link OperationsListener}s (metrics), told of every swap and fetch record through {@link #toOperations}. */
    private final java.util.concurrent.CopyOnWriteArrayList<OperationsListener> operationsListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final SwapHistoryListener toOperations = new SwapHistoryListener() {
        @Override
        public void swapRecorded(SwapRecord record) {
            operationsListeners.forEach(l -> l.swapRecorded(record));
        }

        @Override
        public void prefetchRecorded(PrefetchRecord record) {
            operationsListeners.forEach(l -> l.fetchRecorded(record));
        }
    };

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindOperationsListener(OperationsListener l) {
        operationsListeners.add(l);
    }

    void unbindOperationsListener(OperationsListener l) {
        operationsListeners.remove(l);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindFeedback(FeedbackLoop f) {
        feedback = f;
        SwapManagerCore c = core;
        if (c != null) {
            c.setFeedbackLoop(f);
        }
    }

    void unbindFeedback(FeedbackLoop f) {
        if (feedback == f) {
            feedback = null;
            SwapManagerCore c = core;
            if (c != null) {
                c.setFeedbackLoop(null);
            }
        }
    }

    /** The cluster's placement (only while the cluster is on): the next-use planning plans for the functions placed here. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPlacement(FunctionPlacement p) {
        placement = p;
        SwapManagerCore c = core;
        if (c != null) {
            c.setFunctionPlacement(p);
        }
    }

    void unbindPlacement(FunctionPlacement p) {
        if (placement == p) {
            placement = null;
            SwapManagerCore c = core;
            if (c != null) {
                c.setFunctionPlacement(null);
            }
        }
    }

    @Activate
    void activate(Config config) {
        SwapManagerCore c = new SwapManagerCore(settings(config), profiler, store, null, System::currentTimeMillis);
        c.setFeedbackLoop(feedback);
        c.setFunctionPlacement(placement);
        c.setMaxVariantsPerFunction(config.maxVariantsPerFunction());
        c.addListener(toOperations);
        java.nio.file.Path journal = org.layerswap.api.config.DataPaths.resolve(config.prefetchJournal(), "layerswap/prefetch-journal");
        try {
            c.usePrefetchJournal(journal);
        } catch (IOException e) {
            LOG.error("cannot open the prefetch journal {}: prefetches cut by a stop are not resumed: {}", journal, e.toString());
        }
        core = c;
        selection.addListener(backendListener);
        c.start();
    }

    @Modified
    void modified(Config config) {
        core.updateSettings(settings(config));
        core.setMaxVariantsPerFunction(config.maxVariantsPerFunction());
    }

    @Deactivate
    void deactivate() {
        selection.removeListener(backendListener);
        SwapManagerCore c = core;
        core = null;
        if (c != null) {
            c.close();
        }
    }

    static SwapSettings settings(Config c) {
        return new SwapSettings(c.threshold(), c.maxConcurrentPrefetches(), c.maxPrefetchesPerInvocation(), c.candidateLimit(),
                c.prefetchOnScoreChange(), c.composeAhead(), c.shadowShare(), c.minShadowSamples(), c.shadowErrorTolerance(),
                c.shadowLatencyTolerance(), c.historySize(),
                new CostModel(c.bandwidthBytesPerSec(), c.rttMillis(), c.storageWeight(), c.disruptionWeight()),
                c.nextUsePlanning(), c.decisionIntervalSeconds() * 1000, c.fetchBudgetVsLru(),
                c.fetchBudgetWindowMinutes() * 60_000L);
    }

    /** The core, for shell commands and itests in this bundle's class space. */
    public SwapManagerCore core() {
        return core;
    }

    @Override
    public InvocationPlan handleInvocation(String functionId, Map<String, String> inputParams) {
        return core.handleInvocation(functionId, inputParams);
    }

    @Override
    public SwapRecord swap(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
        return core.swap(functionId, layers, mode, shadowShare);
    }

    @Override
    public List<SwapRecord> swapHistory(int limit) {
        return core.swapHistory(limit);
    }

    @Override
    public double threshold() {
        return core.threshold();
    }

    @Override
    public void setThreshold(double threshold) {
        core.setThreshold(threshold);
    }

    @Override
    public FunctionLayerMap functionLayers() {
        return core.functionLayers();
    }

    @Override
    public List<LayerId> defineFunction(String functionId, String imageReference) throws LayerSourceException {
        LayerSource s = source;
        if (s == null) {
            throw new IllegalStateException("no layer source matches this swap manager's source.target (org.layerswap.swap)");
        }
        ImageManifest image = s.resolve(imageReference);
        core.defineFunction(new FunctionDefinition(functionId, imageReference, image.repository(), image.layers(), image.config()));
        LOG.info("function {} defined from image {} ({} layers, {} bytes) via source {}", functionId, imageReference,
                image.layers().size(), image.totalSizeBytes(), s.name());
        return image.layers().stream().map(LayerDescriptor::id).toList();
    }

    @Override
    public List<LayerId> bindDataLayer(String functionId, String paramName, String paramValue, String imageReferenceOrLayerDigest)
            throws LayerSourceException {
        SwapManagerCore c = core;
        FunctionDefinition def = c.function(functionId).orElseThrow(() -> new IllegalArgumentException("unknown function '"
                + functionId + "'; defined functions: " + String.join(", ", new java.util.TreeSet<>(c.functionLayers().functions()))));
        String ref = imageReferenceOrLayerDigest == null ? "" : imageReferenceOrLayerDigest.trim();
        if (ref.isEmpty()) {
            throw new IllegalArgumentException("no data layer given for " + functionId + " " + paramName + "=" + paramValue
                    + ": give an image reference or a layer digest (sha256:...)");
        }
        if (ref.startsWith("sha256:") || ref.startsWith("sha512:")) {
            return c.bindDataLayer(functionId, paramName, paramValue, LayerId.of(ref));
        }
        LayerSource s = source;
        if (s == null) {
            throw new IllegalStateException("no layer source matches this swap manager's source.target (org.layerswap.swap)");
        }
        ImageManifest image = s.resolve(ref);
        java.util.Set<LayerId> own = new java.util.HashSet<>(def.layerIds());
        List<LayerDescriptor> data = image.layers().stream().filter(d -> !own.contains(d.id())).toList();
        if (data.isEmpty()) {
            throw new IllegalArgumentException("image " + ref + " adds no layer to the layers of function " + functionId
                    + ": a data image needs at least one layer the function does not already have");
        }
        return c.bindDataLayer(new org.layerswap.api.DataLayerBinding(functionId, paramName, paramValue, ref, image.repository(), data));
    }

    @Override
    public java.util.Optional<org.layerswap.api.DataLayerBinding> unbindDataLayer(String functionId, String paramName, String paramValue) {
        return core.unbindDataLayer(functionId, paramName, paramValue);
    }

    @Override
    public List<org.layerswap.api.DataLayerBinding> dataLayerBindings(String functionId) {
        return core.dataLayerBindings(functionId);
    }

    @Override
    public List<PrefetchRecord> prefetchHistory(int limit) {
        return core.prefetchHistory(limit);
    }

    @Override
    public java.util.Optional<FunctionDefinition> function(String functionId) {
        return core.function(functionId);
    }

    @Override
    public void recordOutcome(InvocationPlan plan, InvocationOutcome outcome) {
        core.recordOutcome(plan, outcome);
    }

    @Override
    public List<PrefetchRecord> fetchesInFlight() {
        return core.fetchesInFlight();
    }

    @Override
    public List<LayerId> prefetch(String functionOrLayer) {
        return core.prefetch(functionOrLayer);
    }

    @Override
    public RootLease enter(InvocationPlan plan, long timeoutMillis) throws IOException {
        return core.enter(plan, timeoutMillis);
    }

    @Override
    public org.layerswap.api.RestartReport restartReport() {
        SwapManagerCore c = core;
        return c == null ? org.layerswap.api.RestartReport.NONE : c.restartReport();
    }

    @Override
    public org.layerswap.api.FetchBudgetStatus fetchBudget() {
        SwapManagerCore c = core;
        return c == null ? org.layerswap.api.FetchBudgetStatus.NONE : c.fetchBudget();
    }
}

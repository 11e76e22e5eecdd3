package org.layerswap.profiler.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.NextUse;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfilePartitioning;
import org.layerswap.api.ProfileView;
import org.layerswap.api.ScoreListener;
import org.layerswap.api.StateStore;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
 * OSGi adapter of {@link ProfilerEngine}, assembled from plain collaborators: {@link ConfigMapping}
 * (Metatype config to engine settings), {@link PredictorBinding} (every {@link Predictor} service; the
 * one named by the {@code predictor} setting is active, else the highest {@code service.ranking},
 * switched between two events), {@link SnapshotKeeper} (profiles across restarts: the snapshot file and
 * the optional {@link StateStore}) and {@link EventAdminPublisher} (score changes as OSGi events when
 * EventAdmin is present) and {@link PartitioningBinding} (the optional cluster: each function's model on the member
 * owning its partition; absent, every event is recorded here as on a single node). Owns the timers: rescoring so
 * scores decay, periodic snapshots.
 */
@Component(service = BehavioralProfiler.class, configurationPid = ProfilerComponent.PID, immediate = true)
@Designate(ocd = ProfilerComponent.Config.class)
public class ProfilerComponent implements BehavioralProfiler {

    static final String PID = "org.layerswap.profiler";
    private static final Logger LOG = LoggerFactory.getLogger(ProfilerComponent.class);

    @ObjectClassDefinition(name = "LayerSwap behavioral profiler",
            description = "Learns invocation patterns and scores layers by the probability they are needed soon.")
    public @interface Config {
        @AttributeDefinition(description = "Name of the Predictor service to use; when absent, the highest service.ranking")
        String predictor() default "markov";

        @AttributeDefinition(description = "A score is the probability the layer is needed within this many seconds")
        long windowSeconds() default 300;

        @AttributeDefinition(description = "B follows A when it runs within this many seconds after A")
        long coOccurrenceWindowSeconds() default 60;

        @AttributeDefinition(description = "Half-life of the co-occurrence counts, seconds")
        long decayHalfLifeSeconds() default 21600;

        @AttributeDefinition(description = "Half-life of the decayed per-function arrival rate, seconds")
        long rateHalfLifeSeconds() default 7200;

        @AttributeDefinition(description = "Predecessors credited per event: the most recent functions within the "
                + "co-occurrence window (cost per event grows with it)")
        int maxRecentScan() default 8;

        @AttributeDefinition(description = "Most functions outside the function-layer map that are profiled; beyond "
                + "it the least recently seen of them are forgotten (mapped functions are always kept)")
        int maxTrackedFunctions() default 100_000;

        @AttributeDefinition(description = "Events stamped more than this many seconds ahead of the clock are ignored "
                + "(counted, logged once a minute)")
        long maxFutureSkewSeconds() default 3600;

        @AttributeDefinition(description = "Every score is recomputed (decayed) this often, seconds")
        long rescoreIntervalSeconds() default 5;

        @AttributeDefinition(description = "Subscribers hear of a layer when its score moved at least this much")
        double notifyThreshold() default 0.01;

        @AttributeDefinition(description = "Profile snapshot file; empty means ${karaf.data}/layerswap/profiler.snapshot")
        String snapshotFile() default "";

        @AttributeDefinition(description = "Snapshot interval, seconds (0 disables periodic snapshots)")
        long snapshotIntervalSeconds() default 300;
    }

    private final PredictorBinding predictors = new PredictorBinding();
    private final SnapshotKeeper snapshots = new SnapshotKeeper(System::currentTimeMillis);
    private final PartitioningBinding partitioning = new PartitioningBinding();
    private volatile ProfilerEngine engine;
    private ScheduledThreadPoolExecutor executor;
    private ScheduledFuture<?> rescoreTask;
    private ScheduledFuture<?> snapshotTask;
    private AutoCloseable eventSubscription;
    private AutoCloseable publisher;

    // ------------------------------------------------------------------ references

    @Reference(service = Predictor.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removePredictor", updated = "updatedPredictor")
    void addPredictor(Predictor predictor, Map<String, Object> props) {
        predictors.add(predictor, props);
    }

    void updatedPredictor(Predictor predictor, Map<String, Object> props) {
        predictors.update(predictor, props);
    }

    void removePredictor(Predictor predictor, Map<String, Object> props) {
        predictors.remove(predictor, props);
    }

    /*
     * The state store (bundles/persistence) is optional, may start after the profiler, and comes and goes
     * while it runs (the persistence component is re-created on every configuration change). DYNAMIC, so
     * none of that deactivates the profiler: a STATIC reference would unregister BehavioralProfiler each
     * time (the swap manager, feedback loop and shell rebind) and rebuild every score. GREEDY, so a store
     * that appears after activation is bound at once and its snapshot restored when it is the newer one
     * and nothing was learned yet (SnapshotKeeper's rule). Nothing on the ingest path reads it.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindStateStore")
    void bindStateStore(StateStore store) {
        snapshots.bind(store);
    }

    void unbindStateStore(StateStore store) {
        snapshots.unbind(store);
    }

    /* The cluster's partitioned profiler (bundles/cluster, only while the cluster is on): optional and dynamic. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindPartitioning")
    void bindPartitioning(ProfilePartitioning p) {
        partitioning.bind(p);
    }

    void unbindPartitioning(ProfilePartitioning p) {
        partitioning.unbind(p);
    }

    // ------------------------------------------------------------------ lifecycle

    @Activate
    void activate(Config config, BundleContext context) {
        ProfilerSettings settings = ConfigMapping.settings(config, ProfilerSettings.defaults().withClock(System::currentTimeMillis));
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "layerswap-profiler");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        ProfilerEngine e = new ProfilerEngine(settings, null, executor);
        snapshots.attach(e, ConfigMapping.snapshotPath(config));
        try {
            EventAdminPublisher p = new EventAdminPublisher(context);
            publisher = p;
            eventSubscription = e.subscribe(changed -> p.publish(changed, e.activePredictor()));
        } catch (NoClassDefFoundError | RuntimeException ex) {
            LOG.info("EventAdmin API not available ({}): score changes are not posted as OSGi events", ex.toString());
        }
        engine = e;
        predictors.attach(e, config.predictor());
        partitioning.attach(e);
        schedule(config);
        LOG.info("Behavioral profiler active: predictor {}, window {} s, snapshot {}", e.activePredictor(),
                settings.windowMillis() / 1000, snapshots.file());
    }

    @Modified
    void modified(Config config) {
        ProfilerEngine e = engine;
        e.reconfigure(ConfigMapping.settings(config, e.settings()));
        snapshots.setFile(ConfigMapping.snapshotPath(config));
        predictors.configure(config.predictor());
        schedule(config);
    }

    @Deactivate
    void deactivate() {
        cancelTasks();
        closeQuietly(eventSubscription);
        closeQuietly(publisher);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        partitioning.detach();
        predictors.detach();
        snapshots.detach();
        engine = null;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing to do
            }
        }
    }

    private synchronized void cancelTasks() {
        if (rescoreTask != null) {
            rescoreTask.cancel(false);
        }
        if (snapshotTask != null) {
            snapshotTask.cancel(false);
        }
    }

    /** (Re)starts the timers: rescoring so that scores decay, periodic snapshots. */
    private synchronized void schedule(Config c) {
        cancelTasks();
        long rescore = ConfigMapping.rescoreSeconds(c);
        rescoreTask = executor.scheduleWithFixedDelay(() -> {
            ProfilerEngine e = engine;
            if (e != null) {
                try {
                    e.rescore(System.currentTimeMillis());
                } catch (RuntimeException ex) {
                    LOG.warn("Periodic rescoring failed", ex);
                }
            }
        }, rescore, rescore, TimeUnit.SECONDS);
        if (c.snapshotIntervalSeconds() > 0) {
            snapshotTask = executor.scheduleWithFixedDelay(snapshots::write, c.snapshotIntervalSeconds(),
                    c.snapshotIntervalSeconds(), TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ BehavioralProfiler

    private ProfilerEngine engine() {
        ProfilerEngine e = engine;
        if (e == null) {
            throw new IllegalStateException("behavioral profiler is not active");
        }
        return e;
    }

    @Override
    public void record(InvocationEvent event) {
        if (!partitioning.route(event)) {
            engine().record(event);
        }
    }

    /** Partitioned: one batch to the cluster, complete when the owners hold it; else recorded here before returning. */
    @Override
    public CompletionStage<Void> recordBatch(List<InvocationEvent> events) {
        CompletionStage<Void> routed = partitioning.routeAll(events);
        return routed != null ? routed : BehavioralProfiler.super.recordBatch(events);
    }

    @Override
    public void recordLayerAccess(InvocationEvent event, Collection<LayerId> layersUsed) {
        engine().recordLayerAccess(event, layersUsed);
    }

    @Override
    public void updateFunctionLayers(FunctionLayerMap map) {
        engine().updateFunctionLayers(map);
    }

    @Override
    public Map<LayerId, PredictionScore> scores() {
        return engine().scores();
    }

    @Override
    public List<PredictionScore> topK(int k) {
        return engine().topK(k);
    }

    @Override
    public Optional<PredictionScore> score(LayerId layer) {
        return engine().score(layer);
    }

    @Override
    public double functionProbability(String functionId) {
        ProfilerEngine e = engine();
        return partitioning.partitioned() ? partitioning.functionProbability(functionId, e::functionProbability)
                : e.functionProbability(functionId);
    }

    @Override
    public AutoCloseable subscribe(ScoreListener listener) {
        return engine().subscribe(listener);
    }

    @Override
    public long windowMillis() {
        return engine().windowMillis();
    }

    @Override
    public String restoredFrom() {
        return snapshots.restoredFrom();
    }

    @Override
    public String activePredictor() {
        return engine().activePredictor();
    }

    @Override
    public ProfileView profiles() {
        return engine().profiles();
    }

    @Override
    public Map<LayerId, Double> optionalLayers(String functionId, Map<String, String> params) {
        return engine().optionalLayers(functionId, params);
    }

    @Override
    public NextUse nextUse(String functionId, long nowMillis) {
        ProfilerEngine e = engine();
        return partitioning.partitioned() ? partitioning.nextUse(functionId, f -> e.nextUse(f, nowMillis))
                : e.nextUse(functionId, nowMillis);
    }

    @Override
    public double nextUseProbability(String functionId, long nowMillis, long horizonMillis) {
        return engine().nextUseProbability(functionId, nowMillis, horizonMillis);
    }

    @Override
    public void rescore(long nowMillis) {
        engine().rescore(nowMillis);
    }
}

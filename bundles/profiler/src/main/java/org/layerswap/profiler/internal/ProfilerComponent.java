package org.layerswap.profiler.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.api.ScoreListener;
import org.layerswap.profiler.engine.PoissonPredictor;
import org.layerswap.profiler.engine.ProfileSnapshot;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.engine.SnapshotCodec;
import org.layerswap.profiler.engine.SnapshotException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
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
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OSGi adapter of {@link ProfilerEngine}: tracks every {@link Predictor} service and makes the one named
 * by the {@code predictor} setting active (else the highest {@code service.ranking}), switching
 * atomically between two events whenever config or the set of predictor services changes; restores the
 * profile snapshot on activation, snapshots periodically and on deactivation; rescores on a timer so
 * scores decay; posts score changes to EventAdmin when present.
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

        @AttributeDefinition(description = "Every score is recomputed (decayed) this often, seconds")
        long rescoreIntervalSeconds() default 5;

        @AttributeDefinition(description = "Subscribers hear of a layer when its score moved at least this much")
        double notifyThreshold() default 0.01;

        @AttributeDefinition(description = "Profile snapshot file; empty means ${karaf.data}/layerswap/profiler.snapshot")
        String snapshotFile() default "";

        @AttributeDefinition(description = "Snapshot interval, seconds (0 disables periodic snapshots)")
        long snapshotIntervalSeconds() default 300;
    }

    private final Map<Long, PredictorSelector.Candidate> candidates = new ConcurrentHashMap<>();
    private volatile ProfilerEngine engine;
    private volatile String configuredPredictor = "markov";
    private volatile Path snapshotFile;
    private ScheduledThreadPoolExecutor executor;
    private ScheduledFuture<?> rescoreTask;
    private ScheduledFuture<?> snapshotTask;
    private AutoCloseable eventSubscription;
    private AutoCloseable publisher;
    /** Tracks the (optional) persistence service, found by class name; null without a framework. */
    private ServiceTracker<Object, Object> stateTracker;
    private volatile long restoredTakenAt = Long.MIN_VALUE;
    private volatile long eventsAtActivation;
    static final String STATE_KEY = "profiler.snapshot";

    // ------------------------------------------------------------------ predictors

    @Reference(service = Predictor.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removePredictor", updated = "updatedPredictor")
    void addPredictor(Predictor predictor, Map<String, Object> props) {
        candidates.put(serviceId(props), candidate(predictor, props));
        reselect("predictor service " + nameOf(predictor, props) + " added");
    }

    void updatedPredictor(Predictor predictor, Map<String, Object> props) {
        candidates.put(serviceId(props), candidate(predictor, props));
        reselect("predictor service " + nameOf(predictor, props) + " updated");
    }

    void removePredictor(Predictor predictor, Map<String, Object> props) {
        candidates.remove(serviceId(props));
        reselect("predictor service " + nameOf(predictor, props) + " removed");
    }

    private static long serviceId(Map<String, Object> props) {
        Object id = props.get(Constants.SERVICE_ID);
        return id instanceof Number n ? n.longValue() : -1L;
    }

    private static PredictorSelector.Candidate candidate(Predictor p, Map<String, Object> props) {
        Object ranking = props.get(Constants.SERVICE_RANKING);
        return new PredictorSelector.Candidate(p, nameOf(p, props), ranking instanceof Integer i ? i : 0, serviceId(props));
    }

    private static String nameOf(Predictor p, Map<String, Object> props) {
        Object name = props.get(Predictor.NAME_PROPERTY);
        if (name != null) {
            return name.toString();
        }
        try {
            return p.name();
        } catch (RuntimeException e) {
            return "<unnamed>";
        }
    }

    private synchronized void reselect(String why) {
        ProfilerEngine e = engine;
        if (e == null) {
            return; // activate selects
        }
        Optional<PredictorSelector.Candidate> chosen = PredictorSelector.select(candidates.values(), configuredPredictor);
        Predictor next = chosen.map(PredictorSelector.Candidate::predictor).orElse(null);
        if (e.predictor() == next || (next == null && e.predictor() instanceof PoissonPredictor)) {
            return;
        }
        String before = e.activePredictor();
        e.setPredictor(next);
        String after = e.activePredictor();
        if (chosen.isPresent() && !chosen.get().name().equals(configuredPredictor)) {
            LOG.info("Profiler predictor {} -> {} ({}; configured predictor '{}' is not installed, using the highest ranking)",
                    before, after, why, configuredPredictor);
        } else {
            LOG.info("Profiler predictor {} -> {} ({})", before, after, why);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Activate
    void activate(Config config, BundleContext context) {
        ProfilerSettings settings = settings(config, ProfilerSettings.defaults().withClock(System::currentTimeMillis));
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "layerswap-profiler");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        ProfilerEngine e = new ProfilerEngine(settings, null, executor);
        configuredPredictor = config.predictor();
        snapshotFile = snapshotPath(config);
        restore(e, snapshotFile);
        try {
            EventAdminPublisher p = new EventAdminPublisher(context);
            publisher = p;
            eventSubscription = e.subscribe(changed -> p.publish(changed, e.activePredictor()));
        } catch (NoClassDefFoundError | RuntimeException ex) {
            LOG.info("EventAdmin API not available ({}): score changes are not posted as OSGi events", ex.toString());
        }
        restoredTakenAt = lastRestoredTakenAt;
        eventsAtActivation = e.eventsRecorded();
        synchronized (this) {
            engine = e;
        }
        openStateTracker(context);
        reselect("activation");
        schedule(config);
        LOG.info("Behavioral profiler active: predictor {}, window {} s, snapshot {}", e.activePredictor(),
                settings.windowMillis() / 1000, snapshotFile);
    }

    @Modified
    void modified(Config config) {
        ProfilerEngine e = engine;
        e.reconfigure(settings(config, e.settings()));
        configuredPredictor = config.predictor();
        snapshotFile = snapshotPath(config);
        reselect("configuration changed");
        schedule(config);
    }

    @Deactivate
    void deactivate() {
        ProfilerEngine e = engine;
        if (rescoreTask != null) {
            rescoreTask.cancel(false);
        }
        if (snapshotTask != null) {
            snapshotTask.cancel(false);
        }
        closeQuietly(eventSubscription);
        closeQuietly(publisher);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        writeSnapshot(e);
        if (stateTracker != null) {
            stateTracker.close();
            stateTracker = null;
        }
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

    /** Settings from config; an invalid value is reported by name and the previous setting kept. */
    static ProfilerSettings settings(Config c, ProfilerSettings previous) {
        ProfilerSettings s = previous;
        s = attempt(s, "windowSeconds", () -> previous.withWindowMillis(seconds("windowSeconds", c.windowSeconds())));
        final ProfilerSettings s1 = s;
        s = attempt(s, "coOccurrenceWindowSeconds",
                () -> s1.withCoOccurrenceWindowMillis(seconds("coOccurrenceWindowSeconds", c.coOccurrenceWindowSeconds())));
        final ProfilerSettings s2 = s;
        s = attempt(s, "decayHalfLifeSeconds",
                () -> s2.withDecayHalfLifeMillis(seconds("decayHalfLifeSeconds", c.decayHalfLifeSeconds())));
        final ProfilerSettings s3 = s;
        s = attempt(s, "rateHalfLifeSeconds",
                () -> s3.withRateHalfLifeMillis(seconds("rateHalfLifeSeconds", c.rateHalfLifeSeconds())));
        final ProfilerSettings s4 = s;
        s = attempt(s, "notifyThreshold", () -> s4.withNotifyThreshold(c.notifyThreshold()));
        final ProfilerSettings s5 = s;
        s = attempt(s, "maxRecentScan", () -> {
            if (c.maxRecentScan() < 1 || c.maxRecentScan() > 1024) {
                throw new IllegalArgumentException("maxRecentScan must be between 1 and 1024, got " + c.maxRecentScan());
            }
            return s5.withMaxRecentScan(c.maxRecentScan());
        });
        // the timer rescores; reads need not
        return s.withAutoRescoreMillis(0);
    }

    private static long seconds(String name, long v) {
        if (v <= 0 || v > 365L * 24 * 3600) {
            throw new IllegalArgumentException(name + " must be between 1 and 31536000 seconds, got " + v);
        }
        return v * 1000L;
    }

    private static ProfilerSettings attempt(ProfilerSettings fallback, String name,
                                            java.util.function.Supplier<ProfilerSettings> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid configuration {}: {}; keeping the previous value", PID, e.getMessage());
            return fallback;
        }
    }

    private static Path snapshotPath(Config c) {
        String f = c.snapshotFile();
        if (f == null || f.isBlank()) {
            return Paths.get(System.getProperty("karaf.data", "data"), "layerswap", "profiler.snapshot");
        }
        return Paths.get(f.trim());
    }

    private synchronized void schedule(Config c) {
        if (rescoreTask != null) {
            rescoreTask.cancel(false);
        }
        if (snapshotTask != null) {
            snapshotTask.cancel(false);
        }
        long rescore = c.rescoreIntervalSeconds() > 0 ? c.rescoreIntervalSeconds() : 5;
        if (c.rescoreIntervalSeconds() <= 0) {
            LOG.error("Invalid configuration {}: rescoreIntervalSeconds must be > 0, got {}; using 5", PID,
                    c.rescoreIntervalSeconds());
        }
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
            snapshotTask = executor.scheduleWithFixedDelay(() -> writeSnapshot(engine), c.snapshotIntervalSeconds(),
                    c.snapshotIntervalSeconds(), TimeUnit.SECONDS);
        }
    }

    private long lastRestoredTakenAt = Long.MIN_VALUE;

    private void restore(ProfilerEngine e, Path file) {
        try {
            ProfileSnapshot s = SnapshotCodec.read(file);
            e.restore(s);
            lastRestoredTakenAt = s.takenAtMillis();
            LOG.info("Restored {} function profiles ({} events) from {}", s.functions().size(), s.eventsRecorded(), file);
        } catch (NoSuchFileException nf) {
            LOG.info("No profile snapshot at {}: starting with empty profiles", file);
        } catch (SnapshotException bad) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                aside = file;
            }
            LOG.error("Cannot restore profiles: {}. Starting with empty profiles; the unreadable file is kept as {}",
                    bad.getMessage(), aside);
        } catch (IOException | RuntimeException io) {
            LOG.error("Cannot read profile snapshot {}: {}. Starting with empty profiles", file, io.toString());
        }
    }

    private void writeSnapshot(ProfilerEngine e) {
        Path file = snapshotFile;
        if (e == null || file == null) {
            return;
        }
        ProfileSnapshot snapshot;
        try {
            snapshot = e.snapshot();
            SnapshotCodec.write(snapshot, file);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("Cannot write profile snapshot {}: {}", file, ex.toString());
            return;
        }
        ServiceTracker<Object, Object> t = stateTracker;
        Optional<StateStore> store = t == null ? Optional.empty() : StateStore.of(t.getService());
        if (store.isPresent()) {
            try {
                store.get().save(STATE_KEY, SnapshotCodec.encode(snapshot));
            } catch (ReflectiveOperationException | RuntimeException ex) {
                LOG.warn("Cannot store the profile snapshot through the persistence service: {}", ex.toString());
            }
        }
    }

    /**
     * The persistence service (bundles/persistence) is optional and may start after the profiler: when
     * it appears and holds a snapshot newer than the file's while nothing was learned since activation,
     * the profiles are restored from it. Snapshots are then written to both.
     */
    private void openStateTracker(BundleContext context) {
        if (context == null) {
            return;
        }
        try {
            ServiceTracker<Object, Object> t = new ServiceTracker<>(context,
                    context.createFilter("(objectClass=" + StateStore.SERVICE + ")"), null) {
                @Override
                public Object addingService(org.osgi.framework.ServiceReference<Object> reference) {
                    Object service = super.addingService(reference);
                    restoreFromStateStore(service);
                    return service;
                }
            };
            t.open(true);
            stateTracker = t;
        } catch (org.osgi.framework.InvalidSyntaxException | RuntimeException ex) {
            LOG.warn("Cannot track the persistence service: {}", ex.toString());
        }
    }

    private void restoreFromStateStore(Object service) {
        ProfilerEngine e = engine;
        Optional<StateStore> store = StateStore.of(service);
        if (e == null || store.isEmpty()) {
            return;
        }
        try {
            Optional<byte[]> bytes = store.get().load(STATE_KEY);
            if (bytes.isEmpty()) {
                return;
            }
            ProfileSnapshot s = SnapshotCodec.decode(bytes.get(), "persistence state '" + STATE_KEY + "'");
            if (s.takenAtMillis() > restoredTakenAt && e.eventsRecorded() == eventsAtActivation) {
                e.restore(s);
                restoredTakenAt = s.takenAtMillis();
                eventsAtActivation = e.eventsRecorded();
                LOG.info("Restored {} function profiles from the persistence service", s.functions().size());
            }
        } catch (SnapshotException bad) {
            LOG.error("Ignoring the profile snapshot in the persistence service: {}", bad.getMessage());
        } catch (ReflectiveOperationException | RuntimeException ex) {
            LOG.warn("Cannot read the profile snapshot from the persistence service: {}", ex.toString());
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
        engine().record(event);
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
        return engine().functionProbability(functionId);
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
    public void rescore(long nowMillis) {
        engine().rescore(nowMillis);
    }
}

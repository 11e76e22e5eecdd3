package org.layerswap.feedback.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.LayerStore;
import org.layerswap.api.SwapManager;
import org.layerswap.feedback.ArmMetrics;
import org.layerswap.feedback.Assignment;
import org.layerswap.feedback.ControllerSettings;
import org.layerswap.feedback.ExperimentReport;
import org.layerswap.feedback.ExperimentSettings;
import org.layerswap.feedback.FeedbackControl;
import org.layerswap.feedback.FeedbackEngine;
import org.layerswap.feedback.FeedbackListener;
import org.layerswap.feedback.FeedbackSettings;
import org.layerswap.feedback.ObjectiveWeights;
import org.layerswap.feedback.ThresholdChange;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the {@link FeedbackEngine} as {@link FeedbackLoop} and {@link FeedbackControl}; closes idle
 * windows on a timer and, when {@code applyThreshold} is set, pushes each new threshold to the
 * {@link SwapManager}. Persistence is wired by {@link FeedbackPersistenceComponent} when the store is installed.
 */
@Component(service = {FeedbackLoop.class, FeedbackControl.class}, configurationPid = "org.layerswap.feedback",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = FeedbackComponent.Config.class)
public final class FeedbackComponent implements FeedbackControl {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackComponent.class);

    @ObjectClassDefinition(name = "LayerSwap feedback loop", description = "Threshold controller and A/B experiments")
    public @interface Config {
        @AttributeDefinition(description = "Objective: latency-equivalent cost of fetching one MB, ms")
        double bandwidthMsPerMB() default 1.0;

        @AttributeDefinition(description = "Objective: extra cost of one MB prefetched but never used, ms")
        double wasteMsPerMB() default 2.0;

        @AttributeDefinition(description = "Objective: cost of keeping one GB resident for one second, ms")
        double storageMsPerGBs() default 0.05;

        @AttributeDefinition(description = "Objective: cost of one failed invocation, ms")
        double errorPenaltyMs() default 1000.0;

        @AttributeDefinition(description = "Starting threshold (before persisted state is restored)")
        double initialThreshold() default 0.5;

        @AttributeDefinition(description = "Lowest threshold the controller may set")
        double minThreshold() default 0.05;

        @AttributeDefinition(description = "Highest threshold the controller may set")
        double maxThreshold() default 0.95;

        @AttributeDefinition(description = "First probe step")
        double initialStep() default 0.2;

        @AttributeDefinition(description = "Settle once the step falls below this")
        double minStep() default 0.02;

        @AttributeDefinition(description = "Step factor on each reversal, (0,1)")
        double stepShrink() default 0.5;

        @AttributeDefinition(description = "Evaluation windows pooled before judging a threshold (min dwell)")
        int dwellWindows() default 2;

        @AttributeDefinition(description = "Windows ignored after a change")
        int discardWindows() default 1;

        @AttributeDefinition(description = "Invocations needed to judge a threshold (scaled up as the step shrinks)")
        long minWindowSamples() default 200;

        @AttributeDefinition(description = "Dead band (hysteresis) on the objective, ms per invocation")
        double hysteresisMs() default 2.0;

        @AttributeDefinition(description = "Dead band is at least this many standard errors")
        double noiseZ() default 2.0;

        @AttributeDefinition(description = "Settled: windows before probing re-opens with half the initial step (0: never)")
        int reprobeWindows() default 120;

        @AttributeDefinition(description = "First probe direction: -1 more prefetching, +1 less")
        int initialDirection() default -1;

        @AttributeDefinition(description = "Evaluation window, seconds")
        long evaluationIntervalSeconds() default 60;

        @AttributeDefinition(description = "Hold the threshold while an A/B experiment runs")
        boolean freezeDuringExperiment() default true;

        @AttributeDefinition(description = "Push each recommended threshold to the swap manager")
        boolean applyThreshold() default true;

        @AttributeDefinition(description = "Experiment assignment: by-function or by-invocation")
        String assignmentMode() default "by-function";

        @AttributeDefinition(description = "Share of units in the treatment arm, (0,1)")
        double treatmentShare() default 0.5;

        @AttributeDefinition(description = "Invocations per arm before any verdict")
        long minSamplesPerArm() default 1000;

        @AttributeDefinition(description = "By-function: functions per arm before any verdict")
        int minFunctionsPerArm() default 10;

        @AttributeDefinition(description = "Family-wise significance level (latency and error tests at alpha/2 each)")
        double significanceLevel() default 0.05;

        @AttributeDefinition(description = "Bootstrap resamples for the confidence interval")
        int bootstrapResamples() default 2000;

        @AttributeDefinition(description = "Per-arm reservoir the bootstrap draws from")
        int bootstrapMaxSamples() default 20000;

        @AttributeDefinition(description = "Seed of reservoirs and bootstrap")
        long seed() default 42;
    }

    private final FeedbackEngine engine = new FeedbackEngine(FeedbackSettings.defaults());
    private ScheduledExecutorService timer;
    private volatile boolean applyThreshold;
    private volatile SwapManager swapManager;

    private final FeedbackListener applier = new FeedbackListener() {
        @Override
        public void thresholdChanged(ThresholdChange c) {
            LOG.info("Prefetch threshold {} -> {}: {}", c.oldValue(), c.newValue(), c.reason());
            push(c.newValue());
        }
    };

    static FeedbackSettings settings(Config c) {
        ObjectiveWeights w = new ObjectiveWeights(c.bandwidthMsPerMB(), c.wasteMsPerMB(), c.storageMsPerGBs(), c.errorPenaltyMs());
        ControllerSettings cs = new ControllerSettings(c.initialThreshold(), c.minThreshold(), c.maxThreshold(), c.initialStep(),
                c.minStep(), c.stepShrink(), c.dwellWindows(), c.discardWindows(), c.minWindowSamples(), c.hysteresisMs(),
                c.noiseZ(), c.reprobeWindows(), c.initialDirection());
        ExperimentSettings es = new ExperimentSettings(Assignment.Mode.parse(c.assignmentMode()), c.treatmentShare(),
                c.minSamplesPerArm(), c.minFunctionsPerArm(), c.significanceLevel(), c.bootstrapResamples(),
                c.bootstrapMaxSamples(), c.seed());
        if (c.evaluationIntervalSeconds() < 1) {
            throw new IllegalArgumentException("evaluationIntervalSeconds must be >= 1, was " + c.evaluationIntervalSeconds());
        }
        return new FeedbackSettings(w, cs, es, c.evaluationIntervalSeconds() * 1000, c.freezeDuringExperiment());
    }

    @Activate
    void activate(Config c) {
        FeedbackSettings s = settings(c);
        engine.updateSettings(s);
        applyThreshold = c.applyThreshold();
        engine.addListener(applier);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "layerswap-feedback-timer");
            t.setDaemon(true);
            return t;
        });
        long period = s.evaluationIntervalMillis();
        timer.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        LOG.info("Feedback loop active: threshold {}, window {} s, experiments {} share {}", engine.recommendedThreshold(),
                period / 1000, s.experiment().mode(), s.experiment().treatmentShare());
    }

    @Modified
    void modified(Config c) {
        engine.updateSettings(settings(c));
        applyThreshold = c.applyThreshold();
        push(engine.recommendedThreshold());
    }

    @Deactivate
    void deactivate() {
        engine.removeListener(applier);
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The layer store whose resident bytes are sampled every tick: the objective's storage term. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile LayerStore layerStore;

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            LayerStore store = layerStore;
            if (store != null) {
                engine.recordStorage(store.stats().usedBytes(), now);
            }
            engine.tick(now);
        } catch (RuntimeException e) {
            LOG.warn("Feedback window evaluation failed: {}", e.toString());
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindSwapManager(SwapManager m) {
        swapManager = m;
        push(engine.recommendedThreshold());
    }

    void unbindSwapManager(SwapManager m) {
        if (swapManager == m) {
            swapManager = null;
        }
    }

    private void push(double threshold) {
        SwapManager m = swapManager;
        if (applyThreshold && m != null) {
            try {
                m.setThreshold(threshold);
            } catch (RuntimeException e) {
                LOG.warn("Swap manager refused threshold {}: {}", threshold, e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- delegation

    @Override
    public void record(InvocationOutcome outcome) {
        engine.record(outcome);
    }

    @Override
    public ExperimentArm assign(String functionId, long invocationSeq) {
        return engine.assign(functionId, invocationSeq);
    }

    @Override
    public ExperimentArm functionArm(String functionId) {
        return engine.functionArm(functionId);
    }

    @Override
    public double recommendedThreshold() {
        return engine.recommendedThreshold();
    }

    @Override
    public void recordFetch(String functionId, ExperimentArm arm, FetchPriority priority, long bytes, long timestampMillis) {
        engine.recordFetch(functionId, arm, priority, bytes, timestampMillis);
    }

    @Override
    public void recordWastedPrefetch(String functionId, ExperimentArm arm, long bytes, long timestampMillis) {
        engine.recordWastedPrefetch(functionId, arm, bytes, timestampMillis);
    }

    @Override
    public void recordStorage(long residentBytes, long timestampMillis) {
        engine.recordStorage(residentBytes, timestampMillis);
    }

    @Override
    public String startExperiment(String name, ExperimentSettings settings) {
        String id = engine.startExperiment(name, settings);
        LOG.info("Experiment {} ({}) started", id, name);
        return id;
    }

    @Override
    public Optional<ExperimentReport> stopExperiment() {
        Optional<ExperimentReport> r = engine.stopExperiment();
        r.ifPresent(x -> LOG.info("Experiment {} stopped: {}", x.experimentId(), x.verdict()));
        return r;
    }

    @Override
    public Optional<ExperimentReport> experimentReport() {
        return engine.experimentReport();
    }

    @Override
    public List<ExperimentReport> finishedExperiments() {
        return engine.finishedExperiments();
    }

    @Override
    public List<ArmMetrics> metrics(String functionId) {
        return engine.metrics(functionId);
    }

    @Override
    public List<String> functions() {
        return engine.functions();
    }

    @Override
    public ControllerStatus controllerStatus() {
        return engine.controllerStatus();
    }

    @Override
    public List<ThresholdChange> recentThresholdChanges(int limit) {
        return engine.recentThresholdChanges(limit);
    }

    @Override
    public FeedbackSettings settings() {
        return engine.settings();
    }

    @Override
    public byte[] exportState() {
        return engine.exportState();
    }

    @Override
    public void importState(byte[] state) {
        engine.importState(state);
        push(engine.recommendedThreshold());
    }

    @Override
    public void addListener(FeedbackListener listener) {
        engine.addListener(listener);
    }

    @Override
    public void removeListener(FeedbackListener listener) {
        engine.removeListener(listener);
    }
}

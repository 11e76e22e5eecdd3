package org.layerswap.feedback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationOutcome;

/**
 * The feedback loop in plain Java: per-function/per-arm monitoring, the threshold controller fed by
 * event-time evaluation windows, and A/B experiments. Thread-safe (one lock, O(1) work per call);
 * listeners are called after the lock is released.
 */
public final class FeedbackEngine implements FeedbackControl {

    private static final String ALL = "*";

    private record Key(String functionId, ExperimentArm arm) {
    }

    private static final class Acc {
        long n;
        double sumWait;
        double sumExec;
        double sumTotal;
        double maxTotal;
        long errors;
        long bytesPrefetched;
        long bytesOnDemand;
        long wasted;
    }

    private static final class Window {
        final long start;
        final double threshold;
        final Statistics.Moments adjusted = new Statistics.Moments();
        double sumLatency;
        double sumWait;
        double sumExec;
        long errors;
        long bytesFetched;
        long bytesPrefetched;
        long wasted;
        double storageGBs;

        Window(long start, double threshold) {
            this.start = start;
            this.threshold = threshold;
        }

        WindowMetrics close(long end) {
            long n = adjusted.n();
            return new WindowMetrics(start, end, threshold, n, n == 0 ? 0 : sumLatency / n, n == 0 ? 0 : adjusted.mean(),
                    adjusted.variance(), n == 0 ? 0 : sumWait / n, n == 0 ? 0 : sumExec / n, errors, bytesFetched,
                    bytesPrefetched, wasted, storageGBs);
        }
    }

    private volatile FeedbackSettings settings;
    private ThresholdController controller;
    private volatile double threshold;
    private final Map<Key, Acc> metrics = new HashMap<>();
    /** Per function: {invocations, running mean execution ms} over every arm. */
    private final Map<String, double[]> usualExec = new HashMap<>();
    private Window window;
    private long lastStorageBytes = -1;
    private long lastStorageMillis = -1;
    private double totalStorageGBs;
    private Experiment experiment;
    private final List<ExperimentReport> finished = new ArrayList<>();
    private long experimentCounter;
    private long windowsClosed;
    private final List<FeedbackListener> listeners = new CopyOnWriteArrayList<>();
    private final java.util.ArrayDeque<ThresholdChange> recentChanges = new java.util.ArrayDeque<>();
    private final LongSupplier clock;

    public FeedbackEngine(FeedbackSettings settings) {
        this(settings, System::currentTimeMillis);
    }

    /** @param clock the time used by the {@link FeedbackControl} methods that take none */
    public FeedbackEngine(FeedbackSettings settings, LongSupplier clock) {
        this.clock = clock;
        this.settings = settings;
        this.controller = new ThresholdController(settings.controller(), settings.objective());
        this.threshold = controller.threshold();
    }

    @Override
    public FeedbackSettings settings() {
        return settings;
    }

    /** Applies new settings, keeping the controller's learned state (clamped into the new range). */
    public void updateSettings(FeedbackSettings s) {
        synchronized (this) {
            Properties state = controller.exportState();
            settings = s;
            controller = new ThresholdController(s.controller(), s.objective());
            controller.importState(state);
            threshold = controller.threshold();
        }
    }

    @Override
    public void addListener(FeedbackListener l) {
        listeners.add(l);
    }

    @Override
    public void removeListener(FeedbackListener l) {
        listeners.remove(l);
    }

    // ------------------------------------------------------------------ FeedbackLoop

    @Override
    public void record(InvocationOutcome o) {
        if (o == null || o.functionId() == null || o.functionId().isBlank()) {
            throw new IllegalArgumentException("invocation outcome without a function id: " + o);
        }
        if (o.layerWaitMicros() < 0 || o.executionMicros() < 0) {
            throw new IllegalArgumentException("negative latency in outcome of " + o.functionId() + ": wait "
                    + o.layerWaitMicros() + " us, execution " + o.executionMicros() + " us");
        }
        ExperimentArm arm = o.arm() == null ? ExperimentArm.NONE : o.arm();
        List<Runnable> events = new ArrayList<>();
        synchronized (this) {
            closeWindows(o.timestampMillis(), events);
            double total = o.totalMicros() / 1000.0;
            for (Key k : new Key[] {new Key(o.functionId(), arm), new Key(ALL, arm)}) {
                Acc a = metrics.computeIfAbsent(k, x -> new Acc());
                a.n++;
                a.sumWait += o.layerWaitMicros() / 1000.0;
                a.sumExec += o.executionMicros() / 1000.0;
                a.sumTotal += total;
                a.maxTotal = Math.max(a.maxTotal, total);
                if (o.error()) {
                    a.errors++;
                }
            }
            if (experiment != null && arm != ExperimentArm.NONE) {
                experiment.add(arm == o.arm() ? o : new InvocationOutcome(o.functionId(), o.timestampMillis(), arm,
                        o.layerWaitMicros(), o.executionMicros(), o.error()));
            }
            double execMs = o.executionMicros() / 1000.0;
            double[] ue = usualExec.computeIfAbsent(o.functionId(), k -> new double[2]);
            double excess = ue[0] == 0 ? 0 : execMs - ue[1];
            ue[0]++;
            ue[1] += (execMs - ue[1]) / ue[0];
            if (controlsTraffic(arm)) {
                Window w = window(o.timestampMillis());
                w.adjusted.add(o.layerWaitMicros() / 1000.0 + excess);
                w.sumLatency += total;
                w.sumWait += o.layerWaitMicros() / 1000.0;
                w.sumExec += o.executionMicros() / 1000.0;
                if (o.error()) {
                    w.errors++;
                }
            }
        }
        events.forEach(Runnable::run);
    }

    @Override
    public ExperimentArm assign(String functionId, long invocationSeq) {
        Experiment e;
        synchronized (this) {
            e = experiment;
        }
        return e == null ? ExperimentArm.NONE : e.assign(functionId, invocationSeq);
    }

    @Override
    public synchronized ExperimentArm functionArm(String functionId) {
        return experiment == null ? ExperimentArm.NONE : experiment.functionArm(functionId);
    }

    @Override
    public double recommendedThreshold() {
        return threshold;
    }

    @Override
    public void recordFetch(String functionId, ExperimentArm arm, FetchPriority priority, long bytes, long timestampMillis) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative fetch size " + bytes + " for " + functionId);
        }
        ExperimentArm a = arm == null ? ExperimentArm.NONE : arm;
        boolean prefetch = priority == FetchPriority.PREFETCH;
        List<Runnable> events = new ArrayList<>();
        synchronized (this) {
            closeWindows(timestampMillis, events);
            for (Key k : new Key[] {new Key(functionId == null ? ALL : functionId, a), new Key(ALL, a)}) {
                Acc acc = metrics.computeIfAbsent(k, x -> new Acc());
                if (prefetch) {
                    acc.bytesPrefetched += bytes;
                } else {
                    acc.bytesOnDemand += bytes;
                }
                if (functionId == null) {
                    break;
                }
            }
            if (experiment != null) {
                experiment.addBytes(a, bytes, 0);
            }
            if (controlsTraffic(a)) {
                Window w = window(timestampMillis);
                w.bytesFetched += bytes;
                if (prefetch) {
                    w.bytesPrefetched += bytes;
                }
            }
        }
        events.forEach(Runnable::run);
    }

    @Override
    public void recordWastedPrefetch(String functionId, ExperimentArm arm, long bytes, long timestampMillis) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative wasted size " + bytes + " for " + functionId);
        }
        ExperimentArm a = arm == null ? ExperimentArm.NONE : arm;
        List<Runnable> events = new ArrayList<>();
        synchronized (this) {
            closeWindows(timestampMillis, events);
            metrics.computeIfAbsent(new Key(ALL, a), x -> new Acc()).wasted += bytes;
            if (functionId != null) {
                metrics.computeIfAbsent(new Key(functionId, a), x -> new Acc()).wasted += bytes;
            }
            if (experiment != null) {
                experiment.addBytes(a, 0, bytes);
            }
            if (controlsTraffic(a)) {
                window(timestampMillis).wasted += bytes;
            }
        }
        events.forEach(Runnable::run);
    }

    @Override
    public void recordStorage(long residentBytes, long timestampMillis) {
        if (residentBytes < 0) {
            throw new IllegalArgumentException("negative resident size " + residentBytes);
        }
        synchronized (this) {
            integrateStorage(timestampMillis);
            lastStorageBytes = residentBytes;
            lastStorageMillis = timestampMillis;
        }
    }

    /** Closes every window that ended by {@code nowMillis} (call on a timer when traffic may stop). */
    public void tick(long nowMillis) {
        List<Runnable> events = new ArrayList<>();
        synchronized (this) {
            closeWindows(nowMillis, events);
        }
        events.forEach(Runnable::run);
    }

    // ------------------------------------------------------------------ windows and controller

    private boolean controlsTraffic(ExperimentArm arm) {
        if (arm == ExperimentArm.CONTROL) {
            return false;
        }
        return !(experiment != null && settings.freezeDuringExperiment());
    }

    private Window window(long ts) {
        if (window == null) {
            long interval = settings.evaluationIntervalMillis();
            window = new Window(Math.floorDiv(ts, interval) * interval, threshold);
        }
        return window;
    }

    private void integrateStorage(long until) {
        if (lastStorageMillis >= 0 && until > lastStorageMillis) {
            double gbs = lastStorageBytes / 1e9 * (until - lastStorageMillis) / 1000.0;
            totalStorageGBs += gbs;
            if (window != null && controlsTraffic(ExperimentArm.NONE)) {
                window.storageGBs += gbs;
            }
            lastStorageMillis = until;
        }
    }

    private void closeWindows(long now, List<Runnable> events) {
        long interval = settings.evaluationIntervalMillis();
        if (window == null || now < window.start + interval) {
            return;
        }
        long end = window.start + interval;
        integrateStorage(end);
        WindowMetrics m = window.close(end);
        window = null;
        windowsClosed++;
        double j = settings.objective().evaluate(m).objective();
        events.add(() -> listeners.forEach(l -> l.windowClosed(m, j)));
        if (!controlsTraffic(ExperimentArm.NONE)) {
            return;
        }
        Optional<ThresholdChange> change = controller.onWindow(m);
        threshold = controller.threshold();
        change.ifPresent(c -> {
            recentChanges.addFirst(c);
            if (recentChanges.size() > 256) {
                recentChanges.removeLast();
            }
            events.add(() -> listeners.forEach(l -> l.thresholdChanged(c)));
        });
    }

    @Override
    public synchronized List<ThresholdChange> recentThresholdChanges(int limit) {
        return recentChanges.stream().limit(Math.max(0, limit)).toList();
    }

    public synchronized ThresholdController.Phase controllerPhase() {
        return controller.phase();
    }

    /** Direction reversals of the controller since start (or since restored state). */
    public synchronized long controllerReversals() {
        return controller.reversals();
    }

    public synchronized long controllerChanges() {
        return controller.changes();
    }

    /** The best threshold known (where the controller settles); differs from the applied one while probing. */
    public synchronized double referenceThreshold() {
        return controller.referenceThreshold();
    }

    public synchronized long windowsClosed() {
        return windowsClosed;
    }

    /** The controller state, serialised (properties text) for {@code saveState}. */
    @Override
    public synchronized byte[] exportState() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            controller.exportState().store(out, "LayerSwap feedback controller state");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Restores {@link #exportState()} output; throws IllegalArgumentException naming what is wrong. */
    @Override
    public void importState(byte[] state) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(state, StandardCharsets.ISO_8859_1)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("unreadable controller state: " + e.getMessage(), e);
        }
        synchronized (this) {
            controller.importState(p);
            threshold = controller.threshold();
        }
    }

    // ------------------------------------------------------------------ experiments

    @Override
    public String startExperiment(String name, ExperimentSettings experimentSettings) {
        return startExperiment(name, experimentSettings, clock.getAsLong());
    }

    @Override
    public Optional<ExperimentReport> stopExperiment() {
        return stopExperiment(clock.getAsLong());
    }

    @Override
    public Optional<ExperimentReport> experimentReport() {
        return experimentReport(clock.getAsLong());
    }

    @Override
    public synchronized ControllerStatus controllerStatus() {
        return new ControllerStatus(controller.threshold(), controller.phase(), controller.step(), controller.referenceThreshold(),
                controller.probeThreshold(), controller.referenceObjective(),
                controller.lastEvaluation().map(ObjectiveWeights.Evaluation::objective).orElse(Double.NaN),
                controller.changes(), controller.decisions(), controller.reversals(), controller.probingPhases(), windowsClosed);
    }

    /**
     * Starts an experiment ({@code settings} null: the configured defaults).
     *
     * @return its id
     * @throws IllegalStateException when one is already running (naming it)
     */
    public String startExperiment(String name, ExperimentSettings experimentSettings, long nowMillis) {
        ExperimentSettings s = experimentSettings == null ? settings.experiment() : experimentSettings;
        Experiment e;
        synchronized (this) {
            if (experiment != null) {
                throw new IllegalStateException("experiment " + experiment.id + " (" + experiment.name
                        + ") is running; stop it before starting another");
            }
            String id = "exp-" + Long.toString(nowMillis, 36) + "-" + (++experimentCounter);
            e = new Experiment(id, name == null || name.isBlank() ? id : name, s, nowMillis);
            experiment = e;
            window = null; // the window in progress mixed pre-experiment traffic
        }
        listeners.forEach(l -> l.experimentStarted(e.id, e.name, s, nowMillis));
        return e.id;
    }

    /** Stops the running experiment and returns its final report; empty when none runs. */
    public Optional<ExperimentReport> stopExperiment(long nowMillis) {
        ExperimentReport r;
        Experiment frozen;
        synchronized (this) {
            if (experiment == null) {
                return Optional.empty();
            }
            experiment.stoppedMillis = nowMillis;
            frozen = experiment.snapshot();
            experiment = null;
            window = null;
        }
        r = frozen.report(nowMillis);
        synchronized (this) {
            finished.add(r);
        }
        listeners.forEach(l -> l.experimentStopped(r));
        return Optional.of(r);
    }

    /** The running experiment's report as of {@code nowMillis}. */
    public Optional<ExperimentReport> experimentReport(long nowMillis) {
        Experiment frozen;
        synchronized (this) {
            if (experiment == null) {
                return Optional.empty();
            }
            frozen = experiment.snapshot();
        }
        return Optional.of(frozen.report(nowMillis));
    }

    public synchronized Optional<String> activeExperimentId() {
        return experiment == null ? Optional.empty() : Optional.of(experiment.id);
    }

    /** Final reports of stopped experiments, oldest first. */
    @Override
    public synchronized List<ExperimentReport> finishedExperiments() {
        return List.copyOf(finished);
    }

    // ------------------------------------------------------------------ monitoring

    /** Cumulative metrics; {@code functionId} null: the all-function ("*") rows only. */
    @Override
    public synchronized List<ArmMetrics> metrics(String functionId) {
        String f = functionId == null ? ALL : functionId;
        List<ArmMetrics> out = new ArrayList<>();
        metrics.forEach((k, a) -> {
            if (k.functionId().equals(f)) {
                out.add(new ArmMetrics(k.functionId(), k.arm(), a.n, a.n == 0 ? 0 : a.sumWait / a.n, a.n == 0 ? 0 : a.sumExec / a.n,
                        a.n == 0 ? 0 : a.sumTotal / a.n, a.maxTotal, a.n == 0 ? 0 : (double) a.errors / a.n, a.bytesPrefetched,
                        a.bytesOnDemand, a.wasted, k.functionId().equals(ALL) && k.arm() == ExperimentArm.NONE ? totalStorageGBs : 0));
            }
        });
        out.sort(Comparator.comparing(ArmMetrics::arm));
        return out;
    }

    /** Functions with recorded metrics. */
    @Override
    public synchronized List<String> functions() {
        return metrics.keySet().stream().map(Key::functionId).filter(f -> !f.equals(ALL)).distinct().sorted().toList();
    }
}

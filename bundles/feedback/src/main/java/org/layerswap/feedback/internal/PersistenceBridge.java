package org.layerswap.feedback.internal;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.layerswap.api.ExperimentArm;
import org.layerswap.feedback.ExperimentReport;
import org.layerswap.feedback.ExperimentSettings;
import org.layerswap.feedback.FeedbackControl;
import org.layerswap.feedback.FeedbackListener;
import org.layerswap.feedback.ThresholdChange;
import org.layerswap.feedback.WindowMetrics;
import org.layerswap.persistence.api.ExperimentResultRow;
import org.layerswap.persistence.api.ExperimentRow;
import org.layerswap.persistence.api.MetricRow;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.persistence.api.ThresholdChangeRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what the feedback loop decides: every threshold change with its evidence, per-window metrics,
 * experiments and their final reports (asynchronous rows), and the controller state (saved by
 * {@link #saveStateIfDirty()} off the invocation path, restored by {@link #restore()}).
 */
public final class PersistenceBridge implements FeedbackListener {

    public static final String STATE_KEY = "feedback.controller";

    private static final Logger LOG = LoggerFactory.getLogger(PersistenceBridge.class);

    private final FeedbackControl feedback;
    private final PersistenceService store;
    private final AtomicBoolean dirty = new AtomicBoolean();

    public PersistenceBridge(FeedbackControl feedback, PersistenceService store) {
        this.feedback = feedback;
        this.store = store;
    }

    /** Restores the controller state; true when there was one. A corrupt state is reported and ignored. */
    public boolean restore() {
        return store.loadState(STATE_KEY).map(bytes -> {
            try {
                feedback.importState(bytes);
                LOG.info("Restored feedback controller state: threshold {}", feedback.recommendedThreshold());
                return true;
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring stored feedback controller state ({}): starting from the configured threshold", e.getMessage());
                return false;
            }
        }).orElse(false);
    }

    public void saveStateIfDirty() {
        if (dirty.getAndSet(false)) {
            saveState();
        }
    }

    public void saveState() {
        store.saveState(STATE_KEY, feedback.exportState());
    }

    @Override
    public void thresholdChanged(ThresholdChange c) {
        store.recordThresholdChange(new ThresholdChangeRow(0, c.timestampMillis(), c.parameter(), c.oldValue(), c.newValue(),
                c.objectiveBefore(), c.objectiveAfter(), c.reason(), c.evidenceText()));
        dirty.set(true);
    }

    @Override
    public void windowClosed(WindowMetrics w, double objective) {
        long ts = w.endMillis();
        metric(ts, "feedback.objective", objective);
        metric(ts, "feedback.threshold", w.threshold());
        metric(ts, "feedback.invocations", w.invocations());
        metric(ts, "feedback.latency_ms", w.meanLatencyMs());
        metric(ts, "feedback.layer_wait_ms", w.meanWaitMs());
        metric(ts, "feedback.execution_ms", w.meanExecMs());
        metric(ts, "feedback.mb_fetched", w.bytesFetched() / 1e6);
        metric(ts, "feedback.mb_wasted", w.wastedBytes() / 1e6);
        metric(ts, "feedback.storage_gbs", w.storageGBs());
        dirty.set(true);
    }

    private void metric(long ts, String name, double v) {
        if (!Double.isNaN(v)) {
            store.recordMetric(new MetricRow(0, ts, name, "", ExperimentArm.NONE, v));
        }
    }

    @Override
    public void experimentStarted(String id, String name, ExperimentSettings s, long startedMillis) {
        store.recordExperiment(new ExperimentRow(id, name, s.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                s.treatmentShare(), startedMillis, -1, "RUNNING", s.describe()));
    }

    @Override
    public void experimentStopped(ExperimentReport r) {
        store.recordExperiment(new ExperimentRow(r.experimentId(), r.name(), r.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                feedback.settings().experiment().treatmentShare(), r.startedMillis(), r.asOfMillis(), "STOPPED",
                "alpha=" + r.alpha() + "\nminSamplesPerArm=" + r.minSamplesPerArm()));
        store.recordExperimentResult(new ExperimentResultRow(0, r.experimentId(), r.asOfMillis(), r.verdict().name(), r.render()));
    }
}

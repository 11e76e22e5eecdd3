package org.layerswap.replay.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.replay.Calibration;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeView;
import org.layerswap.replay.ReplayPolicy;

/**
 * Replays a LayerSwap {@link BehavioralProfiler} (any implementation, made by the supplied factory)
 * through the api exactly as the live swap manager uses it: every invocation is
 * {@link BehavioralProfiler#record recorded} (and its optional layers reported with
 * {@link BehavioralProfiler#recordLayerAccess}); at most every {@code decisionIntervalMillis} of trace
 * time the profiler is {@link BehavioralProfiler#rescore rescored} and its {@link BehavioralProfiler#topK
 * top-k} layers at or above the threshold are prefetched (while the queued bytes stay below what the
 * link moves in one prediction window). Eviction is least-recently-used among layers whose latest
 * score is below the threshold, then plain LRU; a prefetch never evicts a layer scored above the
 * threshold.
 *
 * <p>Calibration: every {@code calibrationIntervalMillis} the probability of every layer in the trace
 * ({@link BehavioralProfiler#scores()}, 0 when unscored) is recorded and later resolved against whether
 * the layer was used within {@link BehavioralProfiler#windowMillis()}: Brier score and reliability.
 * The profiler only ever sees the past.
 */
public final class PredictivePolicy extends ReplayPolicy {

    private final String name;
    private final Supplier<? extends BehavioralProfiler> factory;
    private final double threshold;
    private final int topK;
    private final long decisionIntervalMillis;
    private final long calibrationIntervalMillis;

    private BehavioralProfiler profiler;
    private EventTable tab;
    private LruList lru;
    private double[] score;
    private long[] scoreStamp;
    private long decisions;
    private long lastDecision = Long.MIN_VALUE / 4;
    private long window;
    private double maxQueuedBytes;
    private LayerId[] ids;
    private int[] accessCount;
    private final Calibration calibration = new Calibration();
    private long lastCalibration = Long.MIN_VALUE / 4;
    // pending calibration samples (FIFO)
    private long[] pT = new long[1024];
    private int[] pLayer = new int[1024];
    private double[] pProb = new double[1024];
    private int[] pCount = new int[1024];
    private int pHead;
    private int pTail;

    public PredictivePolicy(String name, Supplier<? extends BehavioralProfiler> factory, double threshold) {
        this(name, factory, threshold, 64, 1000, 15 * 60_000L);
    }

    public PredictivePolicy(String name, Supplier<? extends BehavioralProfiler> factory, double threshold, int topK,
                            long decisionIntervalMillis, long calibrationIntervalMillis) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("prefetch threshold must be in [0,1], got " + threshold);
        }
        this.name = name;
        this.factory = factory;
        this.threshold = threshold;
        this.topK = topK;
        this.decisionIntervalMillis = decisionIntervalMillis;
        this.calibrationIntervalMillis = calibrationIntervalMillis;
    }

    @Override
    public String name() {
        return name;
    }

    /** The same profiler factory and settings with another threshold (sweeps). */
    public PredictivePolicy withThreshold(double t) {
        String base = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
        return new PredictivePolicy(base + "@" + t, factory, t, topK, decisionIntervalMillis, calibrationIntervalMillis);
    }

    public BehavioralProfiler profiler() {
        return profiler;
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        tab = node.table();
        profiler = factory.get();
        profiler.updateFunctionLayers(tab.functionLayerMap());
        int n = tab.layerCount();
        lru = new LruList(n);
        score = new double[n];
        scoreStamp = new long[n];
        Arrays.fill(scoreStamp, -1);
        accessCount = new int[n];
        ids = new LayerId[n];
        for (int l = 0; l < n; l++) {
            ids[l] = tab.layer(l).id();
        }
        window = Math.max(1, profiler.windowMillis());
        maxQueuedBytes = node.config().bandwidthBytesPerSec() * window / 1000.0;
    }

    @Override
    public void beforeInvocation(int event, long t) {
        // resolve calibration samples whose window closed before this event
        while (pHead != pTail && pT[pHead] + window < t) {
            int l = pLayer[pHead];
            calibration.add(pProb[pHead], accessCount[l] > pCount[pHead]);
            pHead++;
        }
    }

    @Override
    public void onAccess(int layer, int event, int pos, long t) {
        accessCount[layer]++;
        if (node.resident(layer)) {
            lru.touch(layer);
        }
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        lru.touch(layer);
    }

    @Override
    public void onEvict(int layer) {
        lru.remove(layer);
    }

    @Override
    public void afterInvocation(int event, long t) {
        InvocationEvent ev = tab.event(event);
        profiler.record(ev);
        int stack = tab.stackIndex(event);
        int[] layers = tab.stackLayers(stack);
        int base = tab.stackBaseLength(stack);
        if (layers.length > base) {
            List<LayerId> used = new ArrayList<>(layers.length - base);
            for (int k = base; k < layers.length; k++) {
                used.add(ids[layers[k]]);
            }
            profiler.recordLayerAccess(ev, used);
        }
        if (t - lastDecision >= decisionIntervalMillis) {
            lastDecision = t;
            decide(t);
        }
        if (t - lastCalibration >= calibrationIntervalMillis) {
            lastCalibration = t;
            sample(t);
        }
    }

    private void decide(long t) {
        profiler.rescore(t);
        decisions++;
        List<PredictionScore> top = profiler.topK(topK);
        for (PredictionScore ps : top) {
            int l = tab.layerIndex(ps.layerId());
            if (l < 0) {
                continue;
            }
            score[l] = ps.score();
            scoreStamp[l] = decisions;
            if (ps.score() >= threshold && !node.resident(l) && !node.queued(l)
                    && node.queuedPrefetchBytes() + tab.layerSize(l) <= maxQueuedBytes) {
                node.prefetch(l);
            }
        }
    }

    private boolean protectedLayer(int l) {
        return scoreStamp[l] == decisions && score[l] >= threshold;
    }

    private void sample(long t) {
        Map<LayerId, PredictionScore> all = profiler.scores();
        int n = ids.length;
        if (pTail + n > pT.length) {
            // compact, then grow
            int live = pTail - pHead;
            int cap = Math.max(pT.length, (live + n) * 2);
            pT = Arrays.copyOfRange(pT, pHead, pHead + cap);
            pLayer = Arrays.copyOfRange(pLayer, pHead, pHead + cap);
            pProb = Arrays.copyOfRange(pProb, pHead, pHead + cap);
            pCount = Arrays.copyOfRange(pCount, pHead, pHead + cap);
            pTail = live;
            pHead = 0;
        }
        for (int l = 0; l < n; l++) {
            PredictionScore s = all.get(ids[l]);
            pT[pTail] = t;
            pLayer[pTail] = l;
            pProb[pTail] = s == null ? 0 : s.score();
            pCount[pTail] = accessCount[l];
            pTail++;
        }
    }

    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        int x = lru.head();
        int firstFree = -1;
        int scanned = 0;
        while (x >= 0 && scanned < 256) {
            if (!node.pinned(x)) {
                if (!protectedLayer(x)) {
                    return x;
                }
                if (firstFree < 0) {
                    firstFree = x;
                }
            }
            x = lru.next(x);
            scanned++;
        }
        if (forPrefetch) {
            return -1;
        }
        if (firstFree >= 0) {
            return firstFree;
        }
        while (x >= 0 && node.pinned(x)) {
            x = lru.next(x);
        }
        return x;
    }

    @Override
    public Calibration calibration() {
        return calibration;
    }
}

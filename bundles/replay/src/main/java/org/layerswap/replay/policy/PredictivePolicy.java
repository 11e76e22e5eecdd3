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
import org.layerswap.swap.CostModel;
import org.layerswap.swap.EvictionPlanner;

/**
 * Replays a LayerSwap {@link BehavioralProfiler} (any implementation, made by the supplied factory)
 * through the api exactly as the live swap manager uses it: every invocation is
 * {@link BehavioralProfiler#record recorded} (and its optional layers reported with
 * {@link BehavioralProfiler#recordLayerAccess}); at most every {@code decisionIntervalMillis} of trace
 * time the profiler is {@link BehavioralProfiler#rescore rescored} and its {@link BehavioralProfiler#topK
 * top-k} layers at or above the threshold are prefetched (while the queued bytes stay below what the
 * link moves in one prediction window). Eviction is the swap manager's own {@link EvictionPlanner}
 * (layers scored below the threshold first, least recently used first) on every layer's latest score,
 * and its rule that a prefetch evicts only unpredicted layers idle for an hour: the one eviction code
 * of the project, shared with {@link SwapManagerPolicy}, which replaces only the prefetch decision.
 *
 * <p>Calibration: every {@code calibrationIntervalMillis} the probability of every layer in the trace
 * ({@link BehavioralProfiler#scores()}, 0 when unscored) is recorded and later resolved against whether
 * the layer was used within {@link BehavioralProfiler#windowMillis()}: Brier score and reliability.
 * The profiler only ever sees the past.
 */
public class PredictivePolicy extends ReplayPolicy {

    private final String name;
    private final Supplier<? extends BehavioralProfiler> factory;
    protected final double threshold;
    private final int topK;
    protected final long decisionIntervalMillis;
    protected final long calibrationIntervalMillis;

    protected BehavioralProfiler profiler;
    protected EventTable tab;
    protected EvictionPlanner evictor;
    /** Latest score of every layer (0 when unscored), refreshed at each decision. */
    protected double[] score;
    private long[] lastUse;
    private int[] residentList;
    private int[] residentPos;
    private int residentCount;
    private long decisions;
    private long lastDecision = Long.MIN_VALUE / 4;
    private long window;
    private double maxQueuedBytes;
    protected LayerId[] ids;
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

    protected Supplier<? extends BehavioralProfiler> factory() {
        return factory;
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
        evictor = new EvictionPlanner(costModel());
        score = new double[n];
        lastUse = new long[n];
        residentList = new int[n];
        residentPos = new int[n];
        Arrays.fill(residentPos, -1);
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
        lastUse[layer] = t;
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        lastUse[layer] = Math.max(lastUse[layer], (long) Math.ceil(t));
        if (residentPos[layer] < 0) {
            residentPos[layer] = residentCount;
            residentList[residentCount++] = layer;
        }
    }

    @Override
    public void onEvict(int layer) {
        int p = residentPos[layer];
        if (p >= 0) {
            int last = residentList[--residentCount];
            residentList[p] = last;
            residentPos[last] = p;
            residentPos[layer] = -1;
        }
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

    /** The cost model of the eviction order: the node's link (the storage/disruption weights do not enter it). */
    protected CostModel costModel() {
        return new CostModel(node.config().bandwidthBytesPerSec(), node.config().rttMillis(),
                CostModel.DEFAULT.storageWeight(), CostModel.DEFAULT.disruptionWeight());
    }

    /** Rescores the profiler and copies every layer's latest score (0 when unscored) into {@link #score}. */
    protected final void refreshScores(long t) {
        profiler.rescore(t);
        decisions++;
        Arrays.fill(score, 0);
        for (PredictionScore ps : profiler.scores().values()) {
            int l = tab.layerIndex(ps.layerId());
            if (l >= 0) {
                score[l] = ps.score();
            }
        }
    }

    /** Prefetch decision: the top-k layers at or above the threshold, bounded by one window of link capacity. */
    protected void decide(long t) {
        refreshScores(t);
        List<PredictionScore> top = profiler.topK(topK);
        for (PredictionScore ps : top) {
            int l = tab.layerIndex(ps.layerId());
            if (l >= 0 && ps.score() >= threshold && !node.resident(l) && !node.queued(l)
                    && node.queuedPrefetchBytes() + tab.layerSize(l) <= maxQueuedBytes) {
                node.prefetch(l);
            }
        }
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

    /**
     * Whether a prefetch of {@code l} would get room now (the manager's {@code makeRoom}, checked before
     * the fetch starts): free budget plus the resident, unpinned layers it may evict. The simulator makes
     * the room when the prefetch completes, with {@link #victim}.
     */
    protected final boolean roomFor(int l) {
        long need = node.usedBytes() + tab.layerSize(l) - node.budgetBytes();
        long now = (long) node.now();
        for (int i = 0; i < residentCount && need > 0; i++) {
            int v = residentList[i];
            if (!node.pinned(v) && EvictionPlanner.mayEvictForPrefetch(score[v], lastUse[v], threshold, now)) {
                need -= tab.layerSize(v);
            }
        }
        return need <= 0;
    }

    private int nextVictim() {
        int best = -1;
        for (int i = 0; i < residentCount; i++) {
            int l = residentList[i];
            if (node.pinned(l)) {
                continue;
            }
            if (best < 0 || evictor.compare(score[l], lastUse[l], tab.layerSize(l), tab.layerSize(l), ids[l],
                    score[best], lastUse[best], tab.layerSize(best), tab.layerSize(best), ids[best], threshold) < 0) {
                best = l;
            }
        }
        return best;
    }

    /**
     * The swap manager's eviction order ({@link EvictionPlanner#compare}) over the resident, unpinned
     * layers; for a prefetch, refused unless {@link EvictionPlanner#mayEvictForPrefetch} (the manager's
     * {@code makeRoom} rule).
     */
    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        int best = nextVictim();
        if (best >= 0 && forPrefetch && incoming >= 0
                && !EvictionPlanner.mayEvictForPrefetch(score[best], lastUse[best], threshold, (long) node.now())) {
            return -1;
        }
        return best;
    }

    @Override
    public Calibration calibration() {
        return calibration;
    }
}

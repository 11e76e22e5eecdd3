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
import org.layerswap.nextuse.NextUseModel;
import org.layerswap.replay.Calibration;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeView;
import org.layerswap.replay.ReplayPolicy;
import org.layerswap.swap.CostModel;
import org.layerswap.swap.NextUseEvictionPlanner;
import org.layerswap.swap.ResidentSet;

/**
 * Replays a LayerSwap {@link BehavioralProfiler} (any implementation, made by the supplied factory)
 * through the api exactly as the live swap manager uses it: every invocation is
 * {@link BehavioralProfiler#record recorded} (and its optional layers reported with
 * {@link BehavioralProfiler#recordLayerAccess}); at most every {@code decisionIntervalMillis} of trace
 * time the profiler is {@link BehavioralProfiler#rescore rescored} and its {@link BehavioralProfiler#topK
 * top-k} layers at or above the threshold are prefetched (while the queued bytes stay below what the
 * link moves in one prediction window). Eviction is the swap manager's next-use order
 * ({@link NextUseEvictionPlanner}, as in {@link SwapManagerPolicy}): the resident, unpinned layer with the
 * largest (predicted next use - now) x bytes goes first, a layer's next use being the earliest median next use
 * of the functions using it ({@link NextUseModel}, fed with every invocation; overdue or unused by any function:
 * now + time since its last use); a prefetch displaces only layers that order would evict before it. So the
 * predictive policies compare predictors' prefetch decisions on the eviction the swap manager runs.
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
    protected NextUseEvictionPlanner evictor;
    private final NextUseModel nextUse = new NextUseModel();
    /** The functions whose base stack holds each layer. */
    private int[][] layerFns;
    /** Latest score of every layer (0 when unscored), refreshed at each decision. */
    protected double[] score;
    private long[] lastUse;
    private final ResidentSet resident = new ResidentSet();
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
        evictor = new NextUseEvictionPlanner(costModel());
        layerFns = layerFunctions(tab);
        score = new double[n];
        lastUse = new long[n];
        resident.resize(n);
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
        resident.add(layer);
    }

    @Override
    public void onEvict(int layer) {
        resident.remove(layer);
    }

    /** Inverse of the base stacks: for each layer, the functions using it. */
    static int[][] layerFunctions(EventTable tab) {
        int nf = tab.functionCount();
        int nl = tab.layerCount();
        int[] users = new int[nl];
        int[][] fnLayers = new int[nf][];
        for (int f = 0; f < nf; f++) {
            fnLayers[f] = tab.baseStackOfFunction(f);
            for (int l : fnLayers[f]) {
                users[l]++;
            }
        }
        int[][] out = new int[nl][];
        for (int l = 0; l < nl; l++) {
            out[l] = new int[users[l]];
        }
        Arrays.fill(users, 0);
        for (int f = 0; f < nf; f++) {
            for (int l : fnLayers[f]) {
                out[l][users[l]++] = f;
            }
        }
        return out;
    }

    @Override
    public void afterInvocation(int event, long t) {
        nextUse.observe(tab.function(event), t);
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

    /** Layer {@code l}'s predicted next use at {@code now}: the earliest median over its functions, else now + idle time. */
    private long nextUseOf(int l, long now) {
        long m = Long.MAX_VALUE;
        for (int f : layerFns[l]) {
            m = Math.min(m, nextUse.nextUseAt(f, now, 0.5));
        }
        return m == Long.MAX_VALUE || m <= now ? now + Math.max(0, now - lastUse[l]) : m;
    }

    /**
     * The swap manager's next-use eviction order ({@link NextUseEvictionPlanner#key}, ties: older last use) over the
     * resident, unpinned layers; for a prefetch of {@code incoming}, refused unless the order would evict the victim
     * before the incoming layer ({@link NextUseEvictionPlanner#admits}).
     */
    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        long now = (long) t;
        int best = -1;
        long bestNext = 0;
        double bestKey = -1;
        for (int i = 0; i < resident.size(); i++) {
            int l = resident.get(i);
            if (node.pinned(l)) {
                continue;
            }
            long n = nextUseOf(l, now);
            double key = evictor.key(n, now, tab.layerSize(l));
            if (key > bestKey || (key == bestKey && lastUse[l] < lastUse[best])) {
                best = l;
                bestKey = key;
                bestNext = n;
            }
        }
        if (best >= 0 && forPrefetch && incoming >= 0
                && !evictor.admits(bestNext, tab.layerSize(best), nextUseOf(incoming, now), tab.layerSize(incoming), now)) {
            return -1;
        }
        return best;
    }

    @Override
    public Calibration calibration() {
        return calibration;
    }
}

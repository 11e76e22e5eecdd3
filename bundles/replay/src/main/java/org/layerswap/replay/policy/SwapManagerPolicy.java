package org.layerswap.replay.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.profiler.engine.NextUseModel;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeView;
import org.layerswap.replay.ReplayPolicy;
import org.layerswap.swap.CostModel;
import org.layerswap.swap.JustInTimePrefetchPlanner;
import org.layerswap.swap.NextUseEvictionPlanner;
import org.layerswap.swap.PrefetchCredit;
import org.layerswap.swap.SwapSettings;

/**
 * Replays the swap manager's next-use decisions (issue 13) with the planners the live manager runs:
 * <ul>
 *   <li>ingest: every invocation feeds the profiler's {@link NextUseModel} (the live hook is one line in
 *   the profiler's ingest) and the {@link BehavioralProfiler} (for its parameter-selected data layers);</li>
 *   <li>every decision interval: each function's median and earliest next use; a layer's next use is the
 *   earliest over the functions using it (data layers: over the functions that selected it, pushed back
 *   by how rarely they select it);</li>
 *   <li>eviction: {@link NextUseEvictionPlanner} (furthest predicted next use, size-aware);</li>
 *   <li>prefetch: {@link JustInTimePrefetchPlanner}: the layers of functions due now, admitted when the
 *   probability of use within the cache lifetime is at least the threshold and every victim is needed
 *   later; at most {@code maxConcurrentPrefetches} in flight, behind on-demand fetches.</li>
 * </ul>
 */
public final class SwapManagerPolicy extends ReplayPolicy {

    /** Quantile of the conditional next-use distribution a prefetch is timed for. */
    static final double EARLY_QUANTILE = 0.1;
    /** Quantile of the conditional next-use distribution the eviction order compares (the median). */
    static final double EVICT_QUANTILE = 0.5;

    private final String name;
    private final Supplier<? extends BehavioralProfiler> factory;
    private final SwapSettings settings;
    private final long interval;

    private EventTable tab;
    private BehavioralProfiler profiler;
    private final NextUseModel model = new NextUseModel();
    private NextUseEvictionPlanner evictor;
    private final JustInTimePrefetchPlanner jit = new JustInTimePrefetchPlanner();
    private int[][] fnLayers;
    private int[][] layerFns;
    /** Optional (data) layers each function selected, with counts; parallel arrays per function. */
    private int[][] optLayer;
    private int[][] optCount;
    private int[] optN;
    private int[] invocations;
    private long[] next;
    private long[] early;
    private long[] med;
    private long[] lastUse;
    private double[] fetchMs;
    private int[] residentList;
    private int[] residentPos;
    private int residentCount;
    private int[] running = new int[8];
    private int runningCount;
    private long lastTick = Long.MIN_VALUE / 4;
    private LayerId[] ids;
    /** Prefetched and not used yet. */
    private boolean[] fresh;
    /** The function a layer was last prefetched for. */
    private int[] owner;
    private PrefetchCredit credit;

    public SwapManagerPolicy(String name, Supplier<? extends BehavioralProfiler> factory, SwapSettings settings,
                             long decisionIntervalMillis, long calibrationIntervalMillis) {
        this.name = name;
        this.factory = factory;
        this.settings = settings;
        this.interval = Math.max(1, decisionIntervalMillis);
    }

    @Override
    public String name() {
        return name;
    }

    /** The same policy at another threshold (sweeps). */
    public SwapManagerPolicy withThreshold(double t) {
        String base = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
        return new SwapManagerPolicy(base + "@" + t, factory, settings.withThreshold(t), interval, 0);
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        tab = node.table();
        profiler = factory.get();
        profiler.updateFunctionLayers(tab.functionLayerMap());
        evictor = new NextUseEvictionPlanner(new CostModel(node.config().bandwidthBytesPerSec(), node.config().rttMillis(),
                CostModel.DEFAULT.storageWeight(), CostModel.DEFAULT.disruptionWeight()));
        int nf = tab.functionCount();
        int nl = tab.layerCount();
        fnLayers = new int[nf][];
        int[] users = new int[nl];
        for (int f = 0; f < nf; f++) {
            fnLayers[f] = tab.baseStackOfFunction(f);
            for (int l : fnLayers[f]) {
                users[l]++;
            }
        }
        layerFns = new int[nl][];
        for (int l = 0; l < nl; l++) {
            layerFns[l] = new int[users[l]];
        }
        Arrays.fill(users, 0);
        for (int f = 0; f < nf; f++) {
            for (int l : fnLayers[f]) {
                layerFns[l][users[l]++] = f;
            }
        }
        optLayer = new int[nf][];
        optCount = new int[nf][];
        optN = new int[nf];
        invocations = new int[nf];
        early = new long[nf];
        med = new long[nf];
        Arrays.fill(early, Long.MAX_VALUE);
        Arrays.fill(med, Long.MAX_VALUE);
        next = new long[nl];
        Arrays.fill(next, Long.MAX_VALUE);
        lastUse = new long[nl];
        fetchMs = new double[nl];
        residentList = new int[nl];
        residentPos = new int[nl];
        Arrays.fill(residentPos, -1);
        ids = new LayerId[nl];
        fresh = new boolean[nl];
        owner = new int[nl];
        credit = new PrefetchCredit(nf);
        for (int l = 0; l < nl; l++) {
            ids[l] = tab.layer(l).id();
            fetchMs[l] = node.config().fetchMillis(tab.layerSize(l));
        }
    }

    /** Diagnostic: {@code -Dlayerswap.replay.missSources=true} prints where the critical-path invocations came from. */
    static final boolean DEBUG = Boolean.getBoolean("layerswap.replay.missSources");
    private final long[] dbg = new long[12];

    @Override
    public void beforeInvocation(int event, long t) {
        if (!DEBUG || t < tab.startMillis() + 3_600_000L) {
            return;
        }
        int f = tab.function(event);
        int[] st = tab.stack(event);
        boolean miss = false;
        boolean queuedOnly = true;
        boolean baseMiss = false;
        int base = tab.stackBaseLength(tab.stackIndex(event));
        for (int k = 0; k < st.length; k++) {
            int l = st[k];
            if (!node.resident(l)) {
                miss = true;
                if (!node.queued(l)) queuedOnly = false;
                if (k < base) baseMiss = true;
            }
        }
        if (!miss) { dbg[0]++; return; }
        if (!baseMiss) { dbg[11]++; return; }
        if (queuedOnly) { dbg[1]++; return; }
        if (model.lastSeen(f) == Long.MIN_VALUE) { dbg[2]++; return; }
        if (model.gapCount(f) < NextUseModel.MIN_OWN_GAPS) { dbg[3]++; return; }
        if (model.nextUseOverdueAt(f, t)) { dbg[4]++; return; }
        long e = model.nextUseAt(f, t, EARLY_QUANTILE);
        long age = t - model.lastSeen(f);
        double lifetime = jit.lifetimeMillis();
        long horizon = Double.isInfinite(lifetime) ? Long.MAX_VALUE / 4 : (long) lifetime;
        // state as of the last tick
        long tt = lastTick;
        if (model.probabilityWithin(f, tt, horizon) < settings.threshold()) { dbg[5]++; return; }
        if (t < early[f] - jit.marginMillis()) { dbg[6]++; return; } // came before predicted earliest
        dbg[7]++; // was due but not prefetched (slots/room/refused) or evicted
    }

    @Override
    public void onEnd(long t) {
        if (DEBUG) {
            System.err.println(name + " hits=" + dbg[0] + " inflight=" + dbg[1] + " first=" + dbg[2] + " fewgaps=" + dbg[3]
                    + " overdue=" + dbg[4] + " lowprob=" + dbg[5] + " early=" + dbg[6] + " dueNotResident=" + dbg[7]
                    + " optOnly=" + dbg[11] + " margin=" + jit.marginMillis() + " lifetime=" + jit.lifetimeMillis());
        }
    }

    @Override
    public void onAccess(int layer, int event, int pos, long t) {
        lastUse[layer] = t;
        if (fresh[layer]) {
            fresh[layer] = false;
            credit.used(owner[layer], tab.layerSize(layer));
        }
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        lastUse[layer] = Math.max(lastUse[layer], (long) Math.ceil(t));
        fresh[layer] = prefetch;
        if (residentPos[layer] < 0) {
            residentPos[layer] = residentCount;
            residentList[residentCount++] = layer;
        }
    }

    @Override
    public void onEvict(int layer) {
        if (fresh[layer]) {
            fresh[layer] = false;
            credit.wasted(owner[layer], tab.layerSize(layer));
        }
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
        int f = tab.function(event);
        if (early[f] != Long.MAX_VALUE && !model.nextUseOverdueAt(f, t)) {
            jit.recordOutcome(early[f], t);
        }
        model.observe(f, t);
        invocations[f]++;
        int stack = tab.stackIndex(event);
        int[] layers = tab.stackLayers(stack);
        int base = tab.stackBaseLength(stack);
        Map<String, String> params = tab.params(event);
        InvocationEvent ev = null;
        if (params != null && !params.isEmpty()) {
            ev = tab.event(event);
            profiler.record(ev);
        }
        if (layers.length > base) {
            List<LayerId> used = new java.util.ArrayList<>(layers.length - base);
            for (int k = base; k < layers.length; k++) {
                used.add(ids[layers[k]]);
                countOptional(f, layers[k]);
            }
            profiler.recordLayerAccess(ev == null ? tab.event(event) : ev, used);
        }
        // this function's prediction and its layers' next use, now
        med[f] = model.nextUseAt(f, t, EVICT_QUANTILE);
        early[f] = model.nextUseAt(f, t, EARLY_QUANTILE);
        for (int l : fnLayers[f]) {
            if (next[l] <= t || med[f] < next[l]) {
                next[l] = med[f];
            }
        }
        if (t - lastTick >= interval) {
            lastTick = t;
            tick(t);
        }
        if (params != null && !params.isEmpty()) {
            for (Map.Entry<LayerId, Double> e : profiler.optionalLayers(tab.functionId(f), params).entrySet()) {
                if (e.getValue() >= settings.threshold()) {
                    int l = tab.layerIndex(e.getKey());
                    if (l >= 0) {
                        tryPrefetch(l, f, med[f], t);
                    }
                }
            }
        }
    }

    private void countOptional(int f, int l) {
        int n = optN[f];
        int[] ls = optLayer[f];
        for (int i = 0; i < n; i++) {
            if (ls[i] == l) {
                optCount[f][i]++;
                return;
            }
        }
        if (ls == null || n == ls.length) {
            int cap = ls == null ? 4 : n * 2;
            optLayer[f] = ls = ls == null ? new int[cap] : Arrays.copyOf(ls, cap);
            optCount[f] = optCount[f] == null ? new int[cap] : Arrays.copyOf(optCount[f], cap);
        }
        ls[n] = l;
        optCount[f][n] = 1;
        optN[f] = n + 1;
    }

    @Override
    public long nextTimer() {
        return lastTick == Long.MIN_VALUE / 4 ? Long.MAX_VALUE : lastTick + interval;
    }

    @Override
    public void onTimer(long t) {
        lastTick = t;
        tick(t);
    }

    /** Recomputes every prediction and starts the prefetches that are due. */
    private void tick(long now) {
        int nf = tab.functionCount();
        for (int f = 0; f < nf; f++) {
            if (model.lastSeen(f) != Long.MIN_VALUE) {
                med[f] = model.nextUseAt(f, now, EVICT_QUANTILE);
                early[f] = model.nextUseAt(f, now, EARLY_QUANTILE);
            }
        }
        for (int l = 0; l < next.length; l++) {
            long m = Long.MAX_VALUE;
            for (int f : layerFns[l]) {
                m = Math.min(m, med[f]);
            }
            next[l] = m;
        }
        for (int f = 0; f < nf; f++) {
            int n = optN[f];
            if (n == 0 || med[f] == Long.MAX_VALUE) {
                continue;
            }
            long gap = Math.max(1, med[f] - model.lastSeen(f));
            for (int i = 0; i < n; i++) {
                double share = (double) optCount[f][i] / invocations[f];
                long m = med[f] + (long) ((1 / share - 1) * gap);
                int l = optLayer[f][i];
                next[l] = Math.min(next[l], m);
            }
        }
        double lifetime = jit.lifetimeMillis();
        long horizon = Double.isInfinite(lifetime) ? Long.MAX_VALUE / 4 : (long) lifetime;
        for (int f = 0; f < nf; f++) {
            if (early[f] == Long.MAX_VALUE || model.nextUseOverdueAt(f, now)) {
                continue;
            }
            int[] ls = fnLayers[f];
            boolean missing = false;
            double fetch = 0;
            for (int l : ls) {
                if (!node.resident(l) && !node.queued(l)) {
                    missing = true;
                    fetch += fetchMs[l];
                }
            }
            if (!missing || !jit.due(now, early[f], fetch, interval)
                    || model.probabilityWithin(f, now, horizon) < settings.threshold()) {
                continue;
            }
            for (int l : ls) {
                tryPrefetch(l, f, med[f], now);
            }
        }
    }

    /** Starts a prefetch of {@code l} (needed around {@code needAt}) if a slot is free and Belady's admission allows it. */
    private boolean tryPrefetch(int l, int f, long needAt, long now) {
        if (l < 0 || node.resident(l) || node.queued(l) || !credit.allows(f)) {
            return false;
        }
        int k = 0;
        for (int i = 0; i < runningCount; i++) {
            if (node.queued(running[i])) {
                running[k++] = running[i];
            }
        }
        runningCount = k;
        if (runningCount >= settings.maxConcurrentPrefetches()) {
            return false;
        }
        long need = node.usedBytes() + node.queuedPrefetchBytes() + tab.layerSize(l) - node.budgetBytes();
        for (int i = 0; i < residentCount && need > 0; i++) {
            int v = residentList[i];
            if (!node.pinned(v) && admits(v, l, needAt, now)) {
                need -= tab.layerSize(v);
            }
        }
        if (need > 0) {
            return false;
        }
        next[l] = Math.min(next[l] <= now ? Long.MAX_VALUE : next[l], needAt);
        if (node.prefetch(l)) {
            if (runningCount == running.length) {
                running = Arrays.copyOf(running, runningCount * 2);
            }
            running[runningCount++] = l;
            owner[l] = f;
            return true;
        }
        return false;
    }

    /** Whether a prefetch of {@code incoming} (needed at {@code needAt}) may displace resident {@code v}. */
    private boolean admits(int v, int incoming, long needAt, long now) {
        return evictor.admits(nextOf(v, now), tab.layerSize(v), needAt, tab.layerSize(incoming), now);
    }

    /** A layer's predicted next use; once passed unused, an LRU-like guess (now + time since its last use). */
    private long nextOf(int l, long now) {
        return next[l] <= now ? now + Math.max(0, now - lastUse[l]) : next[l];
    }

    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        long now = (long) t;
        int best = -1;
        double bestKey = -1;
        for (int i = 0; i < residentCount; i++) {
            int l = residentList[i];
            if (node.pinned(l)) {
                continue;
            }
            double key = evictor.key(nextOf(l, now), now, tab.layerSize(l));
            if (key > bestKey || (key == bestKey && lastUse[l] < lastUse[best])) {
                best = l;
                bestKey = key;
            }
        }
        if (best < 0) {
            return -1;
        }
        if (forPrefetch && incoming >= 0) {
            if (!admits(best, incoming, next[incoming], now)) {
                return -1;
            }
        } else {
            jit.recordEviction(now - lastUse[best]);
        }
        return best;
    }
}

package org.layerswap.replay.policy;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FetchBudgetStatus;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.nextuse.NextUseModel;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeView;
import org.layerswap.replay.ReplayPolicy;
import org.layerswap.swap.CostModel;
import org.layerswap.swap.JustInTimePrefetchPlanner;
import org.layerswap.swap.NextUsePlanning;
import org.layerswap.swap.NextUseSource;
import org.layerswap.swap.NextUseEvictionPlanner;
import org.layerswap.swap.PrefetchCredit;
import org.layerswap.swap.SelectedLayerPrefetches;
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
 * The decisions themselves are {@link NextUsePlanning}'s (the live manager's {@code NextUsePlanner} runs the same
 * class); this policy only adapts the replay's node and the model to its two interfaces.
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
    /** Whether the decision sweep skips functions whose prediction cannot have changed (off only to prove it changes nothing). */
    private final boolean tickSkip;

    private EventTable tab;
    private BehavioralProfiler profiler;
    private final NextUseModel model = new NextUseModel();
    private NextUsePlanning plan;
    private JustInTimePrefetchPlanner jit;
    /** Where the bandwidth budget's accounting period starts ({@link NodeView#measuredFrom}); NaN once started. */
    private double budgetPeriodFrom = Double.NaN;
    private int[][] fnLayers;
    private int[][] layerFns;
    private double[] fetchMs;
    private long lastTick = Long.MIN_VALUE / 4;
    private LayerId[] ids;

    public SwapManagerPolicy(String name, Supplier<? extends BehavioralProfiler> factory, SwapSettings settings,
                             long decisionIntervalMillis, long calibrationIntervalMillis) {
        this(name, factory, settings, decisionIntervalMillis, true);
    }

    private SwapManagerPolicy(String name, Supplier<? extends BehavioralProfiler> factory, SwapSettings settings,
                              long decisionIntervalMillis, boolean tickSkip) {
        this.tickSkip = tickSkip;
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
        return new SwapManagerPolicy(base + "@" + t, factory, settings.withThreshold(t), interval, tickSkip);
    }

    /** The same policy recomputing every function's prediction at every tick (the reference for the tick skip). */
    SwapManagerPolicy withoutTickSkip() {
        return new SwapManagerPolicy(name, factory, settings, interval, false);
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        tab = node.table();
        profiler = factory.get();
        profiler.updateFunctionLayers(tab.functionLayerMap());
        NextUseEvictionPlanner evictor = new NextUseEvictionPlanner(new CostModel(node.config().bandwidthBytesPerSec(),
                node.config().rttMillis(), CostModel.DEFAULT.storageWeight(), CostModel.DEFAULT.disruptionWeight()));
        int nf = tab.functionCount();
        int nl = tab.layerCount();
        fnLayers = new int[nf][];
        for (int f = 0; f < nf; f++) {
            fnLayers[f] = tab.baseStackOfFunction(f);
        }
        layerFns = PredictivePolicy.layerFunctions(tab);
        fetchMs = new double[nl];
        ids = new LayerId[nl];
        for (int l = 0; l < nl; l++) {
            ids[l] = tab.layer(l).id();
            fetchMs[l] = node.config().fetchMillis(tab.layerSize(l));
        }
        plan = new NextUsePlanning(new ReplayNode(), new ModelSource(), evictor, nf, nl, interval, settings.threshold(),
                settings.maxConcurrentPrefetches());
        plan.fetchBudget(settings.fetchBudgetVsLru(), settings.fetchBudgetWindowMillis());
        budgetPeriodFrom = node.measuredFrom();
        jit = plan.jit();
    }

    /** The bandwidth budget as of the last pass, its period ratio counted from where the replay starts measuring. */
    public FetchBudgetStatus fetchBudgetStatus() {
        return plan.fetchBudgetStatus();
    }

    /** The budget's accounting period starts where the replay starts measuring (once; NaN after). */
    private void budgetPeriodAt(double t) {
        if (t >= budgetPeriodFrom) {
            plan.startFetchBudgetPeriod();
            budgetPeriodFrom = Double.NaN;
        }
    }

    /** The replay's node as the planning sees it. */
    private final class ReplayNode implements NextUsePlanning.Node {
        @Override
        public int[] layersOf(int f) {
            return fnLayers[f];
        }

        @Override
        public int[] functionsUsing(int l) {
            return layerFns[l];
        }

        @Override
        public long sizeBytes(int l) {
            return tab.layerSize(l);
        }

        @Override
        public double fetchMillis(int l) {
            return fetchMs[l];
        }

        @Override
        public boolean resident(int l) {
            return node.resident(l);
        }

        @Override
        public boolean queued(int l) {
            return node.queued(l);
        }

        @Override
        public boolean pinned(int l) {
            return node.pinned(l);
        }

        @Override
        public long usedBytes() {
            return node.usedBytes();
        }

        @Override
        public long queuedPrefetchBytes() {
            return node.queuedPrefetchBytes();
        }

        @Override
        public long budgetBytes() {
            return node.budgetBytes();
        }

        @Override
        public boolean prefetch(int l, int f) {
            return node.prefetch(l);
        }

        @Override
        public boolean reportsPresence() { // the simulator reports every change (onUnqueued included)
            return true;
        }
    }

    /** The policy's own {@link NextUseModel} (the live manager reads the profiler's, fed by the same ingest line). */
    private final class ModelSource implements NextUseSource {
        @Override
        public long lastSeen(int f) {
            return model.lastSeen(f);
        }

        @Override
        public long median(int f, long now) {
            return model.nextUseAt(f, now, EVICT_QUANTILE);
        }

        @Override
        public long earliest(int f, long now) {
            return model.nextUseAt(f, now, EARLY_QUANTILE);
        }

        @Override
        public boolean overdue(int f, long now) {
            return model.nextUseOverdueAt(f, now);
        }

        @Override
        public double probabilityWithin(int f, long now, long horizonMillis) {
            return model.probabilityWithin(f, now, horizonMillis);
        }

        @Override
        public long stableUntil(int f, long now) {
            return tickSkip ? model.predictionStableUntil(f, now) : now;
        }

        @Override
        public boolean overdueUntilNextRun(int f, long now) {
            return tickSkip && model.overdueUntilNextRun(f, now);
        }
    }

    /** Diagnostic: {@code -Dlayerswap.replay.missSources=true} prints where the critical-path invocations came from. */
    static final boolean DEBUG = Boolean.getBoolean("layerswap.replay.missSources");
    private final long[] dbg = new long[12];

    @Override
    public void beforeInvocation(int event, long t) {
        budgetPeriodAt(t);
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
        if (t < plan.earliestOf(f) - jit.marginMillis()) { dbg[6]++; return; } // came before predicted earliest
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
        plan.onAccess(layer, t);
        plan.onRequested(layer);
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        budgetPeriodAt(t);
        plan.onInsert(layer, t, prefetch);
    }

    @Override
    public void onEvict(int layer) {
        plan.onEvict(layer);
    }

    @Override
    public void onUnqueued(int layer) {
        plan.onPresenceChanged(layer);
    }

    @Override
    public void onPrefetchDropped(int layer, double t) {
        budgetPeriodAt(t);
        plan.onPrefetchDropped(layer);
    }

    @Override
    public void afterInvocation(int event, long t) {
        int f = tab.function(event);
        plan.beforeObserve(f, t);
        model.observe(f, t);
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
                plan.countOptional(f, layers[k], t);
            }
            profiler.recordLayerAccess(ev == null ? tab.event(event) : ev, used);
        }
        plan.afterObserve(f, t);
        if (t - lastTick >= interval) {
            lastTick = t;
            plan.tick(t);
        }
        if (params != null && !params.isEmpty()) {
            SelectedLayerPrefetches.tryLikely(f, profiler.optionalLayers(tab.functionId(f), params), settings.threshold(),
                    tab::layerIndex, plan, t);
        }
    }

    @Override
    public long nextTimer() {
        return lastTick == Long.MIN_VALUE / 4 ? Long.MAX_VALUE : lastTick + interval;
    }

    @Override
    public void onTimer(long t) {
        lastTick = t;
        plan.tick(t);
    }

    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        return plan.victim(t, incoming, forPrefetch);
    }
}

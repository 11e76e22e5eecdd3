package org.layerswap.swap.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.ResidentLayer;
import org.layerswap.replay.EventTable;
import org.layerswap.replay.NodeView;
import org.layerswap.replay.ReplayPolicy;
import org.layerswap.swap.CostModel;
import org.layerswap.swap.EvictionPlanner;
import org.layerswap.swap.PrefetchPlanner;
import org.layerswap.swap.SwapSettings;

/**
 * Replays the swap manager's decisions: the same {@link PrefetchPlanner} ranking and admission (score
 * threshold, cost priority, concurrent-prefetch slots, room incl. evictable bytes) that
 * {@code SwapManagerCore} runs on score changes and invocations, and the same {@link EvictionPlanner}
 * victim choice and "never evict a layer scoring at least as high as the prefetch" rule of its
 * {@code makeRoom}. The profiler is any {@link BehavioralProfiler}, fed through the api as live.
 * Scores are polled from the profiler every decision interval (the live manager keeps every score
 * reported through ScoreListener callbacks); eviction values use every layer's latest score.
 * The replay node has no notion of invocations in flight, so the disruption term is 0.
 */
public final class SwapPlannerPolicy extends ReplayPolicy {

    private final String name;
    private final Supplier<? extends BehavioralProfiler> factory;
    private final SwapSettings settings;
    private final long decisionIntervalMillis;
    private BehavioralProfiler profiler;
    private PrefetchPlanner planner;
    private EvictionPlanner evictor;
    private EventTable tab;
    private LayerId[] ids;
    private double[] score;
    private long[] lastUse;
    private boolean[] resident;
    private final List<Integer> queued = new ArrayList<>();
    private long lastDecision = Long.MIN_VALUE / 4;
    private long decisions;
    private long candidatesSeen;
    private long planned;
    private long issued;
    private long refusedVictims;

    private final boolean plannerEviction;
    /**
     * On-demand victims: 0 = the same as for prefetches, 3 = the layer store's rule (lowest score, then least
     * recently used: what the live store does when an on-demand fetch needs room; the manager's EvictionPlanner
     * only makes room for prefetches). 1/2 = experiments (threshold tiers + LRU / + planner value).
     */
    int tierMode;

    /** @param plannerEviction true: EvictionPlanner victims (the live manager's choice); false: LRU victims (prefetch decisions only) */
    public SwapPlannerPolicy(String name, Supplier<? extends BehavioralProfiler> factory, SwapSettings settings,
                             long decisionIntervalMillis, boolean plannerEviction) {
        this.plannerEviction = plannerEviction;
        this.name = name;
        this.factory = factory;
        this.settings = settings;
        this.decisionIntervalMillis = decisionIntervalMillis;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        tab = node.table();
        profiler = factory.get();
        profiler.updateFunctionLayers(tab.functionLayerMap());
        CostModel c = settings.cost();
        CostModel cost = new CostModel(node.config().bandwidthBytesPerSec(), node.config().rttMillis(), c.storageWeight(),
                c.disruptionWeight());
        planner = new PrefetchPlanner(cost);
        evictor = new EvictionPlanner(cost);
        int n = tab.layerCount();
        ids = new LayerId[n];
        for (int l = 0; l < n; l++) {
            ids[l] = tab.layer(l).id();
        }
        score = new double[n];
        lastUse = new long[n];
        resident = new boolean[n];
    }

    @Override
    public void onAccess(int layer, int event, int pos, long t) {
        lastUse[layer] = t;
    }

    @Override
    public void onInsert(int layer, double t, boolean prefetch) {
        resident[layer] = true;
        lastUse[layer] = Math.max(lastUse[layer], (long) t);
    }

    @Override
    public void onEvict(int layer) {
        resident[layer] = false;
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
            decide();
        }
    }

    private void decide() {
        profiler.rescore((long) node.now());
        Arrays.fill(score, 0);
        List<PrefetchPlanner.Candidate> cands = new ArrayList<>();
        for (PredictionScore ps : profiler.scores().values()) { // the live manager holds every reported score
            int l = tab.layerIndex(ps.layerId());
            if (l < 0) {
                continue;
            }
            score[l] = ps.score();
            if (ps.score() >= settings.threshold()) {
                long size = tab.layerSize(l);
                cands.add(new PrefetchPlanner.Candidate(ps.layerId(), ps.score(), size, size));
            }
        }
        decisions++;
        candidatesSeen += cands.size();
        queued.removeIf(l -> !node.queued(l));
        int slots = settings.maxConcurrentPrefetches() - queued.size();
        if (slots <= 0 || cands.isEmpty()) {
            return;
        }
        long evictable = 0;
        for (int l = 0; l < resident.length; l++) {
            if (resident[l] && !node.pinned(l)) {
                evictable += tab.layerSize(l);
            }
        }
        PrefetchPlanner.NodeView view = new PrefetchPlanner.NodeView() {
            @Override
            public boolean isResident(LayerId id) {
                return node.resident(tab.layerIndex(id));
            }

            @Override
            public boolean isFetching(LayerId id) {
                return node.queued(tab.layerIndex(id));
            }

            @Override
            public double disruption(LayerId id) {
                return 0;
            }
        };
        List<PrefetchPlanner.Planned> plan = planner.plan(cands, view,
                new PrefetchPlanner.Budget(node.budgetBytes(), node.usedBytes(), evictable, slots), settings.threshold());
        planned += plan.size();
        for (PrefetchPlanner.Planned p : plan) {
            int l = tab.layerIndex(p.id());
            if (node.prefetch(l)) {
                queued.add(l);
                issued++;
            }
        }
    }

    @Override
    public void onEnd(long t) {
        int hi = 0, zero = 0, scored = profiler.scores().size();
        for (double v : score) {
            hi += v >= 0.5 ? 1 : 0;
            zero += v == 0 ? 1 : 0;
        }
        System.err.printf("%s: scored %d of %d layers, %d >= 0.5, %d zero; ", name, scored, score.length, hi, zero);
        System.err.printf("%s: %d decisions, %d candidates seen, %d planned, %d prefetches issued, %d victims refused%n",
                name, decisions, candidatesSeen, planned, issued, refusedVictims);
    }

    @Override
    public int victim(double t, int incoming, boolean forPrefetch) {
        List<ResidentLayer> rs = new ArrayList<>();
        for (int l = 0; l < resident.length; l++) {
            if (resident[l] && node.resident(l)) {
                rs.add(new ResidentLayer(ids[l], null, tab.layerSize(l), tab.layerSize(l), node.pinned(l) ? 1 : 0, lastUse[l]));
            }
        }
        if (tierMode == 3 && !forPrefetch) {
            ResidentLayer best = null;
            for (ResidentLayer r : rs) {
                if (r.refCount() != 0) {
                    continue;
                }
                if (best == null) {
                    best = r;
                    continue;
                }
                int c = Double.compare(score[tab.layerIndex(r.id())], score[tab.layerIndex(best.id())]);
                if (c < 0 || c == 0 && r.lastUsedMillis() < best.lastUsedMillis()) {
                    best = r;
                }
            }
            return best == null ? -1 : tab.layerIndex(best.id());
        }
        if (tierMode == 1 || tierMode == 2) {
            ResidentLayer best = null;
            double th = settings.threshold();
            for (ResidentLayer r : rs) {
                if (r.refCount() != 0) {
                    continue;
                }
                if (best == null) {
                    best = r;
                    continue;
                }
                boolean rLow = score[tab.layerIndex(r.id())] < th;
                boolean bLow = score[tab.layerIndex(best.id())] < th;
                if (rLow != bLow) {
                    if (rLow) {
                        best = r;
                    }
                    continue;
                }
                int c = tierMode == 1 ? Long.compare(r.lastUsedMillis(), best.lastUsedMillis())
                        : Double.compare(evictor.value(score[tab.layerIndex(r.id())], r.sizeBytes(), r.unpackedBytes()),
                                evictor.value(score[tab.layerIndex(best.id())], best.sizeBytes(), best.unpackedBytes()));
                if (c < 0) {
                    best = r;
                }
            }
            if (best == null) {
                return -1;
            }
            int victim = tab.layerIndex(best.id());
            if (forPrefetch && incoming >= 0 && score[victim] >= score[incoming]) {
                refusedVictims++;
                return -1;
            }
            return victim;
        }
        List<LayerId> v = plannerEviction ? evictor.victims(rs, id -> score[tab.layerIndex(id)], 1)
                : rs.stream().filter(r -> r.refCount() == 0).min((a, b) -> Long.compare(a.lastUsedMillis(), b.lastUsedMillis()))
                        .map(r -> List.of(r.id())).orElse(List.of());
        if (v.isEmpty()) {
            return -1;
        }
        int victim = tab.layerIndex(v.get(0));
        if (forPrefetch && incoming >= 0 && score[victim] >= score[incoming]) {
            refusedVictims++;
            return -1; // makeRoom's rule: a prefetch never evicts a layer scoring at least as high
        }
        return victim;
    }
}

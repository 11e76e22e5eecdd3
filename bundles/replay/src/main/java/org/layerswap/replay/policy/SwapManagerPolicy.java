package org.layerswap.replay.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.LayerId;
import org.layerswap.replay.NodeView;
import org.layerswap.swap.CostModel;
import org.layerswap.swap.PrefetchPlanner;
import org.layerswap.swap.SwapSettings;

/**
 * Replays the swap manager's decisions ({@code SwapManagerCore}) with its own pure deciders:
 * <ul>
 *   <li>at every decision interval the profiler is rescored and every layer's score kept (the live
 *   manager keeps every score its {@code ScoreListener} receives); the candidates at or above the
 *   threshold are ranked by {@link PrefetchPlanner#rank} (cost priority), cut to
 *   {@code candidateLimit}, and started in rank order while fewer than {@code maxConcurrentPrefetches}
 *   run ({@code rebuildRanking} with {@code prefetchOnScoreChange});</li>
 *   <li>after each invocation, its parameter-selected optional layers scored at or above the
 *   threshold are prefetched first, then the ranked list, at most {@code maxPrefetchesPerInvocation}
 *   ({@code startPrefetches});</li>
 *   <li>eviction is inherited: {@code EvictionPlanner} and the {@code makeRoom} rule.</li>
 * </ul>
 * The replay node has no invocations in flight, so the disruption term is 0. The cost model takes
 * the node's link (bandwidth, RTT) and the settings' weights.
 */
public final class SwapManagerPolicy extends PredictivePolicy {

    private final SwapSettings settings;
    private PrefetchPlanner planner;
    private List<PrefetchPlanner.Planned> ranked = List.of();
    private final List<Integer> running = new ArrayList<>();
    private PrefetchPlanner.NodeView view;

    public SwapManagerPolicy(String name, Supplier<? extends BehavioralProfiler> factory, SwapSettings settings,
                             long decisionIntervalMillis, long calibrationIntervalMillis) {
        super(name, factory, settings.threshold(), settings.candidateLimit(), decisionIntervalMillis, calibrationIntervalMillis);
        this.settings = settings;
    }

    @Override
    public SwapManagerPolicy withThreshold(double t) {
        String base = name().contains("@") ? name().substring(0, name().indexOf('@')) : name();
        return new SwapManagerPolicy(base + "@" + t, factory(), settings.withThreshold(t), decisionIntervalMillis,
                calibrationIntervalMillis);
    }

    @Override
    protected CostModel costModel() {
        CostModel c = settings.cost();
        return new CostModel(node.config().bandwidthBytesPerSec(), node.config().rttMillis(), c.storageWeight(),
                c.disruptionWeight());
    }

    @Override
    public void init(NodeView node) {
        super.init(node);
        planner = new PrefetchPlanner(costModel());
        view = new PrefetchPlanner.NodeView() {
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
    }

    @Override
    public void afterInvocation(int event, long t) {
        super.afterInvocation(event, t); // records the invocation, decides at the interval
        int left = settings.maxPrefetchesPerInvocation();
        if (left <= 0) {
            return;
        }
        Map<String, String> params = tab.params(event);
        if (params != null && !params.isEmpty()) {
            for (Map.Entry<LayerId, Double> e : profiler.optionalLayers(tab.functionId(tab.function(event)), params).entrySet()) {
                if (left > 0 && e.getValue() >= threshold && start(tab.layerIndex(e.getKey()))) {
                    left--;
                }
            }
        }
        for (int i = 0; i < ranked.size() && left > 0; i++) {
            if (start(tab.layerIndex(ranked.get(i).id()))) {
                left--;
            }
        }
    }

    @Override
    protected void decide(long t) {
        refreshScores(t);
        List<PrefetchPlanner.Candidate> candidates = new ArrayList<>();
        for (int l = 0; l < score.length; l++) {
            if (score[l] >= threshold) {
                long size = tab.layerSize(l);
                candidates.add(new PrefetchPlanner.Candidate(ids[l], score[l], size, size));
            }
        }
        List<PrefetchPlanner.Planned> r = planner.rank(candidates, view, node.usedBytes(), node.budgetBytes(), threshold);
        ranked = List.copyOf(r.subList(0, Math.min(r.size(), settings.candidateLimit())));
        if (settings.prefetchOnScoreChange()) {
            for (PrefetchPlanner.Planned p : ranked) {
                start(tab.layerIndex(p.id()));
            }
        }
    }

    /** tryStartPrefetch + makeRoom: a free slot, neither resident nor being fetched, and room by the makeRoom rule. */
    private boolean start(int l) {
        if (l < 0) {
            return false;
        }
        running.removeIf(x -> !node.queued(x));
        if (running.size() >= settings.maxConcurrentPrefetches() || node.resident(l) || node.queued(l) || !roomFor(l)) {
            return false;
        }
        if (node.prefetch(l)) {
            running.add(l);
            return true;
        }
        return false;
    }
}

package org.layerswap.swap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import org.layerswap.api.ExperimentArm;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.ResidentLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profiler's latest layer scores and what follows from them: the ranked prefetch candidate list (rebuilt on the
 * worker by {@link PrefetchPlanner} whenever scores, settings or residency change, never on the invocation path),
 * and the eviction that makes room for a prefetch ({@link EvictionPlanner}; with {@code nextUsePlanning} on,
 * {@link NextUsePlanner#makeRoom} instead, and the ranked list no longer starts prefetches: the next-use planning does).
 *
 * <p>Invariants: at most one rebuild is queued at a time (a change while one is queued is covered by it); the
 * ranked list is immutable and holds at most {@code candidateLimit} layers with a known source at or above the
 * threshold; a prefetch never evicts a predicted layer or one used within
 * {@link EvictionPlanner#PREFETCH_MIN_IDLE_MILLIS}.
 */
final class PrefetchRanking implements FetchCoordinator.Room {

    private static final Logger LOG = LoggerFactory.getLogger(PrefetchRanking.class);

    private final Supplier<SwapSettings> settings;
    private final LayerCatalog catalog;
    private final LayerStore store;
    private final LongSupplier clock;
    private final Executor worker;
    private final ToIntFunction<String> liveInvocations;
    private final ConcurrentHashMap<LayerId, Double> scores = new ConcurrentHashMap<>();
    private final AtomicBoolean rankScheduled = new AtomicBoolean();
    private volatile FetchCoordinator fetches;
    private volatile NextUsePlanner nextUse;
    /** Idle roots whose layers an eviction may take (retired first); null: roots pin their layers for good. */
    private volatile IdleRoots idleRoots;
    private volatile PrefetchPlanner planner;
    private volatile EvictionPlanner evictor;
    private volatile List<PrefetchPlanner.Planned> ranked = List.of();

    PrefetchRanking(Supplier<SwapSettings> settings, LayerCatalog catalog, LayerStore store, LongSupplier clockMillis, Executor worker,
                    ToIntFunction<String> liveInvocations) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clockMillis, "clock");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.liveInvocations = Objects.requireNonNull(liveInvocations, "liveInvocations");
        configure(settings.get().cost());
    }

    /** The fetches to start prefetches with (on score changes) and to ask what is being fetched. */
    void useFetches(FetchCoordinator f) {
        this.fetches = f;
    }

    /** With {@code nextUsePlanning} on, room for a prefetch is made in {@code n}'s next-use order. */
    void useIdleRoots(IdleRoots r) {
        idleRoots = r;
    }

    void useNextUse(NextUsePlanner n) {
        this.nextUse = n;
    }

    /** The profiler's latest score of {@code id} (0 when none). */
    double scoreOf(LayerId id) {
        return scores.getOrDefault(id, 0.0);
    }

    /** New planners for a new cost model; re-ranks. */
    void configure(CostModel cost) {
        this.planner = new PrefetchPlanner(cost);
        this.evictor = new EvictionPlanner(cost);
    }

    void score(LayerId id, double score) {
        scores.put(id, score);
    }

    /** Queues a rebuild of the ranked list on the worker unless one is queued already. */
    void schedule() {
        if (rankScheduled.compareAndSet(false, true)) {
            try {
                worker.execute(this::rebuild);
            } catch (RejectedExecutionException e) {
                rankScheduled.set(false);
            }
        }
    }

    /** Rebuilds the ranked list now (on the worker) and, with {@code prefetchOnScoreChange}, starts its prefetches. */
    void rebuild() {
        rankScheduled.set(false);
        try {
            SwapSettings s = settings.get();
            List<PrefetchPlanner.Candidate> candidates = new ArrayList<>();
            for (Map.Entry<LayerId, Double> e : scores.entrySet()) {
                if (e.getValue() >= s.threshold()) {
                    LayerRef ref = catalog.source(e.getKey());
                    if (ref != null) {
                        long size = ref.descriptor().sizeBytes();
                        candidates.add(new PrefetchPlanner.Candidate(e.getKey(), e.getValue(), size, size));
                    }
                }
            }
            LayerStoreStats st = store.stats();
            List<PrefetchPlanner.Planned> r = planner.rank(candidates, nodeView(), st.usedBytes(), st.budgetBytes(), s.threshold());
            ranked = List.copyOf(r.subList(0, Math.min(r.size(), s.candidateLimit())));
            FetchCoordinator f = fetches;
            if (s.prefetchOnScoreChange() && !s.nextUsePlanning() && f != null) {
                for (PrefetchPlanner.Planned p : ranked) {
                    if (f.prefetchesRunning() >= s.maxConcurrentPrefetches()) {
                        break;
                    }
                    f.tryStartPrefetch(p.id(), "", p.score(), s.maxConcurrentPrefetches(), ExperimentArm.NONE);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("rebuilding the prefetch candidate list failed: {}", e.toString());
        }
    }

    /** The current ranked candidate list, best first (what the invocation path prefetches from). */
    List<PrefetchPlanner.Planned> ranked() {
        return ranked;
    }

    /** The planner's view of this node: store residency, running fetches, live functions. */
    PrefetchPlanner.NodeView nodeView() {
        return new PrefetchPlanner.NodeView() {
            @Override
            public boolean isResident(LayerId id) {
                return store.isResident(id);
            }

            @Override
            public boolean isFetching(LayerId id) {
                FetchCoordinator f = fetches;
                return f != null && f.isFetching(id);
            }

            @Override
            public double disruption(LayerId id) {
                var users = catalog.map().functionsUsing(id);
                if (users.isEmpty()) {
                    return 0;
                }
                int liveUsers = 0;
                for (String fn : users) {
                    if (liveInvocations.applyAsInt(fn) > 0) {
                        liveUsers++;
                    }
                }
                return (double) liveUsers / users.size();
            }
        };
    }

    /**
     * Frees storage for a prefetch of {@code bytes} by evicting unreferenced layers in {@link EvictionPlanner} order
     * (unpredicted first, least recently used first). Returns null when there is room, else why not.
     */
    @Override
    public String makeRoom(LayerId id, long bytes, double score) {
        NextUsePlanner n = nextUse;
        if (n != null && settings.get().nextUsePlanning()) {
            return n.makeRoom(id, bytes);
        }
        LayerStoreStats st = store.stats();
        long need = st.usedBytes() + bytes - st.budgetBytes();
        if (st.budgetBytes() <= 0 || need <= 0) {
            return null;
        }
        double threshold = settings.get().threshold();
        long now = clock.getAsLong(); // the store's lastUsedMillis is wall-clock time, this clock when live
        Map<LayerId, Long> lastUsed = new HashMap<>();
        List<ResidentLayer> resident = store.resident();
        resident.forEach(r -> lastUsed.put(r.id(), r.lastUsedMillis()));
        IdleRoots idle = idleRoots;
        if (idle != null) { // layers only idle roots hold count as unreferenced: those roots are retired before the eviction
            Set<LayerId> releasable = idle.releasable();
            resident = resident.stream().map(r -> r.refCount() > 0 && releasable.contains(r.id())
                    ? new ResidentLayer(r.id(), r.path(), r.sizeBytes(), r.unpackedBytes(), 0, r.lastUsedMillis()) : r).toList();
        }
        List<LayerId> victims = evictor.victims(resident, l -> scores.getOrDefault(l, 0.0), need, threshold);
        for (LayerId v : victims) {
            if (!EvictionPlanner.mayEvictForPrefetch(scores.getOrDefault(v, 0.0), lastUsed.getOrDefault(v, now), threshold, now)) {
                return "no room for " + id + " (" + bytes + " bytes): the evictable layers are predicted or were used within "
                        + EvictionPlanner.PREFETCH_MIN_IDLE_MILLIS / 60_000 + " min";
            }
        }
        long freed = 0;
        for (LayerId v : victims) {
            if (idle != null) {
                idle.release(v);
            }
            if (store.evict(v)) {
                freed++;
            }
        }
        LOG.debug("evicted {} layer(s) to prefetch {}", freed, id);
        return null;
    }
}

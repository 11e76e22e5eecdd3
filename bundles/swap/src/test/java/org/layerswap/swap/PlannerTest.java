package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.id;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerId;
import org.layerswap.api.ResidentLayer;

class PlannerTest {

    private static PrefetchPlanner.NodeView node(Set<LayerId> resident, Map<LayerId, Double> disruption) {
        return new PrefetchPlanner.NodeView() {
            @Override
            public boolean isResident(LayerId id) {
                return resident.contains(id);
            }

            @Override
            public boolean isFetching(LayerId id) {
                return false;
            }

            @Override
            public double disruption(LayerId id) {
                return disruption.getOrDefault(id, 0.0);
            }
        };
    }

    private final PrefetchPlanner planner = new PrefetchPlanner(new CostModel(1_000_000, 100, 1.0, 1.0));

    @Test
    void priorityFollowsTheDocumentedFormula() {
        // p * (size/bw + rtt) / (1 + alpha*(used+b)/budget + beta*d)
        double expected = 0.8 * (2.0 + 0.1) / (1 + 1.0 * (500_000 + 2_000_000) / 10_000_000.0 + 1.0 * 0.5);
        assertEquals(expected, planner.priority(0.8, 2_000_000, 2_000_000, 500_000, 10_000_000, 0.5), 1e-12);
    }

    @Test
    void ordersByScoreTimesFetchCostAndPenalisesDisruption() {
        List<PrefetchPlanner.Candidate> c = List.of(
                new PrefetchPlanner.Candidate(id(1), 0.9, 100_000, 100_000),     // likely but cheap to fetch on demand
                new PrefetchPlanner.Candidate(id(2), 0.6, 5_000_000, 5_000_000),  // less likely, expensive: saves more
                new PrefetchPlanner.Candidate(id(3), 0.6, 5_000_000, 5_000_000),  // same, but its functions are live
                new PrefetchPlanner.Candidate(id(4), 0.3, 9_000_000, 9_000_000),  // below threshold
                new PrefetchPlanner.Candidate(id(5), 0.95, 5_000_000, 5_000_000)); // resident already
        List<PrefetchPlanner.Planned> r = planner.rank(c, node(Set.of(id(5)), Map.of(id(3), 1.0)), 0, 100_000_000, 0.5);
        assertEquals(List.of(id(2), id(3), id(1)), r.stream().map(PrefetchPlanner.Planned::id).toList());
        assertTrue(r.get(0).priority() > r.get(1).priority());
    }

    @Test
    void storagePressureLowersPriority() {
        double free = planner.priority(0.7, 1_000_000, 1_000_000, 0, 10_000_000, 0);
        double full = planner.priority(0.7, 1_000_000, 1_000_000, 9_000_000, 10_000_000, 0);
        assertTrue(full < free);
    }

    @Test
    void planRespectsSlotsAndRoom() {
        List<PrefetchPlanner.Candidate> c = List.of(
                new PrefetchPlanner.Candidate(id(1), 0.9, 6_000_000, 6_000_000),
                new PrefetchPlanner.Candidate(id(2), 0.9, 5_000_000, 5_000_000),
                new PrefetchPlanner.Candidate(id(3), 0.9, 1_000_000, 1_000_000),
                new PrefetchPlanner.Candidate(id(4), 0.9, 900_000, 900_000));
        var n = node(Set.of(), Map.of());
        // 8 MB free + 0 evictable: 6 MB fits, then 5 MB does not, then 1 MB fits; 2 slots
        List<PrefetchPlanner.Planned> p = planner.plan(c, n, new PrefetchPlanner.Budget(10_000_000, 2_000_000, 0, 2), 0.5);
        assertEquals(List.of(id(1), id(3)), p.stream().map(PrefetchPlanner.Planned::id).toList());
        List<PrefetchPlanner.Planned> p2 = planner.plan(c, n, new PrefetchPlanner.Budget(10_000_000, 2_000_000, 4_000_000, 9), 0.5);
        assertEquals(List.of(id(1), id(2), id(3)), p2.stream().map(PrefetchPlanner.Planned::id).toList());
    }

    private static final long MB = 1_000_000;

    /**
     * The shared-base-layer case. Threshold 0.5, default cost model (50 MiB/s, RTT 50 ms). Unreferenced:
     * B, a 200 MB base layer shared by busy functions, used at t=5000, p=0.999 (saturated);
     * O, a 10 MB code layer of a function that went quiet, used at t=1000, p=0.999 (saturated too);
     * U, a 50 MB layer used at t=4000, p=0.2 (not predicted);
     * P, a 5 MB layer used at t=500, p=0.7;
     * R, referenced by a root.
     * The old order, value = -ln(1-p) * t / bytes with t = size/bandwidth + rtt:
     * U = 0.223 * (50e6/52428800 + 0.05) / 50e6 = 4.48e-9, P = 1.204 * 0.1454 / 5e6 = 3.50e-8,
     * B = 6.908 * 3.8647 / 200e6 = 1.335e-7, O = 6.908 * 0.2407 / 10e6 = 1.663e-7: making 60 MB of room
     * evicted U, P and then B (the two saturated layers ranked by size alone, the bigger first), and the
     * next invocation of a busy function fetched 200 MB on its critical path.
     * The new order: the unpredicted U first, then the predicted ones least recently used first,
     * P (500), O (1000), B (5000): 60 MB of room evicts U, P and O; B stays.
     */
    @Test
    void evictionKeepsTheRecentlyUsedSharedBaseLayerWhenScoresSaturate() {
        EvictionPlanner e = new EvictionPlanner(CostModel.DEFAULT);
        List<ResidentLayer> res = List.of(
                new ResidentLayer(id(1), Path.of("/b"), 200 * MB, 200 * MB, 0, 5000),
                new ResidentLayer(id(2), Path.of("/o"), 10 * MB, 10 * MB, 0, 1000),
                new ResidentLayer(id(3), Path.of("/u"), 50 * MB, 50 * MB, 0, 4000),
                new ResidentLayer(id(5), Path.of("/p"), 5 * MB, 5 * MB, 0, 500),
                new ResidentLayer(id(4), Path.of("/r"), 1 * MB, 1 * MB, 2, 0));
        Map<LayerId, Double> s = Map.of(id(1), 0.999, id(2), 0.999, id(3), 0.2, id(5), 0.7, id(4), 0.0);
        assertEquals(List.of(id(3), id(5), id(2)), e.victims(res, s::get, 60 * MB, 0.5));
        assertEquals(List.of(id(3)), e.victims(res, s::get, 10 * MB, 0.5), "the unpredicted layer first, though more recent");
        assertEquals(List.of(id(3), id(5), id(2), id(1)), e.victims(res, s::get, 1000 * MB, 0.5), "never the referenced layer");
        assertEquals(List.of(), e.victims(res, s::get, 0, 0.5));
        // no layer predicted (threshold above every score): plain LRU
        assertEquals(List.of(id(5), id(2), id(3), id(1)), e.victims(res, s::get, 1000 * MB, 0.9995));
    }

    /** makeRoom's rule: a prefetch evicts only unpredicted layers idle for at least an hour. */
    @Test
    void prefetchesEvictOnlyUnpredictedLayersIdleForAnHour() {
        long now = 10 * 3_600_000L;
        long hour = EvictionPlanner.PREFETCH_MIN_IDLE_MILLIS;
        assertEquals(3_600_000L, hour);
        assertTrue(EvictionPlanner.mayEvictForPrefetch(0.2, now - hour, 0.5, now));
        assertFalse(EvictionPlanner.mayEvictForPrefetch(0.2, now - hour + 1, 0.5, now), "used 59:59.999 ago");
        assertFalse(EvictionPlanner.mayEvictForPrefetch(0.5, now - 5 * hour, 0.5, now), "predicted");
        assertTrue(EvictionPlanner.mayEvictForPrefetch(0.0, 0, 0.5, now));
    }

    /** Equal last use (layers of one invocation): the cheapest re-fetch per byte freed, i.e. the bigger layer, first. */
    @Test
    void evictionBreaksRecencyTiesByRefetchCostPerByte() {
        EvictionPlanner e = new EvictionPlanner(new CostModel(1_000_000, 100, 1.0, 1.0));
        // t/bytes: 1 MB -> (1 + 0.1) / 1e6 = 1.1e-6; 10 MB -> (10 + 0.1) / 10e6 = 1.01e-6
        assertEquals(1.1e-6, e.refetchSecondsPerByte(1 * MB, 1 * MB), 1e-15);
        assertEquals(1.01e-6, e.refetchSecondsPerByte(10 * MB, 10 * MB), 1e-15);
        List<ResidentLayer> res = List.of(
                new ResidentLayer(id(1), Path.of("/1"), 1 * MB, 1 * MB, 0, 7),
                new ResidentLayer(id(2), Path.of("/2"), 10 * MB, 10 * MB, 0, 7));
        assertEquals(List.of(id(2)), e.victims(res, l -> 0.0, 1, 0.5));
    }

    @Test
    void shadowAssignmentIsDeterministicAndNearTheShare() {
        ShadowExperiment a = new ShadowExperiment(7, List.of(id(1)), List.of(id(2)), 0.2, 5, 0.01, 0.1, 0);
        ShadowExperiment b = new ShadowExperiment(7, List.of(id(1)), List.of(id(2)), 0.2, 5, 0.01, 0.1, 0);
        int n = 0;
        for (long s = 0; s < 10_000; s++) {
            assertEquals(a.assignCandidate(s), b.assignCandidate(s));
            n += a.assignCandidate(s) ? 1 : 0;
        }
        assertTrue(n > 1800 && n < 2200, "share ~20%: " + n);
        assertThrows(IllegalArgumentException.class, () -> new ShadowExperiment(1, List.of(), List.of(), 1.5, 5, 0, 0, 0));
    }

    @Test
    void shadowRuleNeedsBothArmsAndComparesLatency() {
        ShadowExperiment s = new ShadowExperiment(1, List.of(id(1)), List.of(id(2)), 0.5, 3, 0.01, 0.10, 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(ShadowExperiment.Decision.PENDING, s.record(true, 2000, false));
        }
        assertEquals(ShadowExperiment.Decision.PENDING, s.record(false, 1000, false));
        assertEquals(ShadowExperiment.Decision.PENDING, s.record(false, 1000, false));
        assertEquals(ShadowExperiment.Decision.ROLL_BACK, s.record(false, 1000, false), "candidate is 2x slower");
        assertEquals(ShadowExperiment.Decision.PENDING, s.record(false, 1000, false), "decided only once");
        ShadowExperiment ok = new ShadowExperiment(2, List.of(id(1)), List.of(id(2)), 0.5, 2, 0.01, 0.10, 0);
        ok.record(true, 1050, false);
        ok.record(true, 1050, false);
        ok.record(false, 1000, false);
        assertEquals(ShadowExperiment.Decision.PROMOTE, ok.record(false, 1000, false), "within 10% latency");
    }

    @Test
    void selectorFallsBackWithAReason() {
        Fakes.Backend overlay = new Fakes.Backend("overlay");
        Fakes.Backend copy = new Fakes.Backend("copy");
        overlay.available = false;
        List<BackendSelector.Candidate> c = List.of(new BackendSelector.Candidate("overlay", 200, overlay),
                new BackendSelector.Candidate("copy", 100, copy));
        BackendSelector.Selection s = BackendSelector.select(c, "overlay");
        assertEquals(copy, s.backend());
        assertTrue(s.reason().contains("'overlay' is unavailable: fake unavailable") && s.reason().contains("using 'copy'"), s.reason());
        overlay.available = true;
        assertEquals(overlay, BackendSelector.select(c, "auto").backend());
        assertEquals(copy, BackendSelector.select(c, "copy").backend());
        BackendSelector.Selection missing = BackendSelector.select(c, "zfs");
        assertEquals(overlay, missing.backend());
        assertTrue(missing.reason().contains("'zfs' is not installed"), missing.reason());
        FilesystemBackend none = BackendSelector.select(List.of(), "auto").backend();
        assertEquals(null, none);
    }
}

package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void evictionChoosesUnreferencedLowestValuePerByte() {
        EvictionPlanner e = new EvictionPlanner(CostModel.DEFAULT);
        List<ResidentLayer> res = List.of(
                new ResidentLayer(id(1), Path.of("/1"), 1000, 1000, 1, 5),   // in use: never
                new ResidentLayer(id(2), Path.of("/2"), 1000, 1000, 0, 5),   // score 0.9
                new ResidentLayer(id(3), Path.of("/3"), 1000, 1000, 0, 5),   // score 0.1
                new ResidentLayer(id(4), Path.of("/4"), 1000, 1000, 0, 1));  // score 0.1, older
        Map<LayerId, Double> s = Map.of(id(1), 0.0, id(2), 0.9, id(3), 0.1, id(4), 0.1);
        assertEquals(List.of(id(4)), e.victims(res, s::get, 500));
        assertEquals(List.of(id(4), id(3), id(2)), e.victims(res, s::get, 3000));
        assertEquals(List.of(id(4), id(3), id(2)), e.victims(res, s::get, 1_000_000), "never the referenced layer");
        assertEquals(List.of(), e.victims(res, s::get, 0));
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

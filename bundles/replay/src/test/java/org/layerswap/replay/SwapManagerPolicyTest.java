package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.replay.Fixtures.MB;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;

class SwapManagerPolicyTest {

    static final LayerDescriptor S = Fixtures.layer('a', 100 * MB);
    static final LayerDescriptor F = Fixtures.layer('b', 10 * MB);
    static final LayerDescriptor H = Fixtures.layer('c', 10 * MB);
    static final LayerDescriptor G = Fixtures.layer('d', 30 * MB);
    static final NodeConfig NODE = new NodeConfig(150 * MB, 100e6, 20, 200e6);

    /**
     * The swap manager's planners in the main replay. Base layer S (100 MB) is shared by f=[S,F] and
     * h=[S,H] (10 MB each); g=[G] (30 MB) follows f 10 s later; budget 150 MB; rounds 20 min apart:
     * f at 0, g at +10 s, h at +60 s. Round 1: f fetches S and F on the critical path (110 MB); the
     * test profiler then scores G 0.9 (nothing else), the PrefetchPlanner ranks it and the manager
     * starts it (140 MB, no eviction); g hits the prefetched G; h fetches H on the critical path
     * (150 MB, exactly the budget). Later rounds hit everything. Critical-path invocations: 2 of 30;
     * prefetches used: 1. (The eviction order under pressure is hand-computed in the swap bundle's
     * PlannerTest.)
     */
    @Test
    void swapManagerPolicyPrefetchesThroughThePlanner() {
        List<InvocationEvent> ev = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t = i * 1_200_000L;
            ev.add(InvocationEvent.of("f", t));
            ev.add(InvocationEvent.of("g", t + 10_000));
            ev.add(InvocationEvent.of("h", t + 60_000));
        }
        EventTable tab = EventTable.of(ev, Fixtures.resolver(
                Map.of("f", List.of(S, F), "g", List.of(G), "h", List.of(S, H)), Map.of()));
        PolicySpec spec = Policies.swapManager("test", () -> new TestProfiler(Map.of("f", "g"), 60_000), 0.5, 1000, 15 * 60_000L);
        assertEquals("swap-manager-test@0.5", spec.name());
        PolicyResult r = ReplayRunner.replayAll(tab, NODE, 0, List.of(spec), 1, ProgressListener.NONE).get(0);
        assertEquals(2, r.criticalPathInvocations());
        assertEquals(1, r.prefetchesUsed(), "G prefetched once, then it stays resident");
    }

    @Test
    void namesParseAndBadNamesListTheValidOnes() {
        assertEquals("swap-manager-histogram@0.4", Policies.byName("swap-manager:histogram@0.4", 60_000).name());
        assertEquals("swap-manager-" + Policies.SWAP_MANAGER_DEFAULT_PREDICTOR + "@0.5", Policies.byName("swap-manager", 60_000).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Policies.byName("swap-manager:crystal", 60_000));
        assertTrue(e.getMessage().contains("crystal") && e.getMessage().contains("histogram"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Policies.byName("swap-manager:histogram@1.5", 60_000));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Policies.byName("swapmanager", 60_000));
        assertTrue(e.getMessage().contains("swap-manager[:"), e.getMessage());
        // the CLI (and so layerswap:replay and the dashboard, which go through ReplayMain.parse) accepts it
        ReplayConfig cfg = ReplayMain.parse(new String[] {"--trace", "synthetic:days=1", "--policies", "lru,swap-manager:poisson@0.3"});
        assertEquals(List.of("lru", "swap-manager-poisson@0.3"), cfg.policies().stream().map(PolicySpec::name).toList());
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class,
                () -> ReplayMain.run(new String[] {"--trace", "synthetic:days=1", "--policies", "swap-manager:nope"}, sink, sink));
    }
}

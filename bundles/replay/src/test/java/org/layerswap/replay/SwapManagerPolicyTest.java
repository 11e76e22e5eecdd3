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
import org.layerswap.replay.policy.SwapManagerPolicy;
import org.layerswap.testkit.FakeProfiler;

class SwapManagerPolicyTest {

    static final LayerDescriptor S = Fixtures.layer('a', 100 * MB);
    static final LayerDescriptor F = Fixtures.layer('b', 10 * MB);
    static final LayerDescriptor H = Fixtures.layer('c', 10 * MB);
    static final LayerDescriptor G = Fixtures.layer('d', 30 * MB);
    static final NodeSettings NODE = new NodeSettings(150 * MB, 100e6, 20, 200e6);

    /**
     * The swap manager's next-use planners in the main replay. Two timers whose layers do not fit
     * together: f=[A] every 10 min from 0 and g=[B] every 10 min from 5 min, 100 MB each, budget 150 MB. LRU evicts one for the other and misses every invocation. The swap
     * manager learns both periods from the gaps, evicts the layer needed furthest away (the other
     * timer's, 5 min later) and prefetches each stack just before its tick: after the first rounds
     * (warm-up 40 min: a probability needs two gaps within its horizon besides the one that helps most, so a timer
     * is prefetched for from its fourth run on) no invocation fetches on the critical path, and all measured ticks
     * but the first (whose prefetch completed before the warm-up ended) use a prefetch counted in the results.
     */
    /** f=[A] every 10 min from 0 and g=[B] every 10 min from 5 min, 100 MB each, ten ticks each. */
    static EventTable twoTimers() {
        LayerDescriptor a = Fixtures.layer('e', 100 * MB);
        LayerDescriptor b = Fixtures.layer('f', 100 * MB);
        List<InvocationEvent> ev = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ev.add(InvocationEvent.of("f", i * 600_000L));
            ev.add(InvocationEvent.of("g", i * 600_000L + 300_000L));
        }
        return EventTable.of(ev, Fixtures.resolver(Map.of("f", List.of(a), "g", List.of(b)), Map.of()));
    }

    @Test
    void swapManagerPolicyPrefetchesEachTimerJustBeforeItsTick() {
        EventTable tab = twoTimers();
        PolicySpec spec = Policies.swapManager("test", () -> new FakeProfiler(60_000), 0.5, 1000, 15 * 60_000L);
        assertEquals("swap-manager-test@0.5", spec.name());
        long warmup = 40 * 60_000L;
        PolicyResult r = ReplayRunner.replayAll(tab, NODE, warmup, List.of(spec), 1,
                ProgressListener.NONE).get(0);
        PolicyResult lru = ReplayRunner.replayAll(tab, NODE, warmup, List.of(Policies.byName("lru", 1000)), 1,
                ProgressListener.NONE).get(0);
        assertEquals(12, lru.criticalPathInvocations(), "LRU: each timer evicts the other's layer");
        assertEquals(0, r.criticalPathInvocations(), "every measured tick hits a just-in-time prefetch");
        assertTrue(r.prefetchesUsed() >= 11, "prefetches used: " + r.prefetchesUsed());
    }

    /**
     * The bandwidth budget binds on what the report counts: its accounting period starts where the replay starts
     * measuring. The two timers of the test above, warm-up 40 min: over the measured part the budget's own and LRU
     * totals are the report's bytes (the ghost LRU is exact here: every request misses), which differ from the whole
     * run's (the warm-up's on-demand fetches).
     */
    @Test
    void theBandwidthBudgetsPeriodStartsWhereTheReplayStartsMeasuring() {
        EventTable tab = twoTimers();
        PolicySpec spec = Policies.swapManager("test", () -> new FakeProfiler(60_000), 0.5, 1000, 15 * 60_000L);
        long warmup = 40 * 60_000L;
        SwapManagerPolicy policy = (SwapManagerPolicy) spec.factory().get();
        PolicyResult r = new Simulator(tab, NODE, policy, warmup, null).run(spec.family(), spec.knob());
        PolicyResult whole = ReplayRunner.replayAll(tab, NODE, 0, List.of(spec), 1, ProgressListener.NONE).get(0);
        PolicyResult lru = ReplayRunner.replayAll(tab, NODE, warmup, List.of(Policies.byName("lru", 1000)), 1,
                ProgressListener.NONE).get(0);
        double measured = (double) r.bytesFetched() / lru.bytesFetched();
        double wholeRun = (double) whole.bytesFetched() / (20 * 100 * MB);
        assertTrue(Math.abs(measured - wholeRun) > 0.02, "the case this test is about: measured " + measured
                + " vs whole run " + wholeRun);
        assertEquals(measured, policy.fetchBudgetStatus().periodRatioToLru(), 1e-9);
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
        ReplaySettings cfg = ReplayMain.parse(new String[] {"--trace", "synthetic:days=1", "--policies", "lru,swap-manager:poisson@0.3"});
        assertEquals(List.of("lru", "swap-manager-poisson@0.3"), cfg.policies().stream().map(PolicySpec::name).toList());
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class,
                () -> ReplayMain.run(new String[] {"--trace", "synthetic:days=1", "--policies", "swap-manager:nope"}, sink, sink));
    }
}

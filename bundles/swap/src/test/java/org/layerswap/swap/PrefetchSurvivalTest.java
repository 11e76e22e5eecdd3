package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrefetchSurvivalTest {

    private static final long MB = 1L << 20;
    private static final long STEP = 10_000;
    private static final long HORIZON = 3_600_000;
    private static final long NOW = 1_000_000;
    private static final NextUseEvictionPlanner ORDER = new NextUseEvictionPlanner(CostModel.DEFAULT);

    /** Function f's median next use as a function of the time asked at (as if it stayed idle since 0). */
    private interface Median {
        long at(int f, long t);
    }

    private static NextUseSource source(Median median) {
        return source(median, (now, h) -> 1);
    }

    /** P(run within h) as a function of (now, h). */
    private interface Probability {
        double within(long now, long h);
    }

    private static NextUseSource source(Median median, Probability p) {
        return new NextUseSource() {
            @Override
            public long lastSeen(int f) {
                return 0;
            }

            @Override
            public long median(int f, long now) {
                return median.at(f, now);
            }

            @Override
            public long earliest(int f, long now) {
                return median.at(f, now);
            }

            @Override
            public boolean overdue(int f, long now) {
                return false;
            }

            @Override
            public double probabilityWithin(int f, long now, long horizonMillis) {
                return p.within(now, horizonMillis);
            }
        };
    }

    private static long survival(NextUsePlanningTest.FakeNode node, Median median, double topKey) {
        return new PrefetchSurvival(node, source(median), ORDER, new JustInTimePrefetchPlanner(), new EvictionChurn(), new CoverSnapshot(), STEP).millis(0, NOW, HORIZON, topKey);
    }

    @Test
    void aLayerWhoseFunctionStaysDueAtTheSameDistanceSurvivesTheWholeHorizon() {
        NextUsePlanningTest.FakeNode node = new NextUsePlanningTest.FakeNode(1, 10 * MB, 100 * MB);
        double top = ORDER.key(NOW + 60_000, NOW, 10 * MB);
        assertEquals(HORIZON, survival(node, (f, t) -> t + 60_000, top));
    }

    @Test
    void anUnusedLayerIsEvictedOnceItsFunctionsPredictionMovesOutPastTheNextVictimsKey() {
        NextUsePlanningTest.FakeNode node = new NextUsePlanningTest.FakeNode(1, 10 * MB, 100 * MB);
        // the conditional median moves out with the idle time: distance to it = idle time (idle since 0)
        double top = ORDER.key(NOW + 1_100_000, NOW, 10 * MB); // evicted once the idle time passes 1,100 s
        // the grid keeps it at 80 s (idle 1,080 s), not at 160 s; bisection finds the first millisecond past 1,100 s idle
        assertEquals(100_001, survival(node, (f, t) -> t + t, top));
    }

    @Test
    void anUnusedCopyIsGoneOnceTheNodesChurnHasUsedUpTheBytesRankedAboveIt() {
        NextUsePlanningTest.FakeNode node = new NextUsePlanningTest.FakeNode(1, 10 * MB, 100 * MB);
        EvictionChurn churn = new EvictionChurn();
        churn.evicted(0, MB);
        churn.evicted(NOW, 1000 * MB); // 1,000 MB in 1,000 s: 1 MB a second
        double mine = ORDER.key(NOW + 60_000, NOW, 10 * MB); // its function stays due in 60 s: the key stays
        CoverSnapshot cover = new CoverSnapshot();
        cover.add(ORDER.key(NOW + 600_000, NOW, 20 * MB), 20 * MB);
        cover.add(mine, 400 * MB); // as likely to go as the copy: not above it
        cover.add(ORDER.key(NOW + 900_000, NOW, 30 * MB), 30 * MB);
        cover.add(ORDER.key(NOW + 1_000, NOW, 500 * MB) / 1e6, 500 * MB);
        cover.seal();
        double top = ORDER.key(NOW + 900_000, NOW, 30 * MB);
        PrefetchSurvival s = new PrefetchSurvival(node, source((f, t) -> t + 60_000), ORDER, new JustInTimePrefetchPlanner(),
                churn, cover, STEP);
        assertEquals(50_001, s.millis(0, NOW, HORIZON, top), "50 MB above it, 1 MB a second: gone in the 51st second");
        NextUsePlanningTest.FakeNode full = new NextUsePlanningTest.FakeNode(2, 10 * MB, 100 * MB);
        full.resident[1] = true; // 10 MB used of 100 MB: a copy of 95 MB overflows by 5 MB
        full.size[0] = 95 * MB;
        PrefetchSurvival big = new PrefetchSurvival(full, source((f, t) -> t + 60_000), ORDER, new JustInTimePrefetchPlanner(),
                churn, cover, STEP);
        assertEquals(45_001, big.millis(0, NOW, HORIZON, ORDER.key(NOW + 900_000, NOW, 95 * MB)),
                "its own overflow comes first out of the 50 MB");
        PrefetchSurvival calm = new PrefetchSurvival(node, source((f, t) -> t + 60_000), ORDER,
                new JustInTimePrefetchPlanner(), new EvictionChurn(), cover, STEP);
        assertEquals(HORIZON, calm.millis(0, NOW, HORIZON, top), "a node that has evicted nothing yet churns nothing");
    }

    @Test
    void aLayerThatWouldBeTheNextVictimAtOnceSurvivesNoTimeAndOneNothingPredictsNeither() {
        NextUsePlanningTest.FakeNode node = new NextUsePlanningTest.FakeNode(1, 10 * MB, 100 * MB);
        double top = ORDER.key(NOW + 60_000, NOW, 10 * MB);
        assertEquals(0, survival(node, (f, t) -> t + 120_000, top));
        assertEquals(0, survival(node, (f, t) -> Long.MAX_VALUE, Double.MAX_VALUE));
        node.remote = new boolean[] {true};
        assertEquals(0, survival(node, (f, t) -> t + 1, Double.MAX_VALUE), "a function placed elsewhere keeps nothing here");
    }

    @Test
    void aTimersCopySurvivesUpToItsBeatSoTheBeatItselfStillUsesIt() {
        NextUsePlanningTest.FakeNode node = new NextUsePlanningTest.FakeNode(1, 10 * MB, 100 * MB);
        long beat = NOW + 15_000;
        double top = ORDER.key(NOW + 300_000, NOW, 10 * MB);
        // on the beat the next use is the beat; one millisecond past it the beat is missed: overdue, the key jumps
        assertEquals(15_001, survival(node, (f, t) -> t <= beat ? beat : t + t, top));
    }

    @Test
    void nothingEvictableMeansTheOrderCannotEvictItWithinTheHorizon() {
        NextUsePlanningTest.FakeNode node = new NextUsePlanningTest.FakeNode(1, 10 * MB, 100 * MB);
        assertEquals(HORIZON, survival(node, (f, t) -> t + t, -1));
    }

    @Test
    void aSharedLayerLivesByItsEarliestUser() {
        NextUsePlanningTest.FakeNode node = new NextUsePlanningTest.FakeNode(2, 10 * MB, 100 * MB);
        node.layerFns[0] = new int[] {0, 1};
        double top = ORDER.key(NOW + 60_000, NOW, 10 * MB);
        assertEquals(HORIZON, survival(node, (f, t) -> f == 0 ? t + t : t + 30_000, top),
                "function 1 keeps needing it within 30 s, whatever function 0 does");
    }

    @Test
    void theHorizonIsUnboundedBeforeTheFirstOnDemandEvictionThenTheCacheLifetime() {
        JustInTimePrefetchPlanner jit = new JustInTimePrefetchPlanner();
        PrefetchSurvival s = new PrefetchSurvival(new NextUsePlanningTest.FakeNode(1, MB, MB), source((f, t) -> t), ORDER, jit, new EvictionChurn(), new CoverSnapshot(), STEP);
        assertEquals(Long.MAX_VALUE / 4, s.horizon());
        jit.recordEviction(600_000);
        assertEquals(600_000, s.horizon());
    }

    @Test
    void aPrefetchPaysOnlyWhenItsFunctionComesWithinTheSurvivalMoreOftenThanTheThreshold() {
        NextUsePlanningTest.FakeNode node = new NextUsePlanningTest.FakeNode(1, 10 * MB, 100 * MB);
        double top = ORDER.key(NOW + 1_100_000, NOW, 10 * MB); // survival 100.001 s, as above
        Probability byHorizon = (now, h) -> h >= 200_000 ? 0.9 : h >= 100_001 ? 0.5 : 0.1;
        PrefetchSurvival s = new PrefetchSurvival(node, source((f, t) -> t + t, byHorizon), ORDER, new JustInTimePrefetchPlanner(), new EvictionChurn(), new CoverSnapshot(), STEP);
        assertFalse(s.pays(0, 0, NOW, HORIZON, top, 0.5), "P 0.5 within its 100 s: a coin flip is not a prefetch");
        assertTrue(s.pays(0, 0, NOW, HORIZON, top, 0.4));
        assertTrue(s.pays(0, 0, NOW, HORIZON, -1, 0.5), "nothing evictable: it stays the whole horizon, P 0.9");
        PrefetchSurvival unknown = new PrefetchSurvival(node, source((f, t) -> t + t, (now, h) -> Double.NaN), ORDER,
                new JustInTimePrefetchPlanner(), new EvictionChurn(), new CoverSnapshot(), STEP);
        assertTrue(unknown.pays(0, 0, NOW, HORIZON, top, 0.5), "a source that cannot tell leaves it to the admission");
    }
}

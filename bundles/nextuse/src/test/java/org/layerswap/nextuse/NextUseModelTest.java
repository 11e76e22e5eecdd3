package org.layerswap.nextuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.layerswap.api.NextUse;

class NextUseModelTest {

    /** A 7-min timer with ±20 s jitter, 10 % missed beats, phase 95 s: the estimator recovers both. */
    @Test
    void periodDetectionRecoversANoisyTimersPeriodAndPhase() {
        Random rnd = new Random(42);
        long period = 420_000;
        long phase = 95_000;
        List<Long> times = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            if (rnd.nextDouble() < 0.1) {
                continue; // missed beat
            }
            times.add(phase + k * period + (long) ((rnd.nextDouble() * 2 - 1) * 20_000));
        }
        long[] t = times.stream().mapToLong(Long::longValue).toArray();
        PeriodEstimator.Period p = PeriodEstimator.estimate(t);
        assertNotNull(p);
        assertEquals(period, p.periodMillis(), 1_000, "period");
        assertEquals(phase, p.phaseMillis(), 5_000, "phase");
        assertTrue(p.confidence() > 0.95, "confidence " + p.confidence());
        assertEquals(phase + 300 * period, p.nextBeatAfter(phase + 299 * period + 60_000), 10_000, "the beat after the 299th");
    }

    @Test
    void poissonArrivalsHaveLowPeriodConfidence() {
        Random rnd = new Random(7);
        long[] t = new long[300];
        long now = 0;
        for (int i = 0; i < t.length; i++) {
            now += (long) (-Math.log(1 - rnd.nextDouble()) * 600_000);
            t[i] = now;
        }
        PeriodEstimator.Period p = PeriodEstimator.estimate(t);
        assertTrue(p == null || p.confidence() < 0.6, "confidence " + (p == null ? "n/a" : p.confidence()));
    }

    /**
     * Gaps 60 s (x20) then a missed beat (120 s): just after a tick the median next use is one period on;
     * once 90 s idle (past every 60-s gap) the model moves to the next beat after the missed one.
     */
    @Test
    void aProbabilityFromAHandfulOfGapsDoesNotHangOnTheOneThatHelpsMost() {
        NextUseModel m = new NextUseModel();
        long[] runs = {0, 700_000, 2_200_000, 3_100_000, 8_400_000, 12_500_000};
        for (long r : runs) {
            m.observe("wide", r); // gaps 700, 1,500, 900, 5,300, 4,100 s
        }
        int f = m.indexOf("wide");
        long last = runs[runs.length - 1];
        // idle 4,000 s: two gaps beyond it (4,100 and 5,300 s), both within 1,400 s more; read as 2 of 2 and the
        // running gap it would be 2 / 3, a 480 MB bet on two observations
        assertEquals(0.5, m.probabilityWithin(f, last + 4_000_000, 1_400_000), 1e-9);
        assertEquals(0.0, m.probabilityWithin(f, last + 4_000_000, 1_000_000), 1e-9, "only the 4,100 s gap within: none left");
        assertEquals(1.0 / 4, m.probabilityWithin(f, last + 800_000, 1_000_000), 1e-9,
                "idle 800 s: 900 and 1,500 s of the four beyond it end within 1,800 s; one of them left out, 1 of 4");
    }

    @Test
    void conditionalNextUseFollowsTheNextBeatAndSkipsAMissedOne() {
        NextUseModel m = new NextUseModel();
        long t = 0;
        for (int i = 0; i < 20; i++) {
            m.observe("timer", t);
            t += 60_000;
        }
        m.observe("timer", t + 60_000); // a missed beat: gap 120 s
        long last = t + 60_000;
        int f = m.indexOf("timer");
        NextUse soon = m.nextUse(f, last + 1_000, 0.1);
        assertEquals(last + 60_000, soon.medianMillis());
        assertEquals(last + 60_000, soon.earliestMillis());
        NextUse after = m.nextUse(f, last + 90_000, 0.1);
        assertEquals(last + 120_000, after.medianMillis());
        assertEquals(0.0, m.probabilityWithin(f, last + 90_000, 30_000), 1e-9,
                "one gap left beyond the idle time: no decision hangs on a single gap");
        assertEquals(18.0 / 20, m.probabilityWithin(f, last + 1_000, 60_000), 1e-9,
                "19 of the 20 gaps beyond 1 s end within the next 60 s; without the one that helps most, 18 of 19 and the running gap");
        NextUse overdue = m.nextUse(f, last + 200_000, 0.1);
        assertTrue(overdue.overdue());
        assertEquals(last + 400_000, overdue.medianMillis(), "overdue: now + idle time");
    }

    @Test
    void aFunctionIdleLongerThanEveryOwnGapStaysOverdueUntilItsNextRunWhateverOthersDo() {
        NextUseModel m = new NextUseModel();
        int f = m.index("timer");
        int g = m.index("other");
        for (long t = 0; t <= 4 * 60_000; t += 60_000) {
            m.observe(f, t); // four gaps of one minute
        }
        long last = 4 * 60_000;
        assertFalse(m.overdueUntilNextRun(f, last + 30_000), "within its gaps");
        assertTrue(m.overdueUntilNextRun(f, last + 61_000), "idle longer than every gap");
        for (long t = 0; t <= 10 * 3_600_000L; t += 3_600_000L) {
            m.observe(g, t); // long gaps in the pool change nothing for f's own gaps
        }
        for (long now = last + 61_000; now < last + 10 * 3_600_000L; now += 600_000) {
            assertTrue(m.overdueUntilNextRun(f, now));
            assertEquals(now + (now - last), m.medianNextUse(f, now));
            assertEquals(now + (now - last), m.nextUseAt(f, now, 0.1));
        }
        m.observe(f, last + 20 * 3_600_000L);
        assertFalse(m.overdueUntilNextRun(f, last + 20 * 3_600_000L + 1_000), "its run starts a new idle time");
        int once = m.index("seen-twice");
        m.observe(once, 0);
        m.observe(once, 1_000);
        assertFalse(m.overdueUntilNextRun(once, 100_000_000L), "on the pooled prior: another run can move it");
    }

    @Test
    void aFunctionWithTooFewGapsBorrowsThePooledFirstGapsForItsNextUseButNotForItsProbability() {
        NextUseModel m = new NextUseModel();
        for (String fn : List.of("a", "b", "c")) {
            m.observe(fn, 0);
            m.observe(fn, 300_000);
        }
        m.observe("new", 1_000_000);
        int f = m.indexOf("new");
        assertEquals(0, m.gapCount(f));
        assertEquals(1_300_000, m.medianNextUse(f, 1_000_000));
        assertEquals(0.0, m.probabilityWithin(f, 1_000_000, 600_000), "the pool's gaps all end within 600 s, but they are other functions'");
        m.observe("new", 1_300_000);
        assertEquals(1, m.gapCount(f));
        assertEquals(0.0, m.probabilityWithin(f, 1_300_000, 600_000), "one own gap is still below the two the model needs");
        m.observe("new", 1_600_000);
        assertEquals(0.5, m.probabilityWithin(f, 1_600_000, 600_000), 1e-9,
                "two own gaps, both within: its own evidence counts, one of them left out (1 of 1 and the running gap)");
        assertEquals(-1, m.indexOf("never"));
    }

    /** The per-function query cursor is an optimisation only: answers equal a fresh model's binary search. */
    @Test
    void queriesAtGrowingAndShrinkingIdleTimesAnswerLikeAFreshModelAndStayPutUntilTheStableHorizon() {
        Random rnd = new Random(3);
        NextUseModel cursorModel = new NextUseModel();
        long t = 0;
        List<long[]> seen = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int f = rnd.nextInt(10) < 8 ? rnd.nextInt(3) : 3 + rnd.nextInt(20); // rare ones read the pooled prior
            t += 1 + rnd.nextInt(120_000);
            cursorModel.observe(f, t);
            seen.add(new long[] {f, t});
            long now = t;
            for (int q = 0; q < 6; q++) {
                NextUseModel fresh = new NextUseModel(); // first query per function: a plain binary search
                for (long[] e : seen) {
                    fresh.observe((int) e[0], e[1]);
                }
                now += rnd.nextInt(4) == 0 ? -rnd.nextInt(60_000) : rnd.nextInt(90_000);
                for (int g = 0; g < 23; g++) {
                    assertEquals(fresh.nextUseAt(g, now, 0.5), cursorModel.nextUseAt(g, now, 0.5));
                    assertEquals(fresh.nextUseAt(g, now, 0.1), cursorModel.nextUseAt(g, now, 0.1));
                    assertEquals(fresh.probabilityWithin(g, now, 30_000), cursorModel.probabilityWithin(g, now, 30_000));
                    assertEquals(fresh.nextUseOverdueAt(g, now), cursorModel.nextUseOverdueAt(g, now));
                    long stable = cursorModel.predictionStableUntil(g, now);
                    if (stable > now && stable != Long.MAX_VALUE) {
                        assertEquals(cursorModel.nextUseAt(g, now, 0.5), cursorModel.nextUseAt(g, stable - 1, 0.5),
                                "unchanged until just before the stable horizon");
                        assertEquals(cursorModel.nextUseAt(g, now, 0.1), cursorModel.nextUseAt(g, stable - 1, 0.1));
                    }
                }
            }
        }
    }

    /**
     * Thousands of functions on the pooled prior, which fills, drops its oldest gaps and changes between two queries
     * of a function by a few gaps or by many, at idle times that move a little or far, beside functions with own
     * gaps and their cursors: every answer is exactly a fresh model's.
     */
    @Test
    void pooledQueriesAnswerLikeAFreshModelWhileThePoolChanges() {
        Random rnd = new Random(11);
        NextUseModel model = new NextUseModel();
        List<long[]> seen = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 4_000; i++) {
            int f = rnd.nextInt(1_500);
            t += rnd.nextInt(2_000);
            model.observe(f, t);
            seen.add(new long[] {f, t});
            long now = t + (rnd.nextBoolean() ? rnd.nextInt(1_000) : rnd.nextInt(5_000_000));
            for (int k = 0; k < 8; k++) { // some functions asked often (few versions behind), most rarely
                int g = k < 4 ? rnd.nextInt(20) : rnd.nextInt(1_500);
                long m = model.nextUseAt(g, now, 0.5);
                if (i % 97 == 0) {
                    NextUseModel fresh = new NextUseModel();
                    for (long[] e : seen) {
                        fresh.observe((int) e[0], e[1]);
                    }
                    assertEquals(fresh.nextUseAt(g, now, 0.5), m, "function " + g + " at " + now);
                    assertEquals(fresh.nextUseAt(g, now, 0.1), model.nextUseAt(g, now, 0.1));
                }
            }
        }
        assertTrue(seen.stream().mapToLong(e -> e[0]).distinct().count() > 1_024, "the pool (512 gaps) overflowed");
    }

    /**
     * Two beats per five minutes (gaps of about 1 and 4 min, ±20 s): after a long gap the next use is predicted about a
     * minute out, after a short one about four, not the mixture's median in between; once idle past every short gap,
     * the function reads all its own gaps again instead of turning overdue.
     */
    @Test
    void aFunctionWhoseGapsAlternateShortAndLongIsPredictedFromTheGapsThatFollowedTheSameKind() {
        Random rnd = new Random(5);
        NextUseModel model = new NextUseModel();
        long t = 0;
        model.observe(0, t);
        for (int i = 0; i < 24; i++) {
            t += (i % 2 == 0 ? 60_000 : 240_000) + rnd.nextInt(40_001) - 20_000;
            model.observe(0, t);
        }
        assertTrue(model.conditionedSample(0) != 0, "the two kinds of gap differ");
        long afterLong = model.medianNextUse(0, t) - t;
        assertTrue(afterLong >= 40_000 && afterLong <= 80_000, "after a long gap, a short one: " + afterLong);
        assertTrue(model.probabilityWithin(0, t, 90_000) > 0.8);
        long idle = t + 100_000; // past every short gap: the whole sample, so the long beat
        assertFalse(model.nextUseOverdueAt(0, idle));
        long fallback = model.medianNextUse(0, idle) - t;
        assertTrue(fallback >= 220_000 && fallback <= 260_000, "idle past the short kind: " + fallback);

        t += 61_000;
        model.observe(0, t);
        long afterShort = model.medianNextUse(0, t) - t;
        assertTrue(afterShort >= 220_000 && afterShort <= 260_000, "after a short gap, a long one: " + afterShort);
        assertTrue(model.probabilityWithin(0, t, 150_000) < 0.1, "no short gap follows a short one");
    }

    /** Exponential gaps: the last gap tells nothing, so the split is used about as often as the test's 5 % level. */
    @Test
    void aRenewalFunctionRarelyReadsItsGapsByTheLastOnesKind() {
        Random rnd = new Random(7);
        NextUseModel model = new NextUseModel();
        long t = 0;
        int conditioned = 0;
        int n = 4_000;
        for (int i = 0; i < n; i++) {
            t += (long) (-100_000 * Math.log(1 - rnd.nextDouble()));
            model.observe(0, t);
            conditioned += model.conditionedSample(0) != 0 ? 1 : 0;
        }
        assertTrue(conditioned < 0.12 * n, conditioned + " of " + n);
    }

    /**
     * Functions alternating short and long gaps, asked at idle times that grow past their conditioned gaps (the
     * predictions switch to all their gaps) and shrink back: the cursors answer exactly as a fresh model's search.
     */
    @Test
    void cursorsFollowTheSwitchBetweenConditionedAndAllGapsLikeAFreshModel() {
        Random rnd = new Random(13);
        List<long[]> events = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            long at = rnd.nextInt(100_000);
            for (int b = 0; b < 100; b++) {
                at += (b % 2 == 0 ? 30_000 : 200_000) * (f + 1) + rnd.nextInt(20_000);
                events.add(new long[] {f, at});
            }
        }
        events.sort((x, y) -> Long.compare(x[1], y[1]));
        NextUseModel model = new NextUseModel();
        List<long[]> seen = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            long t = events.get(i)[1];
            model.observe((int) events.get(i)[0], t);
            seen.add(events.get(i));
            long now = t;
            for (int q = 0; q < 4; q++) {
                now += rnd.nextInt(4) == 0 ? -rnd.nextInt(100_000) : rnd.nextInt(150_000);
                if (i % 10 != 0) {
                    for (int g = 0; g < 4; g++) {
                        model.nextUseAt(g, now, 0.5);
                    }
                    continue;
                }
                NextUseModel fresh = new NextUseModel();
                for (long[] e : seen) {
                    fresh.observe((int) e[0], e[1]);
                }
                for (int g = 0; g < 4; g++) {
                    assertEquals(fresh.nextUseAt(g, now, 0.5), model.nextUseAt(g, now, 0.5), "function " + g + " at " + now);
                    assertEquals(fresh.nextUseAt(g, now, 0.1), model.nextUseAt(g, now, 0.1));
                    assertEquals(fresh.probabilityWithin(g, now, 60_000), model.probabilityWithin(g, now, 60_000));
                    long stable = model.predictionStableUntil(g, now);
                    if (stable > now && stable != Long.MAX_VALUE) {
                        assertEquals(model.nextUseAt(g, now, 0.5), model.nextUseAt(g, stable - 1, 0.5));
                    }
                }
            }
        }
        for (int g = 0; g < 4; g++) {
            assertTrue(model.conditionedSample(g) != 0, "function " + g + " alternates");
        }
    }

    /**
     * Between two tests the sample is kept by bit moves only: it must equal the one recomputed from the gaps, each
     * gap classed by the gap before it against the split of the last test, the oldest gap at that test unknown.
     */
    @Test
    void theSampleKeptBetweenTestsEqualsTheOneRecomputedFromTheGaps() {
        Random rnd = new Random(23);
        NextUseModel model = new NextUseModel();
        List<Long> gaps = new ArrayList<>();
        long t = 0;
        model.observe(0, t);
        int unknown = -1; // index in gaps of the oldest gap at the last test
        int checked = 0;
        for (int i = 0; i < 3_000; i++) {
            boolean shortOne = i % 2 == 0 ? rnd.nextInt(10) < 8 : rnd.nextInt(10) < 3; // mostly alternating
            long gap = (shortOne ? 30_000 : 200_000) + rnd.nextInt(50_000);
            t += gap;
            gaps.add(gap);
            model.observe(0, t);
            int n = Math.min(gaps.size(), NextUseModel.GAPS);
            int oldest = gaps.size() - n;
            long state = model.splitState(0);
            if ((state & 7) == LastGapSplit.RETEST - 1) {
                unknown = oldest;
            }
            if ((state & 8) == 0) {
                continue;
            }
            long split = state >>> 4;
            List<Long> window = new ArrayList<>(gaps.subList(oldest, gaps.size()));
            window.sort(null);
            boolean side = gap > split;
            long expected = 0;
            int picked = 0;
            for (int j = oldest; j < gaps.size(); j++) {
                if (j != unknown && j > 0 && (gaps.get(j - 1) > split) == side) {
                    expected |= 1L << window.indexOf(gaps.get(j));
                    picked++;
                }
            }
            assertEquals(picked >= LastGapSplit.MIN_SIDE ? expected : 0, model.conditionedSample(0), "after gap " + i);
            checked++;
        }
        assertTrue(checked > 500, "accepted for " + checked + " of 3000 runs");
    }
}

package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FetchBudgetTest {

    static final long MB = 1 << 20;
    static final long HOUR = 3_600_000;

    /** A plain LRU cache's fetched bytes on the same requests: the reference the ghost must reproduce. */
    static long lruFetchedBytes(int[] requests, long[] size, long budget) {
        LinkedHashMap<Integer, Long> cache = new LinkedHashMap<>(16, 0.75f, true);
        long used = 0;
        long fetched = 0;
        for (int l : requests) {
            if (cache.get(l) != null) {
                continue;
            }
            fetched += size[l];
            cache.put(l, size[l]);
            used += size[l];
            var it = cache.entrySet().iterator();
            while (used > budget) {
                Map.Entry<Integer, Long> e = it.next();
                if (e.getKey() == l) {
                    break; // the layer just asked for stays, even alone above the budget
                }
                used -= e.getValue();
                it.remove();
            }
        }
        return fetched;
    }

    @Test
    void theGhostCountsTheBytesAPlainLruCacheOfTheNodesSizeWouldFetch() {
        Random rnd = new Random(7);
        int layers = 60;
        long[] size = new long[layers];
        for (int l = 0; l < layers; l++) {
            size[l] = (1 + rnd.nextInt(400)) * MB;
        }
        size[5] = 3_000 * MB; // above the budget alone
        int[] requests = new int[5_000];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = rnd.nextDouble() < 0.7 ? rnd.nextInt(12) : rnd.nextInt(layers); // a hot set and a tail
        }
        long budget = 2_000 * MB;
        FetchBudget fb = new FetchBudget(1.5, Long.MAX_VALUE / 4, budget); // a window too long to decay
        fb.resize(layers);
        for (int l : requests) {
            fb.requested(l, size[l]);
        }
        fb.fetched(1); // the ratio's numerator, so the reference can be read back from it
        double reference = 1 / fb.ratioNow();
        assertEquals(lruFetchedBytes(requests, size, budget), reference, 1.0);
        assertTrue(fb.referenceResidentBytes() <= budget || fb.referenceResidentBytes() == size[requests[requests.length - 1]],
                "the ghost holds at most the budget (or the one layer just asked for)");
    }

    @Test
    void thePriceStaysZeroWhileTheNodeFetchesWithinTheBudget() {
        FetchBudget fb = new FetchBudget(1.5, HOUR, 1_000 * MB);
        fb.resize(4);
        for (long t = 0; t <= 10 * HOUR; t += 10_000) {
            int l = (int) (t / 10_000 % 4);
            fb.requested(l, 400 * MB); // 4 x 400 MB in 1 GB: the ghost misses every request
            fb.fetched(560 * MB); // 1.4x
            assertEquals(0, fb.update(t), "at t=" + t);
        }
    }

    @Test
    void thePriceRisesWhileTheNodeIsOverTheBudgetAndFallsBackToZeroOnceItIsUnder() {
        FetchBudget fb = new FetchBudget(1.5, HOUR, 1_000 * MB);
        fb.resize(4);
        long t = 0;
        double last = 0;
        for (; t <= HOUR; t += 10_000) {
            fb.requested((int) (t / 10_000 % 4), 400 * MB);
            fb.fetched(800 * MB); // 2x
            double p = fb.update(t);
            assertTrue(p >= last, "the price only rises while over");
            last = p;
        }
        assertTrue(last > 3.0 / (400 * MB), "doubling every half window for an hour from 1 / the largest layer: about "
                + "4x that start, got " + last * 400 * MB);
        for (; t <= 4 * HOUR; t += 10_000) {
            fb.requested((int) (t / 10_000 % 4), 400 * MB);
            fb.fetched(200 * MB); // 0.5x: the window's ratio falls under the budget
            fb.update(t);
        }
        assertEquals(0, fb.price(), "halving below its start ends at no price");
    }

    /** {@code hours} of requests every 10 s (4 x 400 MB in 1 GB: the ghost misses each) with {@code vsLru} x the bytes fetched. */
    static long run(FetchBudget fb, long from, double hours, double vsLru, double[] maxWindowRatio) {
        long t = from;
        for (; t < from + (long) (hours * HOUR); t += 10_000) {
            fb.requested((int) (t / 10_000 % 4), 400 * MB);
            fb.fetched((long) (vsLru * 400 * MB));
            fb.update(t);
            maxWindowRatio[0] = Math.max(maxWindowRatio[0], fb.ratioNow());
        }
        return t;
    }

    @Test
    void aNodeFarUnderItsBudgetForThePeriodPaysNoPriceForAnHourOver() {
        FetchBudget fb = new FetchBudget(1.5, HOUR, 1_000 * MB);
        fb.resize(4);
        double[] maxRatio = {0};
        long t = run(fb, 0, 10, 1.0, maxRatio); // ten hours at LRU's bytes
        for (long end = t + HOUR; t < end; t += 10_000) { // then an hour at 2x
            fb.requested((int) (t / 10_000 % 4), 400 * MB);
            fb.fetched(800 * MB);
            assertEquals(0, fb.update(t), "the period is at most 1.1x LRU's bytes: the budget lends (t=" + t + ")");
            maxRatio[0] = Math.max(maxRatio[0], fb.ratioNow());
            assertTrue(fb.lending());
        }
        assertTrue(maxRatio[0] > 1.6, "the window itself went over the budget: " + maxRatio[0]);
        assertEquals(12.0 / 11, fb.status(0).periodRatioToLru(), 1e-3, "the period's ratio, for operators");
    }

    @Test
    void onceThePeriodsTotalPassesHalfwayToTheBudgetTheWindowsExcessRaisesThePriceAgain() {
        FetchBudget fb = new FetchBudget(1.5, HOUR, 1_000 * MB);
        fb.resize(4);
        double[] maxRatio = {0};
        long t = run(fb, 0, 10, 1.0, maxRatio);
        while (fb.lending()) { // 2x until the period passes 1.25x: 10 h at 1x and 5 h at 2x
            t = run(fb, t, 0.1, 2.0, maxRatio);
            if (fb.lending()) { // the period's ratio only grows here: it lent through the whole step
                assertEquals(0, fb.price(), "at " + t);
            }
        }
        double hoursOver = (t - 10 * HOUR) / (double) HOUR; // (10 + 2h) / (10 + h) reaches 1.25 at h = 10 / 3
        assertTrue(hoursOver > 3.3 && hoursOver < 3.5, "lent for " + hoursOver + " h at 2x");
        assertTrue(fb.status(0).periodRatioToLru() >= 1.25, "stopped lending at 1.25x: " + fb.status(0).periodRatioToLru());
        t = run(fb, t, 1, 2.0, maxRatio);
        assertTrue(fb.price() > 0, "the window controller acts as before once the period's total is past halfway");
        fb.startPeriod();
        assertTrue(Double.isNaN(fb.status(0).periodRatioToLru()), "a new period has no total yet");
        run(fb, t, 1, 1.0, maxRatio);
        assertEquals(1.0, fb.status(0).periodRatioToLru(), 1e-9, "the new period counts from its start only");
        assertTrue(fb.lending());
    }

    @Test
    void prefetchesBeforeAnyRequestSetNoPrice() {
        FetchBudget fb = new FetchBudget(1.5, HOUR, 1_000 * MB);
        fb.resize(2);
        fb.fetched(500 * MB);
        fb.update(0);
        assertEquals(0, fb.update(60_000), "no reference yet: nothing to compare with");
    }

    @Test
    void aZeroBudgetIsOffAndBadSettingsAreRefusedByName() {
        FetchBudget fb = new FetchBudget(0, HOUR, MB);
        fb.resize(1);
        fb.requested(0, MB);
        for (long t = 0; t < HOUR; t += 10_000) {
            fb.fetched(100 * MB);
            assertEquals(0, fb.update(t));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FetchBudget(-1, HOUR, MB));
        assertTrue(e.getMessage().contains("ratio to LRU's bytes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FetchBudget(1.5, 0, MB));
        assertTrue(e.getMessage().contains("window"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FetchBudget(Double.POSITIVE_INFINITY, HOUR, MB));
        assertThrows(IllegalArgumentException.class, () -> new FetchBudget(Double.NaN, HOUR, MB));
    }

    @Test
    void aPricedByteMakesBigLayersRankByDistanceAlone() {
        NextUseEvictionPlanner evictor = new NextUseEvictionPlanner(CostModel.DEFAULT);
        long now = 0;
        // a 2 GB layer needed in 60 s against a 100 MB layer needed in 600 s
        double big = evictor.key(60_000, now, 2_000 * MB);
        double small = evictor.key(600_000, now, 100 * MB);
        assertTrue(big > small, "space-time: the big layer goes first");
        evictor.bytePrice(1.0 / MB); // a megabyte costs a miss: both sizes far above 1 / price
        assertTrue(evictor.key(60_000, now, 2_000 * MB) < evictor.key(600_000, now, 100 * MB),
                "priced: the one needed later goes first");
        evictor.bytePrice(0);
        assertEquals(big, evictor.key(60_000, now, 2_000 * MB), "price 0 is the plain key");
    }
}

package org.layerswap.nextuse;

import java.util.Arrays;

/**
 * Period and phase of a timer-like function from its invocation times, robust to jitter and missed
 * beats (Azure's timer triggers): no period is assumed, everything comes from the times given.
 * <pre>
 *   P0      = lower quartile of the gaps             a beat; missed beats only add multiples above it
 *   matched = gaps g with |g/P0 - round(g/P0)| &lt; 1/4  (round(g/P0) &gt;= 1 beats each)
 *   period  = sum(matched g) / sum(round(g/P0))      least squares over the matched beats
 *   n(t)    = round((t - t0) / period)                beat number of each time
 *   period, phase = least squares fit of t = phase + n(t) * period; phase reduced mod period
 *   confidence = share of gaps matched               1 for a clean timer, low for Poisson-like arrivals
 * </pre>
 */
public final class PeriodEstimator {

    /** A period estimate; {@code phaseMillis} in [0, period): beats fall at phase + k * period. */
    public record Period(long periodMillis, long phaseMillis, double confidence) {

        /** The first beat strictly after {@code tMillis}. */
        public long nextBeatAfter(long tMillis) {
            long k = Math.floorDiv(tMillis - phaseMillis, periodMillis) + 1;
            return phaseMillis + k * periodMillis;
        }
    }

    private PeriodEstimator() {
    }

    /**
     * @param times invocation times, ascending, at least 3
     * @return the estimate, or null when fewer than 3 times or all gaps are 0
     */
    public static Period estimate(long[] times) {
        if (times.length < 3) {
            return null;
        }
        long[] gaps = new long[times.length - 1];
        for (int i = 1; i < times.length; i++) {
            gaps[i - 1] = times[i] - times[i - 1];
        }
        long[] s = gaps.clone();
        Arrays.sort(s);
        double p0 = s[(s.length - 1) / 4];
        if (p0 <= 0) {
            return null;
        }
        double sumG = 0;
        double sumK = 0;
        int matched = 0;
        for (long g : gaps) {
            double r = g / p0;
            long k = Math.round(r);
            if (k >= 1 && Math.abs(r - k) < 0.25) {
                sumG += g;
                sumK += k;
                matched++;
            }
        }
        if (matched == 0) {
            return null;
        }
        double period0 = sumG / sumK;
        // beat numbers from the first time, then least squares t = phase + n * period over all times
        double sn = 0;
        double st = 0;
        double snn = 0;
        double snt = 0;
        long t0 = times[0];
        for (long t : times) {
            double n = Math.rint((t - t0) / period0);
            double x = t - t0;
            sn += n;
            st += x;
            snn += n * n;
            snt += n * x;
        }
        int m = times.length;
        double den = m * snn - sn * sn;
        double period = den > 0 ? (m * snt - sn * st) / den : period0;
        double intercept = (st - period * sn) / m;
        long p = Math.max(1, Math.round(period));
        long phase = Math.floorMod(t0 + Math.round(intercept), p);
        return new Period(p, phase, (double) matched / gaps.length);
    }
}

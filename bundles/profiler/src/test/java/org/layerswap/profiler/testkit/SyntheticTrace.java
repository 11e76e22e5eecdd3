package org.layerswap.profiler.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.layerswap.api.InvocationEvent;

/** Builds event streams with known truth: timers, Poisson functions, A-then-B chains. Times in ms. */
public final class SyntheticTrace {

    private final List<InvocationEvent> events = new ArrayList<>();
    private final Random random;
    private final long start;
    private final long end;

    public SyntheticTrace(long seed, long startMillis, long endMillis) {
        this.random = new Random(seed);
        this.start = startMillis;
        this.end = endMillis;
    }

    /** {@code fn} every {@code periodMillis} from {@code offset}, each shifted by up to +-jitter. */
    public SyntheticTrace timer(String fn, long periodMillis, long offsetMillis, long jitterMillis) {
        for (long t = start + offsetMillis; t < end; t += periodMillis) {
            long j = jitterMillis == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * jitterMillis);
            add(fn, Math.max(start, t + j), Map.of());
        }
        return this;
    }

    /** {@code fn} as a Poisson process of {@code ratePerMinute}. */
    public SyntheticTrace poisson(String fn, double ratePerMinute) {
        double t = start;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / ratePerMinute * 60_000.0;
            if (t >= end) {
                return this;
            }
            add(fn, (long) t, Map.of());
        }
    }

    /**
     * {@code a} as a Poisson process; each of its invocations is followed by {@code b} with probability
     * {@code followProbability} after a uniform delay in [minDelay, maxDelay].
     */
    public SyntheticTrace chain(String a, String b, double ratePerMinute, double followProbability, long minDelay,
                                long maxDelay) {
        double t = start;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / ratePerMinute * 60_000.0;
            if (t >= end) {
                return this;
            }
            add(a, (long) t, Map.of());
            if (random.nextDouble() < followProbability) {
                long d = minDelay + (long) (random.nextDouble() * (maxDelay - minDelay));
                if (t + d < end) {
                    add(b, (long) t + d, Map.of());
                }
            }
        }
    }

    public SyntheticTrace add(String fn, long t, Map<String, String> params) {
        events.add(new InvocationEvent(fn, t, params, ""));
        return this;
    }

    public Random random() {
        return random;
    }

    /** The events sorted by time (stable for ties). */
    public List<InvocationEvent> events() {
        List<InvocationEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(InvocationEvent::timestampMillis));
        return sorted;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }
}

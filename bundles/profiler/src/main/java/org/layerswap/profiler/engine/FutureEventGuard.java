package org.layerswap.profiler.engine;

import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses events stamped too far in the future. One event a year ahead would move the co-occurrence
 * scale so far that every stored count decays to zero ({@link CoOccurrenceIndex}), and the engine's
 * latest event (saved in the snapshot) would stay in the future. An event is refused when its timestamp
 * is more than {@link ProfilerSettings#maxFutureSkewMillis()} ahead of the reference: the scoring clock
 * when there is one, else the latest event recorded (nothing is refused before the first event).
 * Refused events are counted, and logged at most once a minute with the number since the last line.
 *
 * <p>Called under the engine lock on every event: no allocation unless it logs.
 */
final class FutureEventGuard {

    private static final Logger LOG = LoggerFactory.getLogger(FutureEventGuard.class);
    static final long LOG_EVERY_NANOS = 60_000_000_000L;

    /** Monotonic nanoseconds, for the log rate only (never for profile decisions). */
    private final LongSupplier nanoTime;
    /** Written under the engine lock only (one writer); read by anyone. */
    private volatile long ignored;
    private long ignoredSinceLog;
    private long lastLogNanos;
    private boolean loggedOnce;

    FutureEventGuard(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * @param reference the clock's now, or the latest event timestamp (negative: none yet)
     * @return true when the event at {@code t} may be recorded
     */
    boolean admits(String functionId, long t, long reference, long maxSkewMillis) {
        if (reference < 0 || t <= reference || t - reference <= maxSkewMillis) {
            return true;
        }
        ignored++;
        ignoredSinceLog++;
        long n = nanoTime.getAsLong();
        if (!loggedOnce || n - lastLogNanos >= LOG_EVERY_NANOS) {
            LOG.warn("Ignored {} event(s) stamped more than {} ms ahead of the profiler's time {} (latest: function '{}' at {}); "
                    + "{} ignored in total", ignoredSinceLog, maxSkewMillis, reference, abbreviate(functionId), t, ignored);
            loggedOnce = true;
            lastLogNanos = n;
            ignoredSinceLog = 0;
        }
        return false;
    }

    /** The reference time of {@link #admits}: the settings' clock, else the latest event (-1: none). */
    static long reference(ProfilerSettings s, long latestEvent) {
        var clock = s.clock();
        return clock != null ? clock.getAsLong() : latestEvent;
    }

    long ignored() {
        return ignored;
    }

    private static String abbreviate(String id) {
        return id.length() <= 80 ? id : id.substring(0, 80) + "...";
    }
}

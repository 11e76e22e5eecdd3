package org.layerswap.predictor.encog;

/**
 * Decides when a training round is due from the timestamps of the events themselves (trace time), never
 * from the wall clock: the first event anchors the schedule, and a round is due at the first event at or
 * after each multiple of the interval since the anchor. A replay therefore trains at the same trace
 * moments as the appliance would live, whatever the replay's speed.
 *
 * <p>Invariants: {@link #due} returns true at most once per interval boundary; boundaries skipped by a gap
 * in the trace collapse into one round; an event older than the latest seen never fires. Not thread-safe:
 * one trainer owns it.
 */
final class TraceTimeTrigger {

    private final long intervalMillis;
    private long next = Long.MIN_VALUE;

    TraceTimeTrigger(long intervalMillis) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("training interval must be > 0 ms of trace time, got " + intervalMillis);
        }
        this.intervalMillis = intervalMillis;
    }

    /** Is a round due at an event with this timestamp? Advances the schedule when it is. */
    boolean due(long eventMillis) {
        if (next == Long.MIN_VALUE) {
            next = eventMillis + intervalMillis;
            return false;
        }
        if (eventMillis < next) {
            return false;
        }
        long skipped = (eventMillis - next) / intervalMillis;
        next += (skipped + 1) * intervalMillis;
        return true;
    }

    long intervalMillis() {
        return intervalMillis;
    }

    /** Trace time of the next round (Long.MIN_VALUE before the first event). */
    long nextMillis() {
        return next;
    }
}

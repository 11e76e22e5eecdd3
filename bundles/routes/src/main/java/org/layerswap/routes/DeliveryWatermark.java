package org.layerswap.routes;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many of the queue's events, counted in the order the consumer took them, are settled (accepted by the profiler
 * or failed) with no unsettled one before them. The consumer takes batches in queue order ({@link #begin}) but their
 * acceptances complete in any order ({@link #settled}); a waiter that needs "every event queued before mine is
 * settled" compares its count with {@link #prefix}, as it compared with a consumed count when delivery was synchronous.
 *
 * <p>Invariant: {@code prefix} events from the start are settled and the event at {@code prefix} is not; {@code
 * ahead} holds the settled ranges beyond it, disjoint and never adjacent to the prefix. Thread-safe.
 */
final class DeliveryWatermark {

    private final AtomicLong prefix;
    private long taken;
    /** Settled ranges after the first unsettled event: start -> end (exclusive). */
    private final TreeMap<Long, Long> ahead = new TreeMap<>();

    /** Publishes the prefix into {@code prefix} (the counters' consumed count). */
    DeliveryWatermark(AtomicLong prefix) {
        this.prefix = prefix;
    }

    /** The consumer takes {@code n} events; answers their position (the first one's) in the consumer's order. */
    synchronized long begin(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a batch has at least one event, got " + n);
        }
        long start = taken;
        taken += n;
        return start;
    }

    /** The {@code n} events taken at {@code start} are settled. */
    synchronized void settled(long start, int n) {
        long end = start + n;
        if (start < prefix.get() || end > taken || ahead.containsKey(start)) {
            throw new IllegalStateException("events " + start + ".." + end + " were not taken or are settled already");
        }
        if (start != prefix.get()) {
            ahead.put(start, end);
            return;
        }
        for (Map.Entry<Long, Long> next = ahead.firstEntry(); next != null && next.getKey() == end; next = ahead.firstEntry()) {
            end = next.getValue();
            ahead.pollFirstEntry();
        }
        prefix.set(end);
    }

    long prefix() {
        return prefix.get();
    }
}

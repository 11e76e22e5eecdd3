package org.layerswap.workload;

import java.util.PriorityQueue;
import org.layerswap.api.InvocationEvent;

/**
 * Restores timestamp order for inputs that are only nearly sorted (e.g. the Azure 2021 trace is
 * sorted by end time, while events are keyed by start time). Events are held until the newest
 * timestamp seen is more than {@code horizonMillis} past them. An event that arrives later than the
 * horizon allows is emitted at the last emitted timestamp and counted in the report.
 */
final class ReorderBuffer {

    private record Entry(InvocationEvent event, long seq) {
    }

    private final PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> {
        int c = Long.compare(a.event.timestampMillis(), b.event.timestampMillis());
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    private final long horizonMillis;
    private final ReadReport report;
    private long maxSeen = Long.MIN_VALUE;
    private long lastEmitted = Long.MIN_VALUE;
    private long seq;

    ReorderBuffer(long horizonMillis, ReadReport report) {
        this.horizonMillis = horizonMillis;
        this.report = report;
    }

    void add(InvocationEvent e) {
        if (e.timestampMillis() < maxSeen) {
            report.reordered();
        }
        maxSeen = Math.max(maxSeen, e.timestampMillis());
        heap.add(new Entry(e, seq++));
    }

    /** True when the head may be emitted without waiting for more input. */
    boolean ready() {
        return !heap.isEmpty() && heap.peek().event.timestampMillis() <= maxSeen - horizonMillis;
    }

    boolean isEmpty() {
        return heap.isEmpty();
    }

    InvocationEvent poll() {
        InvocationEvent e = heap.poll().event;
        if (e.timestampMillis() < lastEmitted) {
            report.clampedLate();
            e = new InvocationEvent(e.functionId(), lastEmitted, e.params(), e.tenant());
        }
        lastEmitted = e.timestampMillis();
        report.emitted();
        return e;
    }
}

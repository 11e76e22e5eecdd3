package org.layerswap.swap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerId;
import org.layerswap.api.PrefetchRecord;

/**
 * The prefetch queue as operators see it: fetches started and not finished, with when they started. A prefetch is
 * {@value #QUEUED} from its claim until a worker runs it, then {@value #FETCHING} from the same instant its finished
 * record counts from, so the time an entry shows as waited while fetching never exceeds the record's duration.
 */
final class FetchesInFlight {

    static final String QUEUED = "queued";
    static final String FETCHING = "fetching";

    private record Started(long id, LayerId layer, String functionId, FetchPriority priority, double score, long startedMillis,
                           long startedNanos, long bytes, boolean queued) {
    }

    private final ConcurrentHashMap<Long, Started> running = new ConcurrentHashMap<>();

    /** A fetch claimed at ({@code startedMillis}, {@code startedNanos}); {@code queued} until {@link #running} says otherwise. */
    void started(long id, LayerId layer, String functionId, FetchPriority priority, double score, long startedMillis,
                 long startedNanos, long bytes, boolean queued) {
        running.put(id, new Started(id, layer, functionId, priority, score, startedMillis, startedNanos, bytes, queued));
    }

    /** A queued fetch now runs: it counts from here on (nothing happens when it already finished). */
    void running(long id, long startedMillis, long startedNanos) {
        running.computeIfPresent(id, (k, s) -> new Started(s.id(), s.layer(), s.functionId(), s.priority(), s.score(),
                startedMillis, startedNanos, s.bytes(), false));
    }

    void finished(long id) {
        running.remove(id);
    }

    /** Oldest first; durationMicros is the time waited so far, detail {@value #QUEUED} or {@value #FETCHING}. */
    List<PrefetchRecord> snapshot() {
        long now = System.nanoTime();
        List<PrefetchRecord> out = new ArrayList<>(running.size());
        for (Started s : running.values()) {
            out.add(new PrefetchRecord(s.id(), s.layer(), s.functionId(), s.priority(), s.score(), s.startedMillis(),
                    (now - s.startedNanos()) / 1000, false, s.bytes(), s.queued() ? QUEUED : FETCHING));
        }
        out.sort(Comparator.comparingLong(PrefetchRecord::startedMillis).thenComparingLong(PrefetchRecord::id));
        return out;
    }
}

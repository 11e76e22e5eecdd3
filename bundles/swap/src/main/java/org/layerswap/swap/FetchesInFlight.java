package org.layerswap.swap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerId;
import org.layerswap.api.PrefetchRecord;

/** The prefetch queue as operators see it: fetches started and not finished, with when they started. */
final class FetchesInFlight {

    private record Started(long id, LayerId layer, String functionId, FetchPriority priority, double score, long startedMillis,
                           long startedNanos, long bytes) {
    }

    private final ConcurrentHashMap<Long, Started> running = new ConcurrentHashMap<>();

    void started(long id, LayerId layer, String functionId, FetchPriority priority, double score, long startedMillis, long bytes) {
        running.put(id, new Started(id, layer, functionId, priority, score, startedMillis, System.nanoTime(), bytes));
    }

    void finished(long id) {
        running.remove(id);
    }

    /** Oldest first; durationMicros is the time waited so far. */
    List<PrefetchRecord> snapshot() {
        long now = System.nanoTime();
        List<PrefetchRecord> out = new ArrayList<>(running.size());
        for (Started s : running.values()) {
            out.add(new PrefetchRecord(s.id(), s.layer(), s.functionId(), s.priority(), s.score(), s.startedMillis(),
                    (now - s.startedNanos()) / 1000, false, s.bytes(), "in flight"));
        }
        out.sort(Comparator.comparingLong(PrefetchRecord::startedMillis).thenComparingLong(PrefetchRecord::id));
        return out;
    }
}

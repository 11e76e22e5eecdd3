package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerId;
import org.layerswap.api.PrefetchRecord;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class PrefetchStartsTest {

    static final LayerId A = LayerId.of("sha256:" + "a".repeat(64));

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final PrefetchStarts starts = new PrefetchStarts(registry);

    static PrefetchRecord record(long id, FetchPriority priority) {
        return new PrefetchRecord(id, A, "fn", priority, 0.5, 0, 0, false, 0, "");
    }

    double started() {
        return registry.get("layerswap.prefetches.started").counter().count();
    }

    @Test
    void aPrefetchSeenInFlightCountsOnceHoweverOftenItIsSeenAndWhenItFinishes() {
        starts.inFlight(List.of(record(1, FetchPriority.PREFETCH)));
        starts.inFlight(List.of(record(1, FetchPriority.PREFETCH)));
        starts.finished(record(1, FetchPriority.PREFETCH));
        assertEquals(1, started());
    }

    @Test
    void aPrefetchThatFinishedBetweenSamplesCountsAtItsRecordAndAStaleSampleDoesNotCountItAgain() {
        starts.finished(record(2, FetchPriority.PREFETCH));
        starts.inFlight(List.of(record(2, FetchPriority.PREFETCH)));
        starts.finished(record(2, FetchPriority.PREFETCH));
        assertEquals(1, started());
    }

    @Test
    void onDemandFetchesAreNotPrefetches() {
        starts.inFlight(List.of(record(3, FetchPriority.ON_DEMAND)));
        starts.finished(record(3, FetchPriority.ON_DEMAND));
        assertEquals(0, started());
    }

    @Test
    void theRememberedFinishedIdsAreBoundedToTheMostRecent() {
        for (long id = 0; id < PrefetchStarts.RECENT + 10; id++) {
            starts.finished(record(id, FetchPriority.PREFETCH));
        }
        starts.inFlight(List.of(record(PrefetchStarts.RECENT + 9, FetchPriority.PREFETCH)));
        assertEquals(PrefetchStarts.RECENT + 10, started());
        assertEquals(PrefetchStarts.RECENT, starts.remembered());
    }
}

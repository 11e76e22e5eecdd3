package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FetchBudgetStatus;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.persistence.api.WriterStats;
import org.layerswap.routes.api.IngestStats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class ServiceMetersTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicReference<LayerStoreStats> store = new AtomicReference<>();
    final AtomicReference<IngestStats> ingest = new AtomicReference<>();
    final AtomicReference<WriterStats> writer = new AtomicReference<>();
    final AtomicReference<FetchBudgetStatus> budget = new AtomicReference<>();
    final ServiceMeters meters = new ServiceMeters(registry, new ServiceMeters.Reads(store::get, ingest::get, writer::get,
            () -> 0.42, () -> Double.NaN, () -> 3, budget::get));

    double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    double counter(String name) {
        return registry.get(name).functionCounter().count();
    }

    @Test
    void theMetersReadTheServicesSnapshotsAtReadTime() {
        store.set(new LayerStoreStats(1_000, 600, 5_000, 4, 2, 1, 0, 12, 3));
        ingest.set(new IngestStats(90, 7, 1, 85, 2, 0, 0, 0, 5, Map.of()));
        writer.set(new WriterStats(100, 80, 1, 2, 4, 17, 1024, ""));

        assertEquals(600, gauge("layerswap.store.used"));
        assertEquals(1_000, gauge("layerswap.store.budget"));
        assertEquals(5_000, counter("layerswap.store.pulled"));
        assertEquals(90, counter("layerswap.ingest.accepted"));
        assertEquals(9, counter("layerswap.ingest.dead.lettered"), "rejected at the edge plus failed deliveries");
        assertEquals(5, gauge("layerswap.ingest.queue.depth"));
        assertEquals(17, gauge("layerswap.h2.writer.lag"));
        assertEquals(80, counter("layerswap.h2.writer.written"));
        assertEquals(0.42, gauge("layerswap.threshold"));
        assertEquals(3, gauge("layerswap.prefetches.in.flight"));
        budget.set(new FetchBudgetStatus(1.62, 1.5, 2.5e-9));
        assertEquals(1.62, gauge("layerswap.fetched.bytes.vs.lru"));
        assertEquals(1.5, gauge("layerswap.fetched.bytes.budget"));
        assertEquals(2.5e-9, gauge("layerswap.fetched.byte.price"));
        assertTrue(Double.isNaN(gauge("layerswap.fetched.bytes.vs.lru.period")), "a status without the period's ratio");
        budget.set(new FetchBudgetStatus(1.62, 1.5, 0, 1.12));
        assertEquals(1.12, gauge("layerswap.fetched.bytes.vs.lru.period"));

        store.set(new LayerStoreStats(1_000, 700, 6_000, 4, 2, 1, 0, 12, 3));
        assertEquals(700, gauge("layerswap.store.used"), "nothing is cached");
    }

    @Test
    void aMissingServiceReadsAsNaN() {
        assertTrue(Double.isNaN(gauge("layerswap.store.used")));
        assertTrue(Double.isNaN(counter("layerswap.ingest.accepted")));
        assertTrue(Double.isNaN(gauge("layerswap.h2.writer.lag")));
        assertTrue(Double.isNaN(gauge("layerswap.threshold.recommended")));
        assertTrue(Double.isNaN(gauge("layerswap.fetched.bytes.vs.lru")));
    }
}

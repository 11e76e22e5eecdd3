package org.layerswap.metrics;

import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import org.layerswap.api.FetchBudgetStatus;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.SwapManager;
import org.layerswap.persistence.api.WriterStats;
import org.layerswap.routes.api.IngestStats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters read from the services' own counters and snapshots at scrape time (nothing is copied or cached here): layer
 * store bytes vs budget, ingest accepted / dead-lettered / queue depth, the H2 writer's lag, the prefetch threshold,
 * prefetches in flight. A reading whose service is absent is NaN (Prometheus shows the gap). Counters restart at 0
 * when their service restarts, which Prometheus treats as a counter reset.
 */
public final class ServiceMeters {

    /**
     * What the meters read; each supplier returns null (or NaN) while its service is absent.
     *
     * @param prefetchesInFlight prefetches started and not finished
     * @param fetchBudget        the swap manager's bandwidth budget ({@link SwapManager#fetchBudget})
     */
    public record Reads(Supplier<LayerStoreStats> store, Supplier<IngestStats> ingest, Supplier<WriterStats> writer,
                        DoubleSupplier threshold, DoubleSupplier recommendedThreshold, DoubleSupplier prefetchesInFlight,
                        Supplier<FetchBudgetStatus> fetchBudget) {
    }

    /** Held strongly: Micrometer keeps only weak references to a gauge's object. */
    private final Reads reads;

    public ServiceMeters(MeterRegistry registry, Reads reads) {
        this.reads = reads;
        gauge(registry, "layerswap.store.used", "bytes", "Bytes of layers resident in the layer store", store(LayerStoreStats::usedBytes));
        gauge(registry, "layerswap.store.budget", "bytes", "The layer store's storage budget", store(LayerStoreStats::budgetBytes));
        counter(registry, "layerswap.store.pulled", "bytes", "Bytes the layer store pulled from its source", store(LayerStoreStats::bytesPulled));
        counter(registry, "layerswap.store.hits", null, "Layer requests the store answered from residency", store(LayerStoreStats::hits));
        counter(registry, "layerswap.store.misses", null, "Layer requests the store had to fetch", store(LayerStoreStats::misses));
        counter(registry, "layerswap.store.evictions", null, "Layers the store evicted", store(LayerStoreStats::evictions));
        gauge(registry, "layerswap.store.queued.fetches", null, "Fetches queued in the layer store", store(LayerStoreStats::queuedFetches));

        counter(registry, "layerswap.ingest.accepted", null, "Invocation events accepted into the events queue (all sources)",
                ingest(IngestStats::accepted));
        counter(registry, "layerswap.ingest.dead.lettered", null, "Events dead-lettered: lines rejected at the edge plus events "
                + "the profiler or persistence threw on", ingest(s -> s.rejected() + s.deliveryFailed()));
        counter(registry, "layerswap.ingest.delivered", null, "Events the queue consumer passed to the profiler",
                ingest(IngestStats::delivered));
        gauge(registry, "layerswap.ingest.queue.depth", null, "Events waiting in the events queue", ingest(IngestStats::queueDepth));

        gauge(registry, "layerswap.h2.writer.lag", "rows", "Rows the H2 writer accepted and has not committed yet",
                writer(WriterStats::queued));
        gauge(registry, "layerswap.h2.writer.capacity", "rows", "Capacity of the H2 writer's queue", writer(WriterStats::queueCapacity));
        counter(registry, "layerswap.h2.writer.written", "rows", "Rows the H2 writer committed", writer(WriterStats::written));
        counter(registry, "layerswap.h2.writer.dropped", "rows", "Rows refused because the writer's queue stayed full",
                writer(WriterStats::dropped));
        counter(registry, "layerswap.h2.writer.failed", "rows", "Rows the database rejected", writer(WriterStats::failed));

        gauge(registry, "layerswap.threshold", null, "Score at or above which the swap manager prefetches a layer",
                r -> r.threshold().getAsDouble());
        gauge(registry, "layerswap.threshold.recommended", null, "The threshold the feedback controller recommends",
                r -> r.recommendedThreshold().getAsDouble());
        gauge(registry, "layerswap.prefetches.in.flight", null, "Prefetches started and not finished",
                r -> r.prefetchesInFlight().getAsDouble());
        gauge(registry, "layerswap.fetched.bytes.vs.lru", null, "Bytes the swap manager fetched over the bytes a plain LRU "
                + "cache of the store's size would have fetched for the same requests, in the bandwidth budget's window",
                budget(FetchBudgetStatus::ratioToLru));
        gauge(registry, "layerswap.fetched.bytes.vs.lru.period", null, "The same ratio since the swap manager's planner "
                + "started: while it is below halfway to the budget, a window over the budget raises no byte price",
                budget(FetchBudgetStatus::periodRatioToLru));
        gauge(registry, "layerswap.fetched.bytes.budget", null, "The bandwidth budget: fetched bytes at most this many "
                + "times a plain LRU cache's (0: none)", budget(FetchBudgetStatus::budgetVsLru));
        gauge(registry, "layerswap.fetched.byte.price", null, "Price of a fetched byte in the eviction order while over "
                + "the budget, misses per byte (0: none)", budget(FetchBudgetStatus::bytePrice));
    }

    private static ToDoubleFunction<Reads> budget(ToDoubleFunction<FetchBudgetStatus> f) {
        return r -> {
            FetchBudgetStatus b = r.fetchBudget().get();
            return b == null ? Double.NaN : f.applyAsDouble(b);
        };
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description, ToDoubleFunction<Reads> f) {
        Gauge.builder(name, reads, f).baseUnit(unit).description(description).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String unit, String description, ToDoubleFunction<Reads> f) {
        FunctionCounter.builder(name, reads, f).baseUnit(unit).description(description).register(registry);
    }

    private static ToDoubleFunction<Reads> store(ToDoubleFunction<LayerStoreStats> f) {
        return r -> read(r.store(), f);
    }

    private static ToDoubleFunction<Reads> ingest(ToDoubleFunction<IngestStats> f) {
        return r -> read(r.ingest(), f);
    }

    private static ToDoubleFunction<Reads> writer(ToDoubleFunction<WriterStats> f) {
        return r -> read(r.writer(), f);
    }

    private static <T> double read(Supplier<T> s, ToDoubleFunction<T> f) {
        T snapshot = s.get();
        return snapshot == null ? Double.NaN : f.applyAsDouble(snapshot);
    }
}

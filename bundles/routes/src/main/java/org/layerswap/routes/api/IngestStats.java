package org.layerswap.routes.api;

import java.util.Map;

/**
 * Ingestion counters since the routes started.
 *
 * @param accepted          valid events handed to the events queue (all sources)
 * @param rejected          lines rejected and dead-lettered (all sources)
 * @param skipped           blank lines and CSV header lines, neither accepted nor rejected
 * @param delivered         events the profiler accepted (recorded, or on a cluster held by their owners)
 * @param deliveryFailed    events the profiler did not accept (logged and dead-lettered, not acknowledged)
 * @param persistDropped    invocation or dead-letter rows persistence refused (its queue stayed full)
 * @param filesDone         drop-folder files committed and moved to {@code .done}
 * @param filesFailed       drop-folder files moved to {@code .failed} (e.g. persistence did not confirm)
 * @param queueDepth        events waiting in the queue now or handed to the profiler and not yet accepted
 * @param bySource          accepted/rejected per source ({@code file}, {@code http}, {@code service})
 */
public record IngestStats(long accepted, long rejected, long skipped, long delivered, long deliveryFailed,
                          long persistDropped, long filesDone, long filesFailed, long queueDepth,
                          Map<String, SourceCounts> bySource) {

    public IngestStats {
        bySource = bySource == null ? Map.of() : Map.copyOf(bySource);
    }

    /** Counters of one source. */
    public record SourceCounts(long accepted, long rejected) {
    }
}

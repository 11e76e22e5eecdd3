package org.layerswap.routes.api;

import org.layerswap.api.InvocationEvent;

/**
 * In-process entry to the ingestion pipeline: events go to the same bounded events queue as the drop-folder
 * and HTTP routes, then to the profiler and (when present) persistence.
 */
public interface InvocationIngest {

    /**
     * Hands one event to the events queue. Blocks while the queue is full (back-pressure); never drops.
     *
     * @throws IllegalArgumentException when {@code event} is null, or refused by the edge rules (function id length and
     *                                  charset, tenant and parameter bounds, timestamp too far ahead of the clock); a
     *                                  refused event is dead-lettered with its reason before this is thrown
     * @throws IllegalStateException    when the routes are not running
     */
    void ingest(InvocationEvent event);

    /** Counters since the routes started. */
    IngestStats stats();

    /** The folder the file route watches ({@code dropDir}), or null when file ingestion is off. */
    default java.nio.file.Path dropDirectory() {
        return null;
    }
}

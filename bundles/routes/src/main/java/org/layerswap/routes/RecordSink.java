package org.layerswap.routes;

/**
 * The pipeline entry of sources that deliver one event per record (the Kafka route): the same parsing, validation
 * ({@link EventValidator}) and dead-lettering as a line of a dropped file or an HTTP body, into the same events queue,
 * and the same commit wait the file route makes before {@code .done} and the HTTP route before its 200. Implemented by
 * {@link IngestRoutes}; the DS adapter publishes it inside the bundle only (the package is private).
 */
public interface RecordSink {

    /**
     * Parses {@code raw} as one JSON invocation event and queues it (blocking while the queue is full), or
     * dead-letters it under {@code source} and {@code position} with the reason.
     *
     * @param source     names the record's origin in a dead letter, e.g. {@code kafka:invocations/0}; the text before
     *                   the first ':' is the counter source of {@link org.layerswap.routes.api.IngestStats#bySource}
     * @param position   the record's position in its source (a Kafka offset)
     * @param raw        the record's value; null (a tombstone) is refused
     * @param functionId when not null, the event's function id must equal it (the record key)
     * @return null when the event was queued, else the reason it was dead-lettered
     * @throws IllegalStateException when the routes are not running (nothing was queued or dead-lettered)
     */
    String offer(String source, long position, String raw, String functionId);

    /**
     * Returns once every event queued so far (by any source) has been consumed (accepted by the profiler, or failed)
     * and persistence confirmed its commit.
     *
     * @throws IllegalStateException naming {@code what} and {@code consequence} when that is not confirmed within
     *                               {@code commitTimeoutSeconds}, or when an event failed delivery (the profiler, e.g.
     *                               the cluster, did not accept it) since the last call: the caller must not
     *                               acknowledge its records and reads them again
     */
    void awaitCommitted(String what, String consequence);
}

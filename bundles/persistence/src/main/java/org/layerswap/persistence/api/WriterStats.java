package org.layerswap.persistence.api;

/**
 * Counters of the asynchronous writer since start.
 *
 * @param accepted  rows queued
 * @param written   rows committed
 * @param dropped   rows refused because the queue stayed full past the offer timeout (or after close)
 * @param failed    rows the database rejected (logged with the reason)
 * @param batches   commits
 * @param queued    rows waiting now
 * @param lastError the latest write error, "" when none
 */
public record WriterStats(long accepted, long written, long dropped, long failed, long batches, int queued,
                          int queueCapacity, String lastError) {
}

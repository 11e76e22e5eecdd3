package org.layerswap.persistence.api;

import java.time.Duration;
import java.util.List;

import org.layerswap.api.PredictionScore;
import org.layerswap.api.SwapRecord;

/**
 * The appliance's durable store (an H2 database). Every {@code record*} method is asynchronous and
 * never blocks the caller for long: rows go to a bounded queue drained by one writer thread with JDBC
 * batch inserts. When the queue is full the call waits up to the configured offer timeout, then drops
 * the row, counts it in {@link WriterStats#dropped()} and returns {@code false}.
 * <p>
 * State ({@link #saveState}/{@link #loadState}) and queries are synchronous.
 */
public interface PersistenceService extends org.layerswap.api.StateStore {

    boolean recordInvocation(InvocationRow row);

    boolean recordPredictionSnapshot(PredictionScore score);

    boolean recordPrefetch(PrefetchRow row);

    boolean recordSwap(SwapRecord swap);

    boolean recordMetric(MetricRow row);

    boolean recordDeadLetter(DeadLetterRow row);

    boolean recordThresholdChange(ThresholdChangeRow row);

    /** Inserts or updates an experiment (by id). */
    boolean recordExperiment(ExperimentRow row);

    boolean recordExperimentResult(ExperimentResultRow row);

    /** Waits until every row accepted so far is committed; false on timeout. */
    boolean flush(Duration timeout);

    List<String> stateKeys();

    /**
     * Stores a function definition of the swap manager's catalog, replacing an earlier one of the same function
     * (synchronous, committed on return).
     */
    default void saveFunction(org.layerswap.api.FunctionDefinition definition) {
        throw new UnsupportedOperationException("this store keeps no function catalog");
    }

    /** Stores a data layer binding, replacing an earlier one of the same function, parameter and value (synchronous). */
    default void saveDataLayerBinding(org.layerswap.api.DataLayerBinding binding) {
        throw new UnsupportedOperationException("this store keeps no function catalog");
    }

    /**
     * Deletes the stored data layer binding of {@code functionId}'s {@code paramName=paramValue} (synchronous,
     * committed on return) so that a restart does not restore it; false when none was stored.
     */
    default boolean deleteDataLayerBinding(String functionId, String paramName, String paramValue) {
        throw new UnsupportedOperationException("this store keeps no function catalog");
    }

    /** Reads the stored catalog back; unreadable rows are skipped and listed in {@link FunctionCatalog#skipped()}. */
    default FunctionCatalog loadFunctionCatalog() {
        return new FunctionCatalog(List.of(), List.of(), List.of());
    }

    /** Most recently written first. {@code functionId} null means every function. */
    List<InvocationRow> recentInvocations(String functionId, int limit);

    List<DeadLetterRow> recentDeadLetters(int limit);

    /**
     * A history page: invocations with {@code id < beforeId}, most recently written first. Pass
     * {@code Long.MAX_VALUE} for the first page and the last row's id for the next.
     */
    List<InvocationRow> invocationsBefore(String functionId, long beforeId, int limit);

    /** A history page of dead letters with {@code id < beforeId}, most recent first. */
    List<DeadLetterRow> deadLettersBefore(long beforeId, int limit);

    List<SwapRecord> recentSwaps(int limit);

    List<PrefetchRow> recentPrefetches(int limit);

    List<ThresholdChangeRow> thresholdHistory(int limit);

    List<MetricRow> recentMetrics(String name, int limit);

    List<ExperimentRow> experiments();

    List<ExperimentResultRow> experimentResults(String experimentId);

    /** Row count of one table (see {@link Tables}). */
    long count(String table);

    /**
     * Deletes time-series rows (everything but experiments and state) older than {@code cutoffMillis}.
     * @return rows deleted
     */
    long purgeOlderThan(long cutoffMillis);

    /** Applies the configured retention (age and per-table row limits) now; returns rows deleted. */
    long applyRetention(long nowMillis);

    WriterStats stats();

    int schemaVersion();
}

package org.layerswap.persistence.jdbc;

import java.util.List;

import org.layerswap.api.SwapRecord;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.ExperimentResultRow;
import org.layerswap.persistence.api.ExperimentRow;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.MetricRow;
import org.layerswap.persistence.api.PrefetchRow;
import org.layerswap.persistence.api.Tables;
import org.layerswap.persistence.api.ThresholdChangeRow;
import org.layerswap.persistence.jdbc.rows.DeadLettersTable;
import org.layerswap.persistence.jdbc.rows.ExperimentResultsTable;
import org.layerswap.persistence.jdbc.rows.ExperimentsTable;
import org.layerswap.persistence.jdbc.rows.InvocationsTable;
import org.layerswap.persistence.jdbc.rows.MetricsTable;
import org.layerswap.persistence.jdbc.rows.PrefetchesTable;
import org.layerswap.persistence.jdbc.rows.SwapsTable;
import org.layerswap.persistence.jdbc.rows.ThresholdHistoryTable;

/**
 * The synchronous history reads: newest first (by row id, i.e. write order, unless stated), pages walk
 * backwards by id without gaps or overlaps. Every {@code limit} must be at least 1.
 */
final class HistoryQueries {

    private final Database db;
    private final InvocationsTable invocations = new InvocationsTable();
    private final DeadLettersTable deadLetters = new DeadLettersTable();
    private final SwapsTable swaps = new SwapsTable();
    private final PrefetchesTable prefetches = new PrefetchesTable();
    private final ThresholdHistoryTable thresholds = new ThresholdHistoryTable();
    private final MetricsTable metrics = new MetricsTable();
    private final ExperimentsTable experiments = new ExperimentsTable();
    private final ExperimentResultsTable experimentResults = new ExperimentResultsTable();

    HistoryQueries(Database db) {
        this.db = db;
    }

    /** Invocations with {@code id < beforeId}, newest first; {@code functionId} null means every function. */
    List<InvocationRow> invocationsBefore(String functionId, long beforeId, int limit) {
        if (functionId == null) {
            return db.query(invocations.selectSql() + " WHERE id < ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY", ps -> {
                ps.setLong(1, beforeId);
                ps.setInt(2, checkLimit(limit));
            }, invocations::map);
        }
        return db.query(invocations.selectSql() + " WHERE id < ? AND function_id = ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY", ps -> {
            ps.setLong(1, beforeId);
            ps.setString(2, functionId);
            ps.setInt(3, checkLimit(limit));
        }, invocations::map);
    }

    List<DeadLetterRow> deadLettersBefore(long beforeId, int limit) {
        return db.query(deadLetters.selectSql() + " WHERE id < ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY", ps -> {
            ps.setLong(1, beforeId);
            ps.setInt(2, checkLimit(limit));
        }, deadLetters::map);
    }

    List<SwapRecord> recentSwaps(int limit) {
        return newest(swaps.selectSql(), limit, swaps::map);
    }

    List<PrefetchRow> recentPrefetches(int limit) {
        return newest(prefetches.selectSql(), limit, prefetches::map);
    }

    List<ThresholdChangeRow> thresholdHistory(int limit) {
        return newest(thresholds.selectSql(), limit, thresholds::map);
    }

    /** Samples of one metric, newest timestamp first. */
    List<MetricRow> recentMetrics(String name, int limit) {
        return db.query(metrics.selectSql() + " WHERE name = ? ORDER BY ts DESC, id DESC FETCH FIRST ? ROWS ONLY", ps -> {
            ps.setString(1, name);
            ps.setInt(2, checkLimit(limit));
        }, metrics::map);
    }

    /** Every experiment, most recently started first. */
    List<ExperimentRow> experiments() {
        return db.query(experiments.selectSql() + " ORDER BY started_ts DESC", ps -> { }, experiments::map);
    }

    /** One experiment's results, newest timestamp first. */
    List<ExperimentResultRow> experimentResults(String experimentId) {
        return db.query(experimentResults.selectSql() + " WHERE experiment_id = ? ORDER BY ts DESC, id DESC",
                ps -> ps.setString(1, experimentId), experimentResults::map);
    }

    /**
     * Row count of one of {@link Tables#ALL}.
     *
     * @throws IllegalArgumentException naming the table and the known ones otherwise
     */
    long count(String table) {
        if (!Tables.ALL.contains(table)) {
            throw new IllegalArgumentException("unknown table '" + table + "'; known: " + Tables.ALL);
        }
        return db.query("SELECT COUNT(*) FROM " + table, ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    private <T> List<T> newest(String select, int limit, Database.Mapper<T> mapper) {
        return db.query(select + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY", ps -> ps.setInt(1, checkLimit(limit)), mapper);
    }

    private static int checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return limit;
    }
}

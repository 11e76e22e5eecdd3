package org.layerswap.persistence.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.SwapRecord;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.ExperimentResultRow;
import org.layerswap.persistence.api.ExperimentRow;
import org.layerswap.persistence.api.FunctionCatalog;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.MetricRow;
import org.layerswap.persistence.api.PersistenceException;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.persistence.api.PrefetchRow;
import org.layerswap.persistence.api.ThresholdChangeRow;
import org.layerswap.persistence.api.WriterStats;
import org.layerswap.persistence.jdbc.rows.DeadLettersTable;
import org.layerswap.persistence.jdbc.rows.ExperimentResultsTable;
import org.layerswap.persistence.jdbc.rows.ExperimentsTable;
import org.layerswap.persistence.jdbc.rows.InvocationsTable;
import org.layerswap.persistence.jdbc.rows.MetricsTable;
import org.layerswap.persistence.jdbc.rows.PredictionSnapshotsTable;
import org.layerswap.persistence.jdbc.rows.PrefetchesTable;
import org.layerswap.persistence.jdbc.rows.SwapsTable;
import org.layerswap.persistence.jdbc.rows.ThresholdHistoryTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PersistenceService} on H2 (plain Java: the DS component, tests and tools construct it directly).
 * Opening connects, migrates and starts the writer thread; {@link #close()} drains the queue and closes
 * the database.
 * <p>
 * Assembled from collaborators, each with its own test: {@link Database} (pool, migration, synchronous
 * statements), {@link BatchWriter} (the asynchronous {@code record*} path), one
 * {@link org.layerswap.persistence.jdbc.rows.RowBinding} per table, {@link ModelStateStore},
 * {@link CatalogStore}, {@link HistoryQueries} and {@link Retention}.
 */
public final class H2PersistenceService implements PersistenceService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2PersistenceService.class);

    private final PersistenceSettings settings;
    private final Database db;
    private final BatchWriter writer;
    private final ModelStateStore state;
    private final CatalogStore catalog;
    private final HistoryQueries queries;
    private final Retention retention;

    // the bindings of the asynchronously written tables; the writer batches rows per binding
    private final InvocationsTable invocations = new InvocationsTable();
    private final PredictionSnapshotsTable snapshots = new PredictionSnapshotsTable();
    private final PrefetchesTable prefetches = new PrefetchesTable();
    private final SwapsTable swaps = new SwapsTable();
    private final MetricsTable metrics = new MetricsTable();
    private final DeadLettersTable deadLetters = new DeadLettersTable();
    private final ThresholdHistoryTable thresholds = new ThresholdHistoryTable();
    private final ExperimentsTable experiments = new ExperimentsTable();
    private final ExperimentResultsTable experimentResults = new ExperimentResultsTable();

    private H2PersistenceService(PersistenceSettings settings, Database db) {
        this.settings = settings;
        this.db = db;
        this.writer = new BatchWriter(db, settings);
        this.state = new ModelStateStore(db, System::currentTimeMillis);
        this.catalog = new CatalogStore(db, System::currentTimeMillis);
        this.queries = new HistoryQueries(db);
        this.retention = new Retention(db, settings.retentionDays(), settings.retentionMaxRows());
    }

    /**
     * Opens (creating if needed) and migrates the database.
     *
     * @throws PersistenceException naming the redacted URL when it cannot be opened or migrated
     */
    public static H2PersistenceService open(PersistenceSettings settings) {
        return new H2PersistenceService(settings, Database.open(settings));
    }

    public PersistenceSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- asynchronous writes

    @Override
    public boolean recordInvocation(InvocationRow row) {
        return writer.offer(invocations, row);
    }

    @Override
    public boolean recordPredictionSnapshot(PredictionScore score) {
        return writer.offer(snapshots, score);
    }

    @Override
    public boolean recordPrefetch(PrefetchRow row) {
        return writer.offer(prefetches, row);
    }

    @Override
    public boolean recordSwap(SwapRecord swap) {
        return writer.offer(swaps, swap);
    }

    @Override
    public boolean recordMetric(MetricRow row) {
        return writer.offer(metrics, row);
    }

    @Override
    public boolean recordDeadLetter(DeadLetterRow row) {
        return writer.offer(deadLetters, row);
    }

    @Override
    public boolean recordThresholdChange(ThresholdChangeRow row) {
        return writer.offer(thresholds, row);
    }

    @Override
    public boolean recordExperiment(ExperimentRow row) {
        return writer.offer(experiments, row);
    }

    @Override
    public boolean recordExperimentResult(ExperimentResultRow row) {
        return writer.offer(experimentResults, row);
    }

    @Override
    public boolean flush(Duration timeout) {
        return writer.flush(timeout);
    }

    // ---------------------------------------------------------------- state and catalog (synchronous)

    @Override
    public void saveState(String key, byte[] value) {
        state.saveState(key, value);
    }

    @Override
    public Optional<byte[]> loadState(String key) {
        return state.loadState(key);
    }

    @Override
    public List<String> stateKeys() {
        return state.stateKeys();
    }

    @Override
    public void saveFunction(FunctionDefinition d) {
        catalog.saveFunction(d);
    }

    @Override
    public void saveDataLayerBinding(DataLayerBinding b) {
        catalog.saveDataLayerBinding(b);
    }

    @Override
    public boolean deleteDataLayerBinding(String functionId, String paramName, String paramValue) {
        return catalog.deleteDataLayerBinding(functionId, paramName, paramValue);
    }

    @Override
    public FunctionCatalog loadFunctionCatalog() {
        return catalog.load();
    }

    // ---------------------------------------------------------------- queries

    @Override
    public List<InvocationRow> recentInvocations(String functionId, int limit) {
        return queries.invocationsBefore(functionId, Long.MAX_VALUE, limit);
    }

    @Override
    public List<InvocationRow> invocationsBefore(String functionId, long beforeId, int limit) {
        return queries.invocationsBefore(functionId, beforeId, limit);
    }

    @Override
    public List<DeadLetterRow> recentDeadLetters(int limit) {
        return queries.deadLettersBefore(Long.MAX_VALUE, limit);
    }

    @Override
    public List<DeadLetterRow> deadLettersBefore(long beforeId, int limit) {
        return queries.deadLettersBefore(beforeId, limit);
    }

    @Override
    public List<SwapRecord> recentSwaps(int limit) {
        return queries.recentSwaps(limit);
    }

    @Override
    public List<PrefetchRow> recentPrefetches(int limit) {
        return queries.recentPrefetches(limit);
    }

    @Override
    public List<ThresholdChangeRow> thresholdHistory(int limit) {
        return queries.thresholdHistory(limit);
    }

    @Override
    public List<MetricRow> recentMetrics(String name, int limit) {
        return queries.recentMetrics(name, limit);
    }

    @Override
    public List<ExperimentRow> experiments() {
        return queries.experiments();
    }

    @Override
    public List<ExperimentResultRow> experimentResults(String experimentId) {
        return queries.experimentResults(experimentId);
    }

    @Override
    public long count(String table) {
        return queries.count(table);
    }

    @Override
    public int schemaVersion() {
        return db.schemaVersion();
    }

    // ---------------------------------------------------------------- retention

    @Override
    public long purgeOlderThan(long cutoffMillis) {
        return retention.purgeOlderThan(cutoffMillis);
    }

    @Override
    public long applyRetention(long nowMillis) {
        return retention.apply(nowMillis);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public WriterStats stats() {
        return writer.stats();
    }

    /** Stops accepting rows, writes what is queued (waiting up to 60 s), and closes the database. */
    @Override
    public void close() {
        writer.close();
        db.close();
        LOG.info("Database {} closed: {}", db.safeUrl(), stats());
    }
}

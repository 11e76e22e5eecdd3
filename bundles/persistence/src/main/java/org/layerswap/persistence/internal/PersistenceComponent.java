package org.layerswap.persistence.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.PredictionScore;
import org.layerswap.api.SwapRecord;
import org.layerswap.api.config.DataPaths;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.ExperimentResultRow;
import org.layerswap.persistence.api.ExperimentRow;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.MetricRow;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.persistence.api.PrefetchRow;
import org.layerswap.persistence.api.ThresholdChangeRow;
import org.layerswap.persistence.api.WriterStats;
import org.layerswap.persistence.jdbc.H2PersistenceService;
import org.layerswap.persistence.jdbc.PersistenceSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the H2 store as a {@link PersistenceService}. A configuration change re-creates the component
 * (no @Modified): the old database is drained and closed before the new one opens.
 */
@Component(service = {PersistenceService.class, org.layerswap.api.StateStore.class}, configurationPid = "org.layerswap.persistence",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = PersistenceComponent.Config.class)
public final class PersistenceComponent implements PersistenceService {

    private static final Logger LOG = LoggerFactory.getLogger(PersistenceComponent.class);

    @ObjectClassDefinition(name = "LayerSwap persistence", description = "H2 database for history, experiments and state")
    public @interface Config {
        @AttributeDefinition(description = "JDBC URL (H2); empty means jdbc:h2:file:${karaf.data}/layerswap/layerswap;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0")
        String jdbcUrl() default "";

        @AttributeDefinition(description = "Database user")
        String user() default "sa";

        @AttributeDefinition(name = ".password", description = "Database password (never logged)", type = AttributeType.PASSWORD)
        String _password() default "";

        @AttributeDefinition(description = "Most rows per JDBC batch/commit")
        int batchSize() default 1000;

        @AttributeDefinition(description = "Longest a row waits for its batch to fill, milliseconds")
        long flushIntervalMillis() default 200;

        @AttributeDefinition(description = "Rows the write queue holds before callers wait")
        int queueCapacity() default 100000;

        @AttributeDefinition(description = "How long a caller waits for room in a full queue before the row is dropped (counted), ms")
        long offerTimeoutMillis() default 2000;

        @AttributeDefinition(description = "Delete time-series rows older than this many days (0 keeps them)")
        int retentionDays() default 30;

        @AttributeDefinition(description = "Keep at most this many rows per time-series table (0: no limit)")
        long retentionMaxRows() default 10000000;

        @AttributeDefinition(description = "How often retention runs, minutes (0 disables)")
        long retentionIntervalMinutes() default 60;
    }

    private H2PersistenceService store;
    private ScheduledExecutorService retention;

    @Activate
    void activate(Config c) {
        String url = c.jdbcUrl() == null || c.jdbcUrl().isBlank() ? PersistenceSettings.defaultUrl(DataPaths.dataDir()) : c.jdbcUrl().trim();
        PersistenceSettings s = new PersistenceSettings(url, c.user(), c._password(), c.batchSize(), c.flushIntervalMillis(),
                c.queueCapacity(), c.offerTimeoutMillis(), c.retentionDays(), c.retentionMaxRows());
        store = H2PersistenceService.open(s);
        if (c.retentionIntervalMinutes() > 0) {
            retention = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "layerswap-persistence-retention");
                t.setDaemon(true);
                return t;
            });
            retention.scheduleWithFixedDelay(this::runRetention, 1, c.retentionIntervalMinutes(), TimeUnit.MINUTES);
        }
        LOG.info("Persistence active: {}", s);
    }

    @Deactivate
    void deactivate() {
        if (retention != null) {
            retention.shutdownNow();
        }
        if (store != null) {
            store.close();
        }
    }

    private void runRetention() {
        try {
            store.applyRetention(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("Retention failed: {}", e.getMessage());
        }
    }

    @Override
    public boolean recordInvocation(InvocationRow row) {
        return store.recordInvocation(row);
    }

    @Override
    public boolean recordPredictionSnapshot(PredictionScore score) {
        return store.recordPredictionSnapshot(score);
    }

    @Override
    public boolean recordPrefetch(PrefetchRow row) {
        return store.recordPrefetch(row);
    }

    @Override
    public boolean recordSwap(SwapRecord swap) {
        return store.recordSwap(swap);
    }

    @Override
    public boolean recordMetric(MetricRow row) {
        return store.recordMetric(row);
    }

    @Override
    public boolean recordDeadLetter(DeadLetterRow row) {
        return store.recordDeadLetter(row);
    }

    @Override
    public boolean recordThresholdChange(ThresholdChangeRow row) {
        return store.recordThresholdChange(row);
    }

    @Override
    public boolean recordExperiment(ExperimentRow row) {
        return store.recordExperiment(row);
    }

    @Override
    public boolean recordExperimentResult(ExperimentResultRow row) {
        return store.recordExperimentResult(row);
    }

    @Override
    public boolean flush(Duration timeout) {
        return store.flush(timeout);
    }

    @Override
    public void saveState(String key, byte[] value) {
        store.saveState(key, value);
    }

    @Override
    public Optional<byte[]> loadState(String key) {
        return store.loadState(key);
    }

    @Override
    public List<String> stateKeys() {
        return store.stateKeys();
    }

    @Override
    public List<InvocationRow> recentInvocations(String functionId, int limit) {
        return store.recentInvocations(functionId, limit);
    }

    @Override
    public List<DeadLetterRow> recentDeadLetters(int limit) {
        return store.recentDeadLetters(limit);
    }

    @Override
    public List<InvocationRow> invocationsBefore(String functionId, long beforeId, int limit) {
        return store.invocationsBefore(functionId, beforeId, limit);
    }

    @Override
    public List<DeadLetterRow> deadLettersBefore(long beforeId, int limit) {
        return store.deadLettersBefore(beforeId, limit);
    }

    @Override
    public List<SwapRecord> recentSwaps(int limit) {
        return store.recentSwaps(limit);
    }

    @Override
    public List<PrefetchRow> recentPrefetches(int limit) {
        return store.recentPrefetches(limit);
    }

    @Override
    public List<ThresholdChangeRow> thresholdHistory(int limit) {
        return store.thresholdHistory(limit);
    }

    @Override
    public List<MetricRow> recentMetrics(String name, int limit) {
        return store.recentMetrics(name, limit);
    }

    @Override
    public List<ExperimentRow> experiments() {
        return store.experiments();
    }

    @Override
    public List<ExperimentResultRow> experimentResults(String experimentId) {
        return store.experimentResults(experimentId);
    }

    @Override
    public long count(String table) {
        return store.count(table);
    }

    @Override
    public long purgeOlderThan(long cutoffMillis) {
        return store.purgeOlderThan(cutoffMillis);
    }

    @Override
    public long applyRetention(long nowMillis) {
        return store.applyRetention(nowMillis);
    }

    @Override
    public WriterStats stats() {
        return store.stats();
    }

    @Override
    public int schemaVersion() {
        return store.schemaVersion();
    }

    @Override
    public void saveFunction(org.layerswap.api.FunctionDefinition definition) {
        store.saveFunction(definition);
    }

    @Override
    public void saveDataLayerBinding(org.layerswap.api.DataLayerBinding binding) {
        store.saveDataLayerBinding(binding);
    }

    @Override
    public boolean deleteDataLayerBinding(String functionId, String paramName, String paramValue) {
        return store.deleteDataLayerBinding(functionId, paramName, paramValue);
    }

    @Override
    public org.layerswap.persistence.api.FunctionCatalog loadFunctionCatalog() {
        return store.loadFunctionCatalog();
    }
}

package org.layerswap.persistence.jdbc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.h2.jdbcx.JdbcConnectionPool;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
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
import org.layerswap.persistence.api.Tables;
import org.layerswap.persistence.api.ThresholdChangeRow;
import org.layerswap.persistence.api.WriterStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PersistenceService} on H2 (plain Java: the DS component, tests and tools construct it directly).
 * Opening connects, migrates and starts the writer thread; {@link #close()} drains the queue and closes
 * the database.
 */
public final class H2PersistenceService implements PersistenceService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2PersistenceService.class);
    private static final int DELETE_CHUNK = 50_000;

    /** Row kinds in a batch, in the order they are written. */
    private enum Kind {
        INVOCATION("INSERT INTO invocations (ts, function_id, tenant, params, arm, layer_wait_us, execution_us, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        SNAPSHOT("INSERT INTO prediction_snapshots (ts, layer_digest, score) VALUES (?, ?, ?)"),
        PREFETCH("INSERT INTO prefetches (ts, function_id, layer_digest, bytes, score, threshold, used) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        SWAP("INSERT INTO swaps (swap_id, ts, function_id, from_layers, to_layers, mode, outcome, duration_us, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        METRIC("INSERT INTO metrics (ts, name, function_id, arm, metric_value) VALUES (?, ?, ?, ?, ?)"),
        DEAD_LETTER("INSERT INTO dead_letters (ts, source, line_no, payload, reason) VALUES (?, ?, ?, ?, ?)"),
        THRESHOLD("INSERT INTO threshold_history (ts, parameter, old_value, new_value, objective_before, objective_after, reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        EXPERIMENT("MERGE INTO experiments (id, name, assignment_mode, treatment_share, started_ts, stopped_ts, status, settings) KEY (id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        EXPERIMENT_RESULT("INSERT INTO experiment_results (experiment_id, ts, verdict, report) VALUES (?, ?, ?, ?)");

        final String sql;

        Kind(String sql) {
            this.sql = sql;
        }
    }

    private record Op(Kind kind, Object row) {
    }

    private record FlushMarker(CountDownLatch done) {
    }

    private final PersistenceSettings settings;
    private final String safeUrl;
    private final JdbcConnectionPool pool;
    private final int schemaVersion;
    private final BlockingQueue<Object> queue;
    private final Thread writer;
    private volatile boolean closing;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile String lastError = "";
    private volatile long lastDropLogMillis;

    private H2PersistenceService(PersistenceSettings settings, JdbcConnectionPool pool, int schemaVersion) {
        this.settings = settings;
        this.safeUrl = settings.safeUrl();
        this.pool = pool;
        this.schemaVersion = schemaVersion;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.writer = new Thread(this::writeLoop, "layerswap-persistence-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Opens (creating if needed) and migrates the database.
     *
     * @throws PersistenceException naming the redacted URL when it cannot be opened or migrated
     */
    public static H2PersistenceService open(PersistenceSettings settings) {
        String safe = settings.safeUrl();
        JdbcUrls.checkH2(settings.jdbcUrl(), settings.password());
        JdbcConnectionPool pool;
        try {
            pool = JdbcConnectionPool.create(settings.jdbcUrl(), settings.user(), settings.password());
            pool.setMaxConnections(8);
        } catch (RuntimeException e) {
            throw new PersistenceException("cannot open database " + safe + ": " + JdbcUrls.redact(e.getMessage(), settings.password()));
        }
        try (Connection c = pool.getConnection()) {
            int applied = Migrator.bundled().migrate(c, safe);
            int version = Migrator.currentVersion(c);
            LOG.info("Database {} open at schema version {} ({} migration(s) applied)", safe, version, applied);
            return new H2PersistenceService(settings, pool, version);
        } catch (SQLException e) {
            pool.dispose();
            throw new PersistenceException("cannot open database " + safe + " as user '" + settings.user() + "': "
                    + JdbcUrls.redact(e.getMessage(), settings.password()));
        } catch (RuntimeException e) {
            pool.dispose();
            throw e instanceof PersistenceException pe ? pe
                    : new PersistenceException("cannot open database " + safe + ": " + JdbcUrls.redact(e.toString(), settings.password()));
        }
    }

    public PersistenceSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- asynchronous writes

    @Override
    public boolean recordInvocation(InvocationRow row) {
        return enqueue(Kind.INVOCATION, row);
    }

    @Override
    public boolean recordPredictionSnapshot(PredictionScore score) {
        return enqueue(Kind.SNAPSHOT, score);
    }

    @Override
    public boolean recordPrefetch(PrefetchRow row) {
        return enqueue(Kind.PREFETCH, row);
    }

    @Override
    public boolean recordSwap(SwapRecord swap) {
        return enqueue(Kind.SWAP, swap);
    }

    @Override
    public boolean recordMetric(MetricRow row) {
        return enqueue(Kind.METRIC, row);
    }

    @Override
    public boolean recordDeadLetter(DeadLetterRow row) {
        return enqueue(Kind.DEAD_LETTER, row);
    }

    @Override
    public boolean recordThresholdChange(ThresholdChangeRow row) {
        return enqueue(Kind.THRESHOLD, row);
    }

    @Override
    public boolean recordExperiment(ExperimentRow row) {
        return enqueue(Kind.EXPERIMENT, row);
    }

    @Override
    public boolean recordExperimentResult(ExperimentResultRow row) {
        return enqueue(Kind.EXPERIMENT_RESULT, row);
    }

    private boolean enqueue(Kind kind, Object row) {
        if (row == null) {
            throw new IllegalArgumentException("null " + kind.name().toLowerCase() + " row");
        }
        Op op = new Op(kind, row);
        boolean ok = false;
        if (!closing && writer.isAlive()) {
            try {
                ok = queue.offer(op) || queue.offer(op, settings.offerTimeoutMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ok) {
            accepted.incrementAndGet();
            return true;
        }
        long d = dropped.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastDropLogMillis > 10_000) {
            lastDropLogMillis = now;
            LOG.warn("Persistence write queue {} ({} of {} rows, offer timeout {} ms): dropped {} row(s) so far",
                    closing ? "is closed" : !writer.isAlive() ? "has no writer (" + lastError + ")" : "stayed full",
                    queue.size(), settings.queueCapacity(), settings.offerTimeoutMillis(), d);
        }
        return false;
    }

    @Override
    public boolean flush(Duration timeout) {
        if (!writer.isAlive()) {
            return queue.isEmpty();
        }
        CountDownLatch done = new CountDownLatch(1);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!queue.offer(new FlushMarker(done), timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>(settings.batchSize());
        Connection c = null;
        try {
            c = pool.getConnection();
            c.setAutoCommit(false);
            while (!(closing && queue.isEmpty())) {
                Object first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.flushIntervalMillis());
                while (batch.size() < settings.batchSize() && !(first instanceof FlushMarker)) {
                    int n = queue.drainTo(batch, settings.batchSize() - batch.size());
                    if (batch.get(batch.size() - 1) instanceof FlushMarker || batch.size() >= settings.batchSize()) {
                        break;
                    }
                    if (n == 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0 || closing) {
                            break;
                        }
                        Object next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
                        if (next != null) {
                            batch.add(next);
                            if (next instanceof FlushMarker) {
                                break;
                            }
                        }
                    }
                }
                c = writeBatch(c, batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            lastError = JdbcUrls.redact(e.getMessage(), settings.password());
            LOG.error("Persistence writer for {} stopped: {}", safeUrl, lastError);
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            for (Object o : batch) {
                if (o instanceof FlushMarker f) {
                    f.done().countDown();
                }
            }
        }
    }

    private Connection writeBatch(Connection c, List<Object> batch) throws SQLException {
        Map<Kind, List<Object>> byKind = new EnumMap<>(Kind.class);
        List<FlushMarker> markers = new ArrayList<>();
        for (Object o : batch) {
            if (o instanceof Op op) {
                byKind.computeIfAbsent(op.kind(), k -> new ArrayList<>()).add(op.row());
            } else if (o instanceof FlushMarker f) {
                markers.add(f);
            }
        }
        try {
            int rows = 0;
            for (Map.Entry<Kind, List<Object>> e : byKind.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement(e.getKey().sql)) {
                    for (Object row : e.getValue()) {
                        bind(e.getKey(), ps, row);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                rows += e.getValue().size();
            }
            c.commit();
            written.addAndGet(rows);
            batches.incrementAndGet();
        } catch (SQLException e) {
            c.rollback();
            lastError = JdbcUrls.redact(e.getMessage(), settings.password());
            LOG.warn("Batch write to {} failed ({}); retrying its rows one by one", safeUrl, lastError);
            writeOneByOne(c, byKind);
        } finally {
            markers.forEach(m -> m.done().countDown());
        }
        return c;
    }

    private void writeOneByOne(Connection c, Map<Kind, List<Object>> byKind) throws SQLException {
        for (Map.Entry<Kind, List<Object>> e : byKind.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement(e.getKey().sql)) {
                for (Object row : e.getValue()) {
                    try {
                        bind(e.getKey(), ps, row);
                        ps.executeUpdate();
                        c.commit();
                        written.incrementAndGet();
                    } catch (SQLException | RuntimeException bad) {
                        c.rollback();
                        failed.incrementAndGet();
                        lastError = JdbcUrls.redact(bad.getMessage(), settings.password());
                        LOG.error("Cannot store {} row {}: {}", e.getKey().name().toLowerCase(), row, lastError);
                    }
                }
            }
        }
        batches.incrementAndGet();
    }

    private static void bind(Kind kind, PreparedStatement ps, Object o) throws SQLException {
        switch (kind) {
            case INVOCATION -> {
                InvocationRow r = (InvocationRow) o;
                ps.setLong(1, r.timestampMillis());
                ps.setString(2, r.functionId());
                ps.setString(3, r.tenant());
                ps.setString(4, encodeParams(r.params()));
                ps.setString(5, r.arm().name());
                setLong(ps, 6, r.layerWaitMicros());
                setLong(ps, 7, r.executionMicros());
                if (r.error() == null) {
                    ps.setNull(8, Types.BOOLEAN);
                } else {
                    ps.setBoolean(8, r.error());
                }
            }
            case SNAPSHOT -> {
                PredictionScore s = (PredictionScore) o;
                ps.setLong(1, s.timestampMillis());
                ps.setString(2, s.layerId().digest());
                ps.setDouble(3, s.score());
            }
            case PREFETCH -> {
                PrefetchRow r = (PrefetchRow) o;
                ps.setLong(1, r.timestampMillis());
                ps.setString(2, r.functionId());
                ps.setString(3, r.layerDigest());
                ps.setLong(4, r.bytes());
                ps.setDouble(5, r.score());
                ps.setDouble(6, r.threshold());
                if (r.used() == null) {
                    ps.setNull(7, Types.BOOLEAN);
                } else {
                    ps.setBoolean(7, r.used());
                }
            }
            case SWAP -> {
                SwapRecord s = (SwapRecord) o;
                ps.setLong(1, s.id());
                ps.setLong(2, s.startedMillis());
                ps.setString(3, s.functionId());
                ps.setString(4, joinLayers(s.fromLayers()));
                ps.setString(5, joinLayers(s.toLayers()));
                ps.setString(6, s.mode().name());
                ps.setString(7, s.outcome().name());
                ps.setLong(8, s.durationMicros());
                ps.setString(9, truncate(s.detail(), 4096));
            }
            case METRIC -> {
                MetricRow r = (MetricRow) o;
                ps.setLong(1, r.timestampMillis());
                ps.setString(2, r.name());
                ps.setString(3, r.functionId());
                ps.setString(4, r.arm().name());
                ps.setDouble(5, r.value());
            }
            case DEAD_LETTER -> {
                DeadLetterRow r = (DeadLetterRow) o;
                ps.setLong(1, r.timestampMillis());
                ps.setString(2, truncate(r.source(), 1024));
                ps.setLong(3, r.lineNo());
                ps.setString(4, truncate(r.payload(), 8000));
                ps.setString(5, truncate(r.reason(), 2048));
            }
            case THRESHOLD -> {
                ThresholdChangeRow r = (ThresholdChangeRow) o;
                ps.setLong(1, r.timestampMillis());
                ps.setString(2, r.parameter());
                ps.setDouble(3, r.oldValue());
                ps.setDouble(4, r.newValue());
                setDouble(ps, 5, r.objectiveBefore());
                setDouble(ps, 6, r.objectiveAfter());
                ps.setString(7, truncate(r.reason(), 1024));
                ps.setString(8, r.evidence());
            }
            case EXPERIMENT -> {
                ExperimentRow r = (ExperimentRow) o;
                ps.setString(1, r.id());
                ps.setString(2, r.name());
                ps.setString(3, r.assignmentMode());
                ps.setDouble(4, r.treatmentShare());
                ps.setLong(5, r.startedMillis());
                ps.setLong(6, r.stoppedMillis());
                ps.setString(7, r.status());
                ps.setString(8, r.settings());
            }
            case EXPERIMENT_RESULT -> {
                ExperimentResultRow r = (ExperimentResultRow) o;
                ps.setString(1, r.experimentId());
                ps.setLong(2, r.timestampMillis());
                ps.setString(3, r.verdict());
                ps.setString(4, r.report());
            }
            default -> throw new IllegalStateException("unknown row kind " + kind);
        }
    }

    // ---------------------------------------------------------------- state

    @Override
    public void saveState(String key, byte[] value) {
        checkKey(key);
        if (value == null) {
            throw new IllegalArgumentException("null state value for key " + key);
        }
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("MERGE INTO model_state (state_key, state_value, updated_ts) KEY (state_key) VALUES (?, ?, ?)")) {
            ps.setString(1, key);
            ps.setBytes(2, value);
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("save state '" + key + "'", e);
        }
    }

    @Override
    public Optional<byte[]> loadState(String key) {
        checkKey(key);
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT state_value FROM model_state WHERE state_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("load state '" + key + "'", e);
        }
    }

    @Override
    public List<String> stateKeys() {
        return query("SELECT state_key FROM model_state ORDER BY state_key", ps -> { }, rs -> rs.getString(1));
    }

    private static void checkKey(String key) {
        if (key == null || key.isBlank() || key.length() > 256) {
            throw new IllegalArgumentException("state key must be 1..256 characters, was " + (key == null ? "null" : "'" + key + "'"));
        }
    }

    // ---------------------------------------------------------------- function catalog

    @Override
    public void saveFunction(FunctionDefinition d) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("MERGE INTO function_catalog (function_id, image_reference, repository, layers, "
                     + "config, updated_ts) KEY (function_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, d.functionId());
            ps.setString(2, d.imageReference());
            ps.setString(3, d.repository());
            ps.setString(4, CatalogCodec.encodeLayers(d.layers()));
            ps.setString(5, CatalogCodec.encodeConfig(d.config()));
            ps.setLong(6, System.currentTimeMillis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("save the definition of function '" + d.functionId() + "'", e);
        }
    }

    @Override
    public void saveDataLayerBinding(DataLayerBinding b) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("MERGE INTO data_layer_bindings (function_id, param_name, param_value, reference, "
                     + "repository, layers, updated_ts) KEY (function_id, param_name, param_value) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, b.functionId());
            ps.setString(2, b.paramName());
            ps.setString(3, b.paramValue());
            ps.setString(4, b.reference());
            ps.setString(5, b.repository());
            ps.setString(6, CatalogCodec.encodeLayers(b.layers()));
            ps.setLong(7, System.currentTimeMillis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("save the data layer binding " + b.paramName() + "=" + b.paramValue() + " of function '" + b.functionId() + "'", e);
        }
    }

    @Override
    public FunctionCatalog loadFunctionCatalog() {
        List<FunctionDefinition> functions = new ArrayList<>();
        List<DataLayerBinding> bindings = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (Connection c = pool.getConnection(); java.sql.Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT function_id, image_reference, repository, layers, config FROM function_catalog "
                    + "ORDER BY function_id")) {
                while (rs.next()) {
                    String fn = rs.getString(1);
                    try {
                        functions.add(new FunctionDefinition(fn, rs.getString(2), rs.getString(3),
                                CatalogCodec.decodeLayers(rs.getString(4)), CatalogCodec.decodeConfig(rs.getString(5))));
                    } catch (RuntimeException e) {
                        skipped.add("function_catalog row '" + fn + "': " + e.getMessage());
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT function_id, param_name, param_value, reference, repository, layers "
                    + "FROM data_layer_bindings ORDER BY function_id, param_name, param_value")) {
                while (rs.next()) {
                    String row = rs.getString(1) + " " + rs.getString(2) + "=" + rs.getString(3);
                    try {
                        bindings.add(new DataLayerBinding(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), CatalogCodec.decodeLayers(rs.getString(6))));
                    } catch (RuntimeException e) {
                        skipped.add("data_layer_bindings row '" + row + "': " + e.getMessage());
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("load the function catalog", e);
        }
        return new FunctionCatalog(functions, bindings, skipped);
    }

    // ---------------------------------------------------------------- queries

    @Override
    public List<InvocationRow> recentInvocations(String functionId, int limit) {
        return invocationsBefore(functionId, Long.MAX_VALUE, limit);
    }

    @Override
    public List<InvocationRow> invocationsBefore(String functionId, long beforeId, int limit) {
        String cols = "SELECT id, function_id, ts, tenant, params, arm, layer_wait_us, execution_us, error FROM invocations ";
        RowMapper<InvocationRow> m = rs -> new InvocationRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                decodeParams(rs.getString(5)), ExperimentArm.valueOf(rs.getString(6)), getLong(rs, 7), getLong(rs, 8),
                getBoolean(rs, 9));
        if (functionId == null) {
            return query(cols + "WHERE id < ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY", ps -> {
                ps.setLong(1, beforeId);
                ps.setInt(2, checkLimit(limit));
            }, m);
        }
        return query(cols + "WHERE id < ? AND function_id = ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY", ps -> {
            ps.setLong(1, beforeId);
            ps.setString(2, functionId);
            ps.setInt(3, checkLimit(limit));
        }, m);
    }

    @Override
    public List<DeadLetterRow> recentDeadLetters(int limit) {
        return deadLettersBefore(Long.MAX_VALUE, limit);
    }

    @Override
    public List<DeadLetterRow> deadLettersBefore(long beforeId, int limit) {
        return query("SELECT id, ts, source, line_no, payload, reason FROM dead_letters WHERE id < ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY",
                ps -> {
                    ps.setLong(1, beforeId);
                    ps.setInt(2, checkLimit(limit));
                },
                rs -> new DeadLetterRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getString(6)));
    }

    @Override
    public List<SwapRecord> recentSwaps(int limit) {
        return query("SELECT swap_id, function_id, from_layers, to_layers, mode, outcome, ts, duration_us, detail FROM swaps "
                        + "ORDER BY id DESC FETCH FIRST ? ROWS ONLY", ps -> ps.setInt(1, checkLimit(limit)),
                rs -> new SwapRecord(rs.getLong(1), rs.getString(2), splitLayers(rs.getString(3)), splitLayers(rs.getString(4)),
                        SwapMode.valueOf(rs.getString(5)), SwapOutcome.valueOf(rs.getString(6)), rs.getLong(7), rs.getLong(8),
                        rs.getString(9)));
    }

    @Override
    public List<PrefetchRow> recentPrefetches(int limit) {
        return query("SELECT id, ts, function_id, layer_digest, bytes, score, threshold, used FROM prefetches ORDER BY id DESC FETCH FIRST ? ROWS ONLY",
                ps -> ps.setInt(1, checkLimit(limit)),
                rs -> new PrefetchRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getDouble(6), rs.getDouble(7), getBoolean(rs, 8)));
    }

    @Override
    public List<ThresholdChangeRow> thresholdHistory(int limit) {
        return query("SELECT id, ts, parameter, old_value, new_value, objective_before, objective_after, reason, evidence "
                        + "FROM threshold_history ORDER BY id DESC FETCH FIRST ? ROWS ONLY", ps -> ps.setInt(1, checkLimit(limit)),
                rs -> new ThresholdChangeRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getDouble(4), rs.getDouble(5),
                        getDouble(rs, 6), getDouble(rs, 7), rs.getString(8), rs.getString(9)));
    }

    @Override
    public List<MetricRow> recentMetrics(String name, int limit) {
        return query("SELECT id, ts, name, function_id, arm, metric_value FROM metrics WHERE name = ? ORDER BY ts DESC, id DESC FETCH FIRST ? ROWS ONLY",
                ps -> {
                    ps.setString(1, name);
                    ps.setInt(2, checkLimit(limit));
                },
                rs -> new MetricRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        ExperimentArm.valueOf(rs.getString(5)), rs.getDouble(6)));
    }

    @Override
    public List<ExperimentRow> experiments() {
        return query("SELECT id, name, assignment_mode, treatment_share, started_ts, stopped_ts, status, settings FROM experiments ORDER BY started_ts DESC",
                ps -> { },
                rs -> new ExperimentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getLong(5),
                        rs.getLong(6), rs.getString(7), rs.getString(8)));
    }

    @Override
    public List<ExperimentResultRow> experimentResults(String experimentId) {
        return query("SELECT id, experiment_id, ts, verdict, report FROM experiment_results WHERE experiment_id = ? ORDER BY ts DESC, id DESC",
                ps -> ps.setString(1, experimentId),
                rs -> new ExperimentResultRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
    }

    @Override
    public long count(String table) {
        if (!Tables.ALL.contains(table)) {
            throw new IllegalArgumentException("unknown table '" + table + "'; known: " + Tables.ALL);
        }
        return query("SELECT COUNT(*) FROM " + table, ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    // ---------------------------------------------------------------- retention

    @Override
    public long purgeOlderThan(long cutoffMillis) {
        long total = 0;
        for (String t : Tables.TIME_SERIES) {
            total += deleteChunked("DELETE FROM " + t + " WHERE ts < ? FETCH FIRST " + DELETE_CHUNK + " ROWS ONLY", cutoffMillis);
        }
        return total;
    }

    @Override
    public long applyRetention(long nowMillis) {
        long deleted = 0;
        if (settings.retentionDays() > 0) {
            deleted += purgeOlderThan(nowMillis - TimeUnit.DAYS.toMillis(settings.retentionDays()));
        }
        if (settings.retentionMaxRows() > 0) {
            for (String t : Tables.TIME_SERIES) {
                List<Long> cut = query("SELECT id FROM " + t + " ORDER BY id DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY",
                        ps -> ps.setLong(1, settings.retentionMaxRows()), rs -> rs.getLong(1));
                if (!cut.isEmpty()) {
                    deleted += deleteChunked("DELETE FROM " + t + " WHERE id <= ? FETCH FIRST " + DELETE_CHUNK + " ROWS ONLY", cut.get(0));
                }
            }
        }
        if (deleted > 0) {
            LOG.info("Retention removed {} row(s) from {}", deleted, safeUrl);
        }
        return deleted;
    }

    private long deleteChunked(String sql, long bound) {
        long total = 0;
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int n;
            do {
                ps.setLong(1, bound);
                n = ps.executeUpdate();
                total += n;
            } while (n == DELETE_CHUNK);
            return total;
        } catch (SQLException e) {
            throw failure("purge (" + sql + ")", e);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public WriterStats stats() {
        return new WriterStats(accepted.get(), written.get(), dropped.get(), failed.get(), batches.get(), queue.size(),
                settings.queueCapacity(), lastError);
    }

    /** Stops accepting rows, writes what is queued (waiting up to 60 s), and closes the database. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("Persistence writer did not finish within 60 s; {} row(s) still queued are lost", queue.size());
            writer.interrupt();
        }
        pool.dispose();
        LOG.info("Database {} closed: {}", safeUrl, stats());
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("query (" + sql + ")", e);
        }
    }

    private PersistenceException failure(String what, SQLException e) {
        return new PersistenceException("cannot " + what + " on " + safeUrl + ": " + JdbcUrls.redact(e.getMessage(), settings.password()));
    }

    private static int checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return limit;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, double v) throws SQLException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static Boolean getBoolean(ResultSet rs, int i) throws SQLException {
        boolean v = rs.getBoolean(i);
        return rs.wasNull() ? null : v;
    }

    private static double getDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? Double.NaN : v;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String joinLayers(List<LayerId> layers) {
        return layers.stream().map(LayerId::digest).collect(Collectors.joining(","));
    }

    private static List<LayerId> splitLayers(String s) {
        if (s == null || s.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(s.split(",")).map(LayerId::of).toList();
    }

    /** {@code k=v&k2=v2}, URL-encoded, keys sorted (stable). */
    static String encodeParams(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static Map<String, String> decodeParams(String s) {
        if (s == null || s.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : s.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(out);
    }

}

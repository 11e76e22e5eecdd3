package org.layerswap.persistence.jdbc.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.ExperimentResultRow;
import org.layerswap.persistence.api.ExperimentRow;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.MetricRow;
import org.layerswap.persistence.api.PrefetchRow;
import org.layerswap.persistence.api.Tables;
import org.layerswap.persistence.api.ThresholdChangeRow;
import org.layerswap.persistence.jdbc.Migrator;

/** Each table's binding against the real migrated schema in an H2 file: what it writes, it reads back. */
class RowBindingsTest {

    private static final long CLOCK = 1_700_000_123_456L;
    private static final LayerId L1 = LayerId.of("sha256:" + "a".repeat(64));
    private static final LayerId L2 = LayerId.of("sha256:" + "b".repeat(64));

    @TempDir
    Path dir;

    /** A row written through a binding and the row its mapper must return (stored ids start at 1). */
    record Case<T>(String name, RowBinding<T> binding, T written, T expected, Function<T, Object> view) {
        Case(String name, RowBinding<T> binding, T written, T expected) {
            this(name, binding, written, expected, t -> t);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static LayerDescriptor layer(char c, long size) {
        return new LayerDescriptor(LayerId.of("sha256:" + String.valueOf(c).repeat(64)), size, LayerDescriptor.OCI_TAR_GZIP);
    }

    static List<Case<?>> cases() {
        InvocationRow inv = new InvocationRow(0, "thumb", 1000, "t1", Map.of("size", "big & small", "q", "a=b", "x", ""),
                ExperimentArm.TREATMENT, 1500L, 20_000L, false);
        InvocationRow bare = new InvocationRow(0, "resize", 2000, "", Map.of(), ExperimentArm.NONE, null, null, null);
        PrefetchRow pf = new PrefetchRow(0, 7000, "thumb", L2.digest(), 1 << 20, 0.8, 0.5, null);
        PrefetchRow used = new PrefetchRow(0, 7001, "", L1.digest(), 5, 0.1, 0.5, true);
        SwapRecord swap = new SwapRecord(42, "thumb", List.of(L1), List.of(L1, L2), SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, 6000, 350,
                "d".repeat(5000));
        SwapRecord empty = new SwapRecord(7, "g", List.of(), List.of(L2), SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, 1, 2, "");
        MetricRow metric = new MetricRow(0, 8000, "layer_wait_ms", "thumb", ExperimentArm.CONTROL, 1.5);
        DeadLetterRow dl = new DeadLetterRow(0, 3000, "s".repeat(2000), 17, "p".repeat(9000), "r".repeat(3000));
        ThresholdChangeRow tc = new ThresholdChangeRow(0, 4000, "threshold", 0.5, 0.4, Double.POSITIVE_INFINITY, Double.NaN,
                "probe lower", "n=100\nJ=-120.5");
        ExperimentRow exp = new ExperimentRow("exp-1", "prefetch-vs-ondemand", "BY_FUNCTION", 0.5, 5000, -1, "RUNNING", "alpha=0.05");
        ExperimentResultRow res = new ExperimentResultRow(0, "exp-1", 9000, "TREATMENT_BETTER", "report\ntext");
        FunctionDefinition fn = new FunctionDefinition("thumb", "functions/thumb:1", "functions/thumb", List.of(layer('a', 10), layer('b', 20)),
                new ImageConfig(List.of("/bin/sh", "-c"), List.of("echo 'a b'"), List.of("PATH=/usr/bin", "NAME=x=y"), "/srv/app",
                        List.of("sha256:" + "1".repeat(64), "sha256:" + "2".repeat(64))));
        DataLayerBinding bind = new DataLayerBinding("thumb", "model", "large v2", "data/large:2", "data/large", List.of(layer('d', 40)));
        byte[] state = new byte[70_000];
        Arrays.fill(state, (byte) 0x5a);
        Function<ModelStateTable.Entry, Object> stateView = e -> e.key() + "=" + Arrays.toString(e.value());
        return List.of(
                new Case<>("invocations with params and outcome", new InvocationsTable(), inv, withId(inv, 1)),
                new Case<>("invocations without an outcome (NULLs)", new InvocationsTable(), bare, withId(bare, 1)),
                new Case<>("prediction_snapshots", new PredictionSnapshotsTable(), new PredictionScore(L2, 0.8, 7000),
                        new PredictionScore(L2, 0.8, 7000)),
                new Case<>("prefetches, used unknown", new PrefetchesTable(), pf, new PrefetchRow(1, 7000, "thumb", L2.digest(), 1 << 20, 0.8, 0.5, null)),
                new Case<>("prefetches, used", new PrefetchesTable(), used, new PrefetchRow(1, 7001, "", L1.digest(), 5, 0.1, 0.5, true)),
                new Case<>("swaps, detail cut to 4096", new SwapsTable(), swap, new SwapRecord(42, "thumb", List.of(L1), List.of(L1, L2),
                        SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, 6000, 350, "d".repeat(4096))),
                new Case<>("swaps without from-layers", new SwapsTable(), empty, empty),
                new Case<>("metrics", new MetricsTable(), metric, new MetricRow(1, 8000, "layer_wait_ms", "thumb", ExperimentArm.CONTROL, 1.5)),
                new Case<>("dead_letters cut to their columns", new DeadLettersTable(), dl,
                        new DeadLetterRow(1, 3000, "s".repeat(1024), 17, "p".repeat(8000), "r".repeat(2048))),
                new Case<>("threshold_history, non-finite objectives as NULL", new ThresholdHistoryTable(), tc,
                        new ThresholdChangeRow(1, 4000, "threshold", 0.5, 0.4, Double.NaN, Double.NaN, "probe lower", "n=100\nJ=-120.5")),
                new Case<>("experiments", new ExperimentsTable(), exp, exp),
                new Case<>("experiment_results", new ExperimentResultsTable(), res,
                        new ExperimentResultRow(1, "exp-1", 9000, "TREATMENT_BETTER", "report\ntext")),
                new Case<>("function_catalog", new FunctionCatalogTable(() -> CLOCK), fn, fn),
                new Case<>("data_layer_bindings", new DataLayerBindingsTable(() -> CLOCK), bind, bind),
                new Case<>("model_state", new ModelStateTable(() -> CLOCK), new ModelStateTable.Entry("profiler.snapshot", state),
                        new ModelStateTable.Entry("profiler.snapshot", state.clone()), stateView));
    }

    private static InvocationRow withId(InvocationRow r, long id) {
        return new InvocationRow(id, r.functionId(), r.timestampMillis(), r.tenant(), r.params(), r.arm(), r.layerWaitMicros(),
                r.executionMicros(), r.error());
    }

    static Stream<Case<?>> eachCase() {
        return cases().stream();
    }

    private Connection migrated() throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        Connection c = DriverManager.getConnection(url, "sa", "");
        Migrator.bundled().migrate(c, url);
        return c;
    }

    private static <T> void write(Connection c, RowBinding<T> b, T row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(b.writeSql())) {
            b.bind(ps, row);
            assertEquals(1, ps.executeUpdate());
        }
    }

    private static <T> List<T> readAll(Connection c, RowBinding<T> b) throws SQLException {
        List<T> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(b.selectSql())) {
            while (rs.next()) {
                out.add(b.map(rs));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachCase")
    void eachTableReadsBackWhatItsBindingWrote(Case<?> c) throws SQLException {
        roundTrip(c);
    }

    private <T> void roundTrip(Case<T> c) throws SQLException {
        try (Connection conn = migrated()) {
            write(conn, c.binding(), c.written());
            assertEquals(List.of(c.view().apply(c.expected())), readAll(conn, c.binding()).stream().map(c.view()).toList());
        }
    }

    @Test
    void everyTableOfTheSchemaHasExactlyOneBinding() {
        List<String> bound = cases().stream().map(c -> c.binding().table()).distinct().toList();
        assertEquals(Set.copyOf(Tables.ALL), Set.copyOf(bound));
        assertEquals(Tables.ALL.size(), bound.size());
        Set<Class<?>> classes = cases().stream().map(c -> c.binding().getClass()).collect(Collectors.toSet());
        assertEquals(Tables.ALL.size(), classes.size(), "one implementation per table: " + classes);
    }

    @Test
    void keyedTablesAreWrittenWithMergeAndTheRestWithInsert() {
        assertEquals("MERGE INTO experiments (id, name, assignment_mode, treatment_share, started_ts, stopped_ts, status, settings) "
                + "KEY (id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", new ExperimentsTable().writeSql());
        assertEquals("INSERT INTO metrics (ts, name, function_id, arm, metric_value) VALUES (?, ?, ?, ?, ?)", new MetricsTable().writeSql());
        assertEquals("SELECT id, ts, name, function_id, arm, metric_value FROM metrics", new MetricsTable().selectSql());
    }

    @Test
    void writingAKeyedRowAgainReplacesItAndStampsTheInjectedClock() throws SQLException {
        long[] now = {CLOCK};
        FunctionCatalogTable functions = new FunctionCatalogTable(() -> now[0]);
        FunctionDefinition v1 = new FunctionDefinition("thumb", "img:1", "repo/thumb", List.of(layer('a', 1)), null);
        FunctionDefinition v2 = new FunctionDefinition("thumb", "img:2", "repo/thumb", List.of(layer('b', 2)), null);
        ExperimentsTable experiments = new ExperimentsTable();
        try (Connection c = migrated()) {
            write(c, functions, v1);
            now[0] = CLOCK + 5;
            write(c, functions, v2);
            write(c, experiments, new ExperimentRow("e", "n", "BY_FUNCTION", 0.5, 1, -1, "RUNNING", ""));
            write(c, experiments, new ExperimentRow("e", "n", "BY_FUNCTION", 0.5, 1, 9, "STOPPED", ""));
            assertEquals(List.of(v2), readAll(c, functions));
            assertEquals("STOPPED", readAll(c, experiments).get(0).status());
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT updated_ts FROM function_catalog")) {
                assertTrue(rs.next());
                assertEquals(CLOCK + 5, rs.getLong(1));
            }
        }
    }

    @Test
    void anUnreadableCatalogRowMapsToAnErrorNamingWhatIsWrong() throws SQLException {
        try (Connection c = migrated(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO data_layer_bindings VALUES ('f', 'p', 'v', 'ref', 'r', 'sha256:" + "c".repeat(64) + " big t', 0)");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> readAll(c, new DataLayerBindingsTable(() -> 0)));
            assertTrue(e.getMessage().contains("size 'big' is not a number"), e.getMessage());
        }
    }

    @Test
    void paramsEncodeSortedAndUrlEncodedAndDecodeBack() {
        Map<String, String> params = Map.of("b", "x&y=z", "a", "1 2", "ü", "");
        String encoded = InvocationsTable.encodeParams(params);
        assertEquals("a=1+2&b=x%26y%3Dz&%C3%BC=", encoded);
        assertEquals(params, InvocationsTable.decodeParams(encoded));
        assertEquals(Map.of(), InvocationsTable.decodeParams(""));
        assertEquals("", InvocationsTable.encodeParams(Map.of()));
    }
}

package org.layerswap.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.LayerId;
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
import org.layerswap.persistence.jdbc.rows.DeadLettersTable;
import org.layerswap.persistence.jdbc.rows.ExperimentResultsTable;
import org.layerswap.persistence.jdbc.rows.ExperimentsTable;
import org.layerswap.persistence.jdbc.rows.InvocationsTable;
import org.layerswap.persistence.jdbc.rows.MetricsTable;
import org.layerswap.persistence.jdbc.rows.PrefetchesTable;
import org.layerswap.persistence.jdbc.rows.SwapsTable;
import org.layerswap.persistence.jdbc.rows.ThresholdHistoryTable;

/** History reads on a real H2 file: newest first, pages without gaps or overlaps, filters, limits. */
class HistoryQueriesTest {

    @TempDir
    Path dir;

    private static InvocationRow invocation(String fn, long ts) {
        return new InvocationRow(0, fn, ts, "", Map.of(), ExperimentArm.NONE, 1L, 1L, false);
    }

    @Test
    void invocationPagesWalkBackwardsByWriteOrderWithoutGapsOrOverlaps() {
        try (Database db = TestDatabases.open(dir)) {
            InvocationsTable t = new InvocationsTable();
            for (int i = 0; i < 30; i++) {
                TestDatabases.insert(db, t, invocation(i % 3 == 0 ? "a" : "b", 1000 - i)); // ts falls: order is by id, not ts
            }
            HistoryQueries q = new HistoryQueries(db);
            List<InvocationRow> page1 = q.invocationsBefore("a", Long.MAX_VALUE, 4);
            List<InvocationRow> page2 = q.invocationsBefore("a", page1.get(3).id(), 4);
            List<InvocationRow> page3 = q.invocationsBefore("a", page2.get(3).id(), 4);
            assertEquals(List.of(973L, 976L, 979L, 982L), page1.stream().map(InvocationRow::timestampMillis).toList());
            assertEquals(List.of(985L, 988L, 991L, 994L), page2.stream().map(InvocationRow::timestampMillis).toList());
            assertEquals(List.of(997L, 1000L), page3.stream().map(InvocationRow::timestampMillis).toList());
            assertEquals(971L, q.invocationsBefore(null, Long.MAX_VALUE, 1).get(0).timestampMillis(), "null: every function");
            assertEquals(List.of(), q.invocationsBefore("a", 1, 10), "nothing before the first id");
        }
    }

    @Test
    void eachHistoryReadsItsOwnTableNewestFirst() {
        LayerId l = LayerId.of("sha256:" + "a".repeat(64));
        try (Database db = TestDatabases.open(dir)) {
            for (int i = 1; i <= 3; i++) {
                TestDatabases.insert(db, new DeadLettersTable(), new DeadLetterRow(0, i, "src", i, "p", "r"));
                TestDatabases.insert(db, new SwapsTable(), new SwapRecord(i, "f", List.of(), List.of(l), SwapMode.ATOMIC,
                        SwapOutcome.SUCCEEDED, i, 1, ""));
                TestDatabases.insert(db, new PrefetchesTable(), new PrefetchRow(0, i, "f", l.digest(), i, 0.5, 0.5, null));
                TestDatabases.insert(db, new ThresholdHistoryTable(), new ThresholdChangeRow(0, i, "threshold", 0.5, 0.1 * i, 0, 0, "", ""));
                TestDatabases.insert(db, new ExperimentsTable(), new ExperimentRow("e" + i, "n", "BY_FUNCTION", 0.5, 10 - i, -1, "RUNNING", ""));
                TestDatabases.insert(db, new ExperimentResultsTable(), new ExperimentResultRow(0, i == 2 ? "other" : "e1", i, "V" + i, ""));
            }
            // metrics: newest timestamp first, ties by the later write
            TestDatabases.insert(db, new MetricsTable(), new MetricRow(0, 5, "m", "", ExperimentArm.NONE, 1));
            TestDatabases.insert(db, new MetricsTable(), new MetricRow(0, 9, "m", "", ExperimentArm.NONE, 2));
            TestDatabases.insert(db, new MetricsTable(), new MetricRow(0, 9, "m", "", ExperimentArm.NONE, 3));
            TestDatabases.insert(db, new MetricsTable(), new MetricRow(0, 99, "other", "", ExperimentArm.NONE, 4));
            HistoryQueries q = new HistoryQueries(db);
            assertEquals(List.of(3L, 2L), q.deadLettersBefore(Long.MAX_VALUE, 2).stream().map(DeadLetterRow::lineNo).toList());
            assertEquals(List.of(1L), q.deadLettersBefore(2, 5).stream().map(DeadLetterRow::lineNo).toList());
            assertEquals(List.of(3L, 2L, 1L), q.recentSwaps(10).stream().map(SwapRecord::id).toList());
            assertEquals(List.of(3L), q.recentPrefetches(1).stream().map(PrefetchRow::bytes).toList());
            assertEquals(0.3, q.thresholdHistory(1).get(0).newValue(), 1e-12);
            assertEquals(List.of(3.0, 2.0, 1.0), q.recentMetrics("m", 10).stream().map(MetricRow::value).toList());
            assertEquals(List.of("e1", "e2", "e3"), q.experiments().stream().map(ExperimentRow::id).toList(), "latest start first");
            assertEquals(List.of("V3", "V1"), q.experimentResults("e1").stream().map(ExperimentResultRow::verdict).toList());
            assertEquals(4, q.count(Tables.METRICS));
            assertEquals(0, q.count(Tables.MODEL_STATE));
        }
    }

    @Test
    void badLimitsAndUnknownTablesAreRejectedNamingThem() {
        try (Database db = TestDatabases.open(dir)) {
            HistoryQueries q = new HistoryQueries(db);
            assertEquals("limit must be >= 1, was 0", assertThrows(IllegalArgumentException.class, () -> q.recentSwaps(0)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> q.invocationsBefore("f", 5, -1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.count("users; DROP TABLE metrics"));
            assertTrue(e.getMessage().startsWith("unknown table 'users; DROP TABLE metrics'; known: [invocations"), e.getMessage());
        }
    }
}

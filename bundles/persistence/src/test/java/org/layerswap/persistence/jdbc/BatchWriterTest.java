package org.layerswap.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ExperimentArm;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.ExperimentResultRow;
import org.layerswap.persistence.api.MetricRow;
import org.layerswap.persistence.api.WriterStats;
import org.layerswap.persistence.jdbc.rows.DeadLettersTable;
import org.layerswap.persistence.jdbc.rows.ExperimentResultsTable;
import org.layerswap.persistence.jdbc.rows.MetricsTable;

/** The one writer thread: batching, ordering, flush, drop and failure accounting, drain on close; on a real H2 file. */
class BatchWriterTest {

    private static final Duration FLUSH = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final MetricsTable metrics = new MetricsTable();
    private final DeadLettersTable deadLetters = new DeadLettersTable();
    private final ExperimentResultsTable results = new ExperimentResultsTable();

    private PersistenceSettings queue(int batch, long flushMillis, int capacity, long offerTimeout) {
        return PersistenceSettings.defaults(dir).withQueue(batch, flushMillis, capacity, offerTimeout);
    }

    private static MetricRow metric(long i) {
        return new MetricRow(0, i, "m", "", ExperimentArm.NONE, i);
    }

    private static List<Double> metricValues(Database db) {
        return db.query("SELECT metric_value FROM metrics ORDER BY id", ps -> { }, rs -> rs.getDouble(1));
    }

    @Test
    void rowsOfSeveralTablesUpToAFlushGoInOneCommitEachTableInQueueOrder() {
        // a long flush interval: the batch closes at the flush marker, not on a timer
        try (Database db = TestDatabases.open(dir); BatchWriter w = new BatchWriter(db, queue(1000, 60_000, 1000, 1000))) {
            for (int i = 0; i < 10; i++) {
                assertTrue(w.offer(metrics, metric(i)));
                if (i % 2 == 0) {
                    assertTrue(w.offer(deadLetters, new DeadLetterRow(0, i, "src", i, "payload", "reason")));
                }
            }
            assertTrue(w.flush(FLUSH));
            WriterStats st = w.stats();
            assertEquals(15, st.accepted());
            assertEquals(15, st.written());
            assertEquals(1, st.batches(), "one commit for the whole batch");
            assertEquals(0, st.queued());
            assertEquals(LongStream.range(0, 10).mapToObj(i -> (double) i).toList(), metricValues(db));
            assertEquals(List.of(0L, 2L, 4L, 6L, 8L), db.query("SELECT line_no FROM dead_letters ORDER BY id", ps -> { }, rs -> rs.getLong(1)));
        }
    }

    @Test
    void aBadRowCostsOnlyItselfWhenTheBatchIsRetriedRowByRow() {
        try (Database db = TestDatabases.open(dir); BatchWriter w = new BatchWriter(db, queue(1000, 60_000, 1000, 1000))) {
            w.offer(metrics, metric(1));
            w.offer(results, new ExperimentResultRow(0, "exp", 1, "GOOD", "r"));
            w.offer(results, new ExperimentResultRow(0, "exp", 2, "v".repeat(65), "verdict longer than its 64-character column"));
            w.offer(results, new ExperimentResultRow(0, "exp", 3, "GOOD", "r"));
            w.offer(metrics, metric(2));
            assertTrue(w.flush(FLUSH));
            WriterStats st = w.stats();
            assertEquals(5, st.accepted());
            assertEquals(4, st.written());
            assertEquals(1, st.failed());
            assertTrue(st.lastError().toUpperCase().contains("VERDICT"), st.lastError());
            assertEquals(List.of(1L, 3L), db.query("SELECT ts FROM experiment_results ORDER BY id", ps -> { }, rs -> rs.getLong(1)));
            assertEquals(List.of(1.0, 2.0), metricValues(db));
        }
    }

    @Test
    void everyRowIsEitherAcceptedAndWrittenOrDroppedAndCounted() {
        int n = 20_000;
        long accepted = 0;
        try (Database db = TestDatabases.open(dir); BatchWriter w = new BatchWriter(db, queue(1, 0, 1, 0))) {
            for (int i = 0; i < n; i++) {
                if (w.offer(metrics, metric(i))) {
                    accepted++;
                }
            }
            assertTrue(w.flush(FLUSH));
            WriterStats st = w.stats();
            assertEquals(n, st.accepted() + st.dropped());
            assertEquals(accepted, st.accepted());
            assertEquals(accepted, st.written());
            assertEquals(accepted, metricValues(db).size());
            assertEquals(1, st.queueCapacity());
        }
    }

    @Test
    void closeWritesEverythingQueuedAndAClosedWriterRefusesAndCountsRows() {
        try (Database db = TestDatabases.open(dir)) {
            BatchWriter w = new BatchWriter(db, queue(100, 60_000, 10_000, 1000));
            for (int i = 0; i < 5000; i++) {
                assertTrue(w.offer(metrics, metric(i)));
            }
            w.close(); // no flush: close drains the queue
            assertEquals(5000, metricValues(db).size());
            assertEquals(5000, w.stats().written());
            assertFalse(w.offer(metrics, metric(1)), "closed writer refuses rows");
            assertEquals(1, w.stats().dropped());
            assertTrue(w.flush(Duration.ofMillis(1)), "nothing is left to flush");
        }
    }

    @Test
    void concurrentProducersEachKeepTheirOrder() throws Exception {
        try (Database db = TestDatabases.open(dir); BatchWriter w = new BatchWriter(db, queue(50, 5, 200, 10_000))) {
            Thread[] producers = new Thread[3];
            for (int t = 0; t < producers.length; t++) {
                String name = "p" + t;
                producers[t] = new Thread(() -> {
                    for (int i = 0; i < 3000; i++) {
                        if (!w.offer(metrics, new MetricRow(0, i, name, "", ExperimentArm.NONE, i))) {
                            throw new AssertionError("row refused");
                        }
                    }
                });
                producers[t].start();
            }
            for (Thread t : producers) {
                t.join();
            }
            assertTrue(w.flush(FLUSH));
            for (int t = 0; t < producers.length; t++) {
                String name = "p" + t;
                List<Long> ts = db.query("SELECT ts FROM metrics WHERE name = ? ORDER BY id", ps -> ps.setString(1, name), rs -> rs.getLong(1));
                assertEquals(LongStream.range(0, 3000).boxed().toList(), ts, name + " rows in the order produced");
            }
            assertEquals(0, w.stats().dropped());
        }
    }

    @Test
    void aNullRowIsRejectedNamingItsTable() {
        try (Database db = TestDatabases.open(dir); BatchWriter w = new BatchWriter(db, queue(10, 10, 10, 10))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.offer(metrics, null));
            assertEquals("null metrics row", e.getMessage());
            assertEquals(0, w.stats().accepted() + w.stats().dropped());
        }
    }
}

package org.layerswap.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ExperimentArm;
import org.layerswap.persistence.api.ExperimentRow;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.MetricRow;
import org.layerswap.persistence.jdbc.rows.ExperimentsTable;
import org.layerswap.persistence.jdbc.rows.InvocationsTable;
import org.layerswap.persistence.jdbc.rows.MetricsTable;

/** Age and row-count retention of the time-series tables, on a real H2 file. */
class RetentionTest {

    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private static long count(Database db, String table) {
        return db.query("SELECT COUNT(*) FROM " + table, ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    @Test
    void theAgeLimitRemovesOlderRowsOfEveryTimeSeriesTableAndNothingElse() {
        long now = 100 * DAY;
        try (Database db = TestDatabases.open(dir)) {
            for (int d = 0; d < 10; d++) {
                long ts = now - d * DAY - 1;
                TestDatabases.insert(db, new InvocationsTable(), new InvocationRow(0, "f", ts, "", Map.of(), ExperimentArm.NONE, 1L, 1L, false));
                TestDatabases.insert(db, new MetricsTable(), new MetricRow(0, ts, "m", "", ExperimentArm.NONE, d));
            }
            TestDatabases.insert(db, new ExperimentsTable(), new ExperimentRow("old", "old", "BY_FUNCTION", 0.5, 0, 1, "STOPPED", ""));
            Retention r = new Retention(db, 3, 0);
            assertEquals(2 * 7, r.apply(now), "days 3..9 are older than 3 days");
            assertEquals(3, count(db, "invocations"));
            assertEquals(3, count(db, "metrics"));
            assertEquals(1, count(db, "experiments"), "experiments are not time-series");
            assertEquals(2, r.purgeOlderThan(now - DAY - 1), "an explicit cut-off: day 2 goes");
            assertEquals(0, new Retention(db, 0, 0).apply(now), "0 disables both limits");
            assertEquals(2, count(db, "invocations"), "days 0 and 1 are kept");
        }
    }

    @Test
    void theRowLimitKeepsTheMostRecentlyWrittenRowsAcrossSeveralDeleteChunks() {
        int chunk = 10;
        int rows = 2 * chunk + 7 + 5;
        try (Database db = TestDatabases.open(dir)) {
            db.update("fill", "INSERT INTO metrics (ts, name, metric_value) SELECT X, 'm', X FROM SYSTEM_RANGE(1, ?)", ps -> ps.setInt(1, rows));
            assertEquals(rows - 5, new Retention(db, 0, 5, chunk).apply(0));
            assertEquals(List.of((double) rows - 4, (double) rows - 3, (double) rows - 2, (double) rows - 1, (double) rows),
                    db.query("SELECT metric_value FROM metrics ORDER BY id", ps -> { }, rs -> rs.getDouble(1)));
        }
    }
}

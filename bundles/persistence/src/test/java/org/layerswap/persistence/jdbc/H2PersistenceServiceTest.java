package org.layerswap.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ExperimentArm;
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
import org.layerswap.persistence.api.PersistenceException;
import org.layerswap.persistence.api.PrefetchRow;
import org.layerswap.persistence.api.Tables;
import org.layerswap.persistence.api.ThresholdChangeRow;
import org.layerswap.persistence.api.WriterStats;

class H2PersistenceServiceTest {

    private static final LayerId L1 = LayerId.of("sha256:" + "a".repeat(64));
    private static final LayerId L2 = LayerId.of("sha256:" + "b".repeat(64));
    private static final Duration FLUSH = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private PersistenceSettings settings() {
        return PersistenceSettings.defaults(dir);
    }

    @Test
    void migratesAnEmptyDatabaseAndReopensWithoutReapplying() throws Exception {
        try (H2PersistenceService s = H2PersistenceService.open(settings())) {
            assertEquals(Migrator.bundled().latestVersion(), s.schemaVersion());
            for (String t : Tables.ALL) {
                assertEquals(0, s.count(t), t);
            }
        }
        assertTrue(Files.exists(dir.resolve("layerswap").resolve("layerswap.mv.db")), "H2 file under the data folder");
        try (H2PersistenceService s = H2PersistenceService.open(settings())) {
            assertEquals(Migrator.bundled().latestVersion(), s.schemaVersion());
        }
        try (Connection c = DriverManager.getConnection(settings().jdbcUrl(), "sa", "");
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*), MAX(script) FROM schema_version")) {
            rs.next();
            assertEquals(Migrator.bundled().latestVersion(), rs.getInt(1), "each migration recorded exactly once");
            assertEquals("V2__function_catalog.sql", rs.getString(2));
        }
    }

    @Test
    void refusesADatabaseWithANewerSchema() throws Exception {
        H2PersistenceService.open(settings()).close();
        try (Connection c = DriverManager.getConnection(settings().jdbcUrl(), "sa", "");
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO schema_version VALUES (7, 'from the future', 'V7__future.sql', 0, 0)");
        }
        PersistenceException e = assertThrows(PersistenceException.class, () -> H2PersistenceService.open(settings()));
        assertTrue(e.getMessage().contains("schema version 7"), e.getMessage());
        assertTrue(e.getMessage().contains("up to " + Migrator.bundled().latestVersion()), e.getMessage());
        assertTrue(e.getMessage().contains(settings().safeUrl()), e.getMessage());
    }

    @Test
    void restartKeepsHistoryAndState() {
        byte[] snapshot = new byte[100_000];
        for (int i = 0; i < snapshot.length; i++) {
            snapshot[i] = (byte) (i * 31);
        }
        try (H2PersistenceService s = H2PersistenceService.open(settings())) {
            s.recordInvocation(new InvocationRow(0, "thumb", 1000, "t1", Map.of("size", "big & small", "q", "a=b"),
                    ExperimentArm.TREATMENT, 1500L, 20_000L, false));
            s.recordInvocation(new InvocationRow(0, "resize", 2000, "", Map.of(), ExperimentArm.NONE, null, null, null));
            s.recordDeadLetter(new DeadLetterRow(0, 3000, "trace.csv", 17, "garbage,,", "missing timestamp"));
            s.recordThresholdChange(new ThresholdChangeRow(0, 4000, "threshold", 0.5, 0.4, -120.5, Double.NaN, "probe lower",
                    "n=100\nJ=-120.5"));
            s.recordExperiment(new ExperimentRow("exp-1", "prefetch-vs-ondemand", "BY_FUNCTION", 0.5, 5000, -1, "RUNNING", "alpha=0.05"));
            s.recordExperiment(new ExperimentRow("exp-1", "prefetch-vs-ondemand", "BY_FUNCTION", 0.5, 5000, 9000, "STOPPED", "alpha=0.05"));
            s.recordExperimentResult(new ExperimentResultRow(0, "exp-1", 9000, "TREATMENT_BETTER", "report text"));
            s.recordSwap(new SwapRecord(42, "thumb", List.of(L1), List.of(L1, L2), SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, 6000, 350, ""));
            s.recordPrefetch(new PrefetchRow(0, 7000, "thumb", L2.digest(), 1 << 20, 0.8, 0.5, null));
            s.recordPredictionSnapshot(new PredictionScore(L2, 0.8, 7000));
            s.recordMetric(new MetricRow(0, 8000, "layer_wait_ms", "thumb", ExperimentArm.TREATMENT, 1.5));
            s.saveState("profiler.snapshot", snapshot);
            s.saveState("feedback.controller", "threshold=0.4".getBytes(StandardCharsets.UTF_8));
            s.saveState("feedback.controller", "threshold=0.35".getBytes(StandardCharsets.UTF_8));
            // no flush: close() must drain the queue
        }
        try (H2PersistenceService s = H2PersistenceService.open(settings())) {
            List<InvocationRow> inv = s.recentInvocations(null, 10);
            assertEquals(2, inv.size());
            InvocationRow newest = inv.get(0);
            assertEquals("resize", newest.functionId());
            assertNull(newest.layerWaitMicros());
            assertNull(newest.error());
            InvocationRow thumb = s.recentInvocations("thumb", 10).get(0);
            assertEquals(Map.of("size", "big & small", "q", "a=b"), thumb.params());
            assertEquals(ExperimentArm.TREATMENT, thumb.arm());
            assertEquals(1500L, thumb.layerWaitMicros());
            assertEquals(false, thumb.error());
            assertEquals("t1", thumb.tenant());

            assertEquals("missing timestamp", s.recentDeadLetters(5).get(0).reason());
            assertEquals(17, s.recentDeadLetters(5).get(0).lineNo());
            ThresholdChangeRow tc = s.thresholdHistory(5).get(0);
            assertEquals(0.4, tc.newValue());
            assertTrue(Double.isNaN(tc.objectiveAfter()));
            assertEquals("n=100\nJ=-120.5", tc.evidence());
            assertEquals(1, s.experiments().size(), "MERGE updates the experiment in place");
            assertEquals("STOPPED", s.experiments().get(0).status());
            assertEquals(9000, s.experiments().get(0).stoppedMillis());
            assertEquals("TREATMENT_BETTER", s.experimentResults("exp-1").get(0).verdict());
            SwapRecord sw = s.recentSwaps(5).get(0);
            assertEquals(List.of(L1, L2), sw.toLayers());
            assertEquals(42, sw.id());
            assertNull(s.recentPrefetches(5).get(0).used());
            assertEquals(1, s.count(Tables.PREDICTION_SNAPSHOTS));
            assertEquals(1.5, s.recentMetrics("layer_wait_ms", 5).get(0).value());

            assertArrayEquals(snapshot, s.loadState("profiler.snapshot").orElseThrow());
            assertEquals("threshold=0.35", new String(s.loadState("feedback.controller").orElseThrow(), StandardCharsets.UTF_8));
            assertTrue(s.loadState("nothing").isEmpty());
            assertEquals(List.of("feedback.controller", "profiler.snapshot"), s.stateKeys());
        }
    }

    @Test
    void batchedWritesOfAMillionInvocationsAndDeadLettersLoseNothing() {
        int invocations = 1_000_000;
        int deadLetters = invocations / 100;
        try (H2PersistenceService s = H2PersistenceService.open(settings())) {
            long t0 = System.nanoTime();
            int dl = 0;
            for (int i = 0; i < invocations; i++) {
                assertTrue(s.recordInvocation(new InvocationRow(0, "fn-" + (i % 500), 1_700_000_000_000L + i, "",
                        Map.of(), ExperimentArm.NONE, (long) (i % 1000), 5000L, i % 97 == 0)));
                if (i % 100 == 0) {
                    assertTrue(s.recordDeadLetter(new DeadLetterRow(0, 1_700_000_000_000L + i, "feed", i, "bad line " + i, "unparsable")));
                    dl++;
                }
            }
            assertTrue(s.flush(Duration.ofMinutes(2)), "flush completes");
            double secs = (System.nanoTime() - t0) / 1e9;
            WriterStats st = s.stats();
            System.out.printf("batched write: %d invocations + %d dead letters in %.2f s = %.0f rows/s (%d commits, batch %d)%n",
                    invocations, dl, secs, (invocations + dl) / secs, st.batches(), s.settings().batchSize());
            assertEquals(deadLetters, dl);
            assertEquals(invocations, s.count(Tables.INVOCATIONS));
            assertEquals(deadLetters, s.count(Tables.DEAD_LETTERS));
            assertEquals(0, st.dropped());
            assertEquals(0, st.failed());
            assertEquals(invocations + deadLetters, st.written());
            assertEquals(0, st.queued());
            assertTrue(st.batches() < (invocations + deadLetters) / 10, "rows were written in batches: " + st.batches());
            assertEquals(1_700_000_000_000L + invocations - 1, s.recentInvocations(null, 1).get(0).timestampMillis());
            // history pages walk backwards without gaps or overlaps
            List<InvocationRow> page1 = s.recentInvocations("fn-7", 100);
            List<InvocationRow> page2 = s.invocationsBefore("fn-7", page1.get(page1.size() - 1).id(), 100);
            assertEquals(100, page2.size());
            assertEquals(page1.get(99).timestampMillis() - 500, page2.get(0).timestampMillis());
            assertTrue(page2.stream().allMatch(r -> r.functionId().equals("fn-7")));
            List<DeadLetterRow> dl1 = s.recentDeadLetters(10);
            assertEquals(dl1.get(9).lineNo() - 100, s.deadLettersBefore(dl1.get(9).id(), 10).get(0).lineNo());
        }
    }

    @Test
    void concurrentProducersLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 25_000;
        try (H2PersistenceService s = H2PersistenceService.open(settings().withQueue(500, 50, 2000, 10_000))) {
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (!s.recordInvocation(new InvocationRow(0, "t" + id, i, "", Map.of(), ExperimentArm.NONE, 1L, 1L, false))) {
                            throw new AssertionError("row refused");
                        }
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertTrue(s.flush(FLUSH));
            assertEquals((long) threads * perThread, s.count(Tables.INVOCATIONS));
            assertEquals(0, s.stats().dropped());
            for (int t = 0; t < threads; t++) {
                assertEquals(perThread - 1, s.recentInvocations("t" + t, 1).get(0).timestampMillis(), "per-producer order kept");
            }
        }
    }

    @Test
    void fullQueueDropsAreCountedAndEverythingAcceptedIsWritten() {
        PersistenceSettings tiny = settings().withQueue(1, 0, 1, 0);
        int n = 20_000;
        long accepted = 0;
        try (H2PersistenceService s = H2PersistenceService.open(tiny)) {
            for (int i = 0; i < n; i++) {
                if (s.recordMetric(new MetricRow(0, i, "m", "", ExperimentArm.NONE, i))) {
                    accepted++;
                }
            }
            assertTrue(s.flush(FLUSH));
            WriterStats st = s.stats();
            assertEquals(n, st.accepted() + st.dropped());
            assertEquals(accepted, st.accepted());
            assertEquals(accepted, s.count(Tables.METRICS));
            assertEquals(accepted, st.written());
        }
        H2PersistenceService s = H2PersistenceService.open(settings());
        s.close();
        assertFalse(s.recordMetric(new MetricRow(0, 1, "m", "", ExperimentArm.NONE, 1)), "closed store refuses rows");
        assertEquals(1, s.stats().dropped());
    }

    @Test
    void retentionPurgesByAgeAndByRowCount() {
        long day = 86_400_000L;
        long now = 100 * day;
        try (H2PersistenceService s = H2PersistenceService.open(settings().withRetention(7, 0))) {
            for (int d = 0; d < 20; d++) {
                long ts = now - d * day - 1;
                s.recordInvocation(new InvocationRow(0, "f", ts, "", Map.of(), ExperimentArm.NONE, 1L, 1L, false));
                s.recordDeadLetter(new DeadLetterRow(0, ts, "x", d, "p", "r"));
                s.recordMetric(new MetricRow(0, ts, "m", "", ExperimentArm.NONE, d));
            }
            s.recordExperiment(new ExperimentRow("old", "old", "BY_FUNCTION", 0.5, 0, 1, "STOPPED", ""));
            s.saveState("k", new byte[] {1});
            assertTrue(s.flush(FLUSH));
            // days 0..6 are younger than 7 days (ts = now - d*day - 1 > now - 7 days for d <= 6)
            assertEquals(3 * 13, s.applyRetention(now));
            assertEquals(7, s.count(Tables.INVOCATIONS));
            assertEquals(7, s.count(Tables.DEAD_LETTERS));
            assertEquals(1, s.count(Tables.EXPERIMENTS), "experiments are not time-series");
            assertTrue(s.loadState("k").isPresent(), "state is never purged");
            assertEquals(3 * 4, s.purgeOlderThan(now - 3 * day), "explicit cut-off: days 3..6 go");
            assertEquals(3, s.count(Tables.INVOCATIONS));
        }
        try (H2PersistenceService s = H2PersistenceService.open(settings().withRetention(0, 2))) {
            assertEquals(3, s.applyRetention(now), "one row too many in each of 3 tables");
            assertEquals(2, s.count(Tables.INVOCATIONS));
            List<InvocationRow> kept = s.recentInvocations(null, 10);
            // the row limit keeps the most recently written rows (days 2 and 1 were written after day 0)
            assertEquals(List.of(now - 2 * day - 1, now - day - 1), kept.stream().map(InvocationRow::timestampMillis).toList());
        }
    }

    @Test
    void badConfigurationNamesTheUrlButNotThePassword() {
        String secret = "Zx9-s3cret";
        PersistenceSettings bad = new PersistenceSettings("jdbc:h2:file:" + dir.resolve("db") + ";NO_SUCH_SETTING=1;PASSWORD=" + secret,
                "sa", secret, 10, 10, 10, 10, 0, 0);
        PersistenceException e = assertThrows(PersistenceException.class, () -> H2PersistenceService.open(bad));
        assertTrue(e.getMessage().contains("jdbc:h2:file:" + dir.resolve("db")), e.getMessage());
        assertTrue(e.getMessage().contains("NO_SUCH_SETTING"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        assertFalse(bad.toString().contains(secret), bad.toString());

        PersistenceException notH2 = assertThrows(PersistenceException.class, () -> H2PersistenceService.open(
                PersistenceSettings.forUrl("jdbc:postgresql://db/layerswap?password=" + secret, "u", secret)));
        assertTrue(notH2.getMessage().contains("jdbc:postgresql://db/layerswap"), notH2.getMessage());
        assertTrue(notH2.getMessage().contains("not an H2 URL"), notH2.getMessage());
        assertFalse(notH2.getMessage().contains(secret), notH2.getMessage());

        H2PersistenceService.open(PersistenceSettings.forUrl(settings().jdbcUrl(), "sa", "right-one")).close();
        PersistenceException wrong = assertThrows(PersistenceException.class, () -> H2PersistenceService.open(
                PersistenceSettings.forUrl(settings().jdbcUrl(), "sa", secret)));
        assertTrue(wrong.getMessage().contains(settings().jdbcUrl()), wrong.getMessage());
        assertFalse(wrong.getMessage().contains(secret), wrong.getMessage());

        assertThrows(IllegalArgumentException.class, () -> settings().withQueue(0, 1, 1, 1));
    }

    @Test
    void migratorSplitsStatementsAndRejectsGaps() {
        assertEquals(List.of("CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"),
                Migrator.statements("-- comment\nCREATE TABLE a (x INT);\n\nCREATE TABLE b (y INT);\n"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Migrator(List.of(
                new Migrator.Migration(2, "two", "V2__two.sql", "SELECT 1"))));
        assertTrue(e.getMessage().contains("V2__two.sql"));
    }
}

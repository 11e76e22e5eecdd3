package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.Tables;
import org.layerswap.persistence.jdbc.H2PersistenceService;
import org.layerswap.persistence.jdbc.PersistenceSettings;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/** A CSV file (with header) through the drop folder into a real H2 file database. */
class H2DropFolderIngestTest {

    @TempDir
    Path tmp;

    /** Line 1 is the header; line n >= 2 is bad when {@link #isBad} (four kinds), else valid with timestamp BASE + n. */
    /** Exactly 1 % of the data lines. */
    static boolean isBad(int n) {
        return n >= 2 && n % 100 == 7;
    }

    static String csvLine(int n) {
        if (n == 1) {
            return "function,timestamp,tenant,params";
        }
        if (isBad(n)) {
            return switch ((n / 100) % 4) {
                case 0 -> "only-a-function";
                case 1 -> "f1,-" + n + ",t";
                case 2 -> "f1," + (Fakes.BASE + n) + ",t,novalue";
                default -> "f1,12:00 yesterday";
            };
        }
        return "fn%2C" + (n % 31) + "," + (Fakes.BASE + n) + ",t" + (n % 3) + (n % 4 == 0 ? ",dataset=d" + (n % 9) : "");
    }

    @Test
    void csvFeedIsCommittedToH2AndBadLinesAreDeadLetteredWithLineNumbers() throws Exception {
        String prop = System.getProperty("layerswap.routes.h2FeedLines", "");
        int lines = prop.isBlank() || prop.startsWith("$") ? 20_000 : Integer.parseInt(prop.trim());
        BitSet bad = new BitSet();
        for (int n = 2; n <= lines; n++) {
            if (isBad(n)) {
                bad.set(n);
            }
        }
        int valid = lines - 1 - bad.cardinality();
        Path drop = Files.createDirectories(tmp.resolve("ingest"));
        FakeProfiler profiler = new FakeProfiler();
        try (H2PersistenceService db = H2PersistenceService.open(PersistenceSettings.defaults(tmp.resolve("data")));
             DefaultCamelContext ctx = new DefaultCamelContext()) {
            IngestRoutes routes = new IngestRoutes(RoutesSettings.defaults(drop).withHttp(0, "/").withTimers(0, 0), profiler);
            routes.setPersistence(db);
            ctx.addRoutes(routes);
            ctx.start();
            Path f = tmp.resolve("feed.csv.tmp");
            try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
                for (int n = 1; n <= lines; n++) {
                    w.write(csvLine(n));
                    w.write('\n');
                }
            }
            long t0 = System.nanoTime();
            Files.move(f, drop.resolve("feed.csv"), StandardCopyOption.ATOMIC_MOVE);
            Await.until(Duration.ofMinutes(10), () -> TestSupport.find(drop, ".done", "feed.csv").isPresent(),
                    () -> "feed.csv moved to .done; stats " + routes.stats());
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("H2 CSV feed: %,d lines committed in %.1f s (incl. ~1 s read-lock wait) = %,.0f lines/s%n",
                    lines, secs, lines / secs);

            // moved after commit: the rows are there without any further flush
            assertEquals(valid, db.count(Tables.INVOCATIONS));
            assertEquals(bad.cardinality(), db.count(Tables.DEAD_LETTERS));
            assertEquals(valid, profiler.recorded());
            assertEquals(1, routes.stats().skipped(), "the header");

            BitSet deadLines = new BitSet();
            long before = Long.MAX_VALUE;
            List<DeadLetterRow> page;
            while (!(page = db.deadLettersBefore(before, 500)).isEmpty()) {
                for (DeadLetterRow r : page) {
                    assertEquals("file:feed.csv", r.source());
                    assertEquals(csvLine((int) r.lineNo()), r.payload());
                    deadLines.set((int) r.lineNo());
                    before = r.id();
                }
            }
            assertEquals(bad, deadLines, "line numbers count the header as line 1");

            InvocationRow last = db.recentInvocations(null, 1).get(0);
            assertEquals("fn," + (lines % 31), last.functionId(), "percent-decoded");
            assertEquals(Fakes.BASE + lines, last.timestampMillis());
        }
    }
}

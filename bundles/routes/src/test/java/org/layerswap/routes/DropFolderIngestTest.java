package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.routes.api.IngestStats;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/**
 * The drop-folder route with an in-memory persistence: the mixed feed (1 % bad lines) loses no valid event,
 * dead-letters exactly the bad lines, and the file moves to .done only after the flush covering all its rows.
 * The feed has {@code -Dlayerswap.routes.feedLines} lines (default 100,000, set in the pom; the 1 M-line case runs against real H2 in H2DropFolderIngestTest).
 */
class DropFolderIngestTest {

    @TempDir
    Path tmp;

    static int feedLines() {
        String p = System.getProperty("layerswap.routes.feedLines", "");
        return p.isBlank() || p.startsWith("$") ? 1_000_000 : Integer.parseInt(p.trim());
    }

    private RoutesSettings settings(Path drop) {
        return RoutesSettings.defaults(drop).withHttp(0, "/ingest").withTimers(0, 0);
    }

    @Test
    void mixedFeedLosesNothingAndDeadLettersExactlyTheBadLines() throws Exception {
        Path drop = Files.createDirectories(tmp.resolve("ingest"));
        FakeProfiler profiler = new FakeProfiler();
        Fakes.Persistence persistence = new Fakes.Persistence();
        IngestRoutes routes = new IngestRoutes(settings(drop), profiler);
        routes.setPersistence(persistence.service());
        Feed feed = new Feed(feedLines());
        assertEquals(feed.lines / 100, feed.bad.cardinality(), "1 % bad lines");
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            ctx.addRoutes(routes);
            ctx.start();
            long t0 = System.nanoTime();
            feed.dropInto(drop, "feed.jsonl");
            Await.until(Duration.ofMinutes(5), () -> TestSupport.find(drop, ".done", "feed.jsonl").isPresent(),
                    () -> "feed.jsonl moved to .done; stats " + routes.stats());
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("mixed feed: %,d lines in %.1f s (incl. ~1 s read-lock wait) = %,.0f lines/s%n", feed.lines,
                    secs, feed.lines / secs);

            IngestStats s = routes.stats();
            assertEquals(feed.valid.cardinality(), s.accepted());
            assertEquals(feed.bad.cardinality(), s.rejected());
            assertEquals(feed.blank.cardinality(), s.skipped());
            assertEquals(feed.valid.cardinality(), s.delivered());
            assertEquals(1, s.filesDone());
            assertEquals(0, s.filesFailed());
            assertEquals(feed.valid.cardinality(), s.bySource().get(IngestRoutes.SOURCE_FILE).accepted());

            assertEquals(feed.valid, Fakes.seen(profiler), "exactly the valid lines reached the profiler");
            assertEquals(0, Fakes.duplicates(profiler));
            assertEquals(feed.valid.cardinality(), profiler.recorded());
            assertEquals(feed.valid.cardinality(), persistence.invocations.get());

            List<DeadLetterRow> dl = persistence.deadLetters();
            BitSet deadLines = new BitSet();
            for (DeadLetterRow r : dl) {
                assertEquals("file:feed.jsonl", r.source());
                assertFalse(r.reason().isBlank());
                assertEquals(Feed.line((int) r.lineNo()), r.payload(), "raw line kept");
                deadLines.set((int) r.lineNo());
            }
            assertEquals(feed.bad.cardinality(), dl.size(), "one dead letter per bad line");
            assertEquals(feed.bad, deadLines, "exactly the bad lines were dead-lettered");
            assertTrue(dl.stream().anyMatch(r -> r.reason().contains("malformed JSON")));
            assertTrue(dl.stream().anyMatch(r -> r.reason().contains("missing \"function\"")));
            assertTrue(dl.stream().anyMatch(r -> r.reason().contains("negative timestamp")));
            assertTrue(dl.stream().anyMatch(r -> r.reason().contains("neither epoch milliseconds nor ISO-8601")));
            assertTrue(dl.stream().anyMatch(r -> r.reason().contains("not a JSON object")));

            // moved only after a flush that confirmed every row of the file
            assertEquals(List.of((long) feed.valid.cardinality()), persistence.flushes());
            assertFalse(Files.exists(drop.resolve("feed.jsonl")));
        }
    }

    @Test
    void fileGoesToFailedWhenTheCommitIsNotConfirmed() throws Exception {
        Path drop = Files.createDirectories(tmp.resolve("ingest"));
        FakeProfiler profiler = new FakeProfiler();
        Fakes.Persistence persistence = new Fakes.Persistence();
        persistence.flushSucceeds = false;
        IngestRoutes routes = new IngestRoutes(settings(drop), profiler);
        routes.setPersistence(persistence.service());
        Feed feed = new Feed(1000);
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            ctx.addRoutes(routes);
            ctx.start();
            feed.dropInto(drop, "unconfirmed.jsonl");
            Await.until(Duration.ofSeconds(30), () -> TestSupport.find(drop, ".failed", "unconfirmed.jsonl").isPresent(),
                    () -> "unconfirmed.jsonl moved to .failed; stats " + routes.stats());
            assertFalse(TestSupport.find(drop, ".done", "unconfirmed.jsonl").isPresent());
            assertEquals(1, routes.stats().filesFailed());
            assertEquals(0, routes.stats().filesDone());
            assertEquals(feed.valid.cardinality(), profiler.recorded(), "accepted events are not lost");
        }
    }

    @Test
    void otherFilesAreLeftAlone() throws Exception {
        Path drop = Files.createDirectories(tmp.resolve("ingest"));
        FakeProfiler profiler = new FakeProfiler();
        IngestRoutes routes = new IngestRoutes(settings(drop), profiler);
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            ctx.addRoutes(routes);
            ctx.start();
            Files.writeString(drop.resolve("invocations_per_function_md.anon.d01.txt"), "HashOwner,HashApp\n");
            new Feed(200).dropInto(drop, "small.JSONL");
            Await.until(Duration.ofSeconds(30), () -> TestSupport.find(drop, ".done", "small.JSONL").isPresent(), "small.JSONL moved to .done");
            assertTrue(Files.exists(drop.resolve("invocations_per_function_md.anon.d01.txt")));
            assertEquals(new Feed(200).valid.cardinality(), profiler.recorded(), "without persistence too");
        }
    }
}

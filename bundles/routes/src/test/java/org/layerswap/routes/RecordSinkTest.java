package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.config.SecretToken;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.routes.api.IngestStats;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/** {@link IngestRoutes} as the {@link RecordSink} of the Kafka route, without a broker. */
class RecordSinkTest {

    private final FakeProfiler profiler = new FakeProfiler();
    private final Fakes.Persistence persistence = new Fakes.Persistence();
    private IngestRoutes routes;
    private CamelContext context;

    /**
     * Commit timeout 10 s: the queue's consumer can take about 1 s to see the first event after a start on a loaded
     * machine, so a 1 s timeout made the tests that expect a commit flaky; only the timeout's own test uses 1 s.
     */
    @BeforeEach
    void start() throws Exception {
        start(10);
    }

    private void start(long commitTimeoutSeconds) throws Exception {
        routes = new IngestRoutes(new RoutesSettings(null, 0, "/ingest", 8, 0, 0, commitTimeoutSeconds, 64),
                EdgeSettings.defaults(SecretToken.generate()), profiler, Clock.systemUTC());
        context = TestSupport.started(routes, persistence);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private static String event(String fn, int n) {
        return "{\"function\":\"" + fn + "\",\"timestamp\":" + (Fakes.BASE + n) + "}";
    }

    @Test
    void aValidRecordIsQueuedCountedUnderTheTextBeforeTheColonAndCommittedOnRequest() {
        assertNull(routes.offer("kafka:inv/0", 7, event("f", 1), "f"));
        assertNull(routes.offer("kafka:inv/1", 8, event("g", 2), null), "a record without key is taken");
        routes.awaitCommitted("test batch", "not acknowledged");
        assertEquals(2, profiler.recorded());
        assertEquals(List.of(2L), persistence.flushes());
        assertEquals(new IngestStats.SourceCounts(2, 0), routes.stats().bySource().get("kafka"));
    }

    @Test
    void aMalformedRecordIsDeadLetteredWithItsSourcePositionAndReason() {
        String over = "{\"function\":\"f\",\"timestamp\":1,\"p\":\"" + "x".repeat(70_000) + "\"}";
        assertEquals("record key is not the event's function id (records are keyed by function id)",
                routes.offer("kafka:inv/0", 3, event("f", 1), "g"));
        assertEquals("record has no value (a tombstone)", routes.offer("kafka:inv/0", 4, null, "f"));
        assertEquals("record value is blank", routes.offer("kafka:inv/0", 5, "", "f"));
        assertEquals("record value of " + over.length() + " characters exceeds maxLineChars 65536", routes.offer("kafka:inv/0", 6, over, "f"));
        List<DeadLetterRow> dead = persistence.deadLetters();
        assertEquals(4, dead.size());
        assertEquals("kafka:inv/0", dead.get(0).source());
        assertEquals(3, dead.get(0).lineNo());
        assertEquals(64 + ("...[" + over.length() + " chars]").length(), dead.get(3).payload().length(), "the payload is capped");
        assertEquals(new IngestStats.SourceCounts(0, 4), routes.stats().bySource().get("kafka"));
        assertEquals(0, profiler.recorded());
    }

    @Test
    void aCommitPersistenceDoesNotConfirmIsReportedNamingTheBatch() throws Exception {
        stop();
        start(1);
        persistence.flushSucceeds = false;
        assertNull(routes.offer("kafka:inv/0", 0, event("f", 1), "f"));
        // the first event after a start can take about 1 s to be consumed (a CI run timed out on that instead): ask
        // again, each time with a fresh 1 s, until the event has settled and only persistence is left to confirm
        IllegalStateException e = null;
        for (int attempt = 0; attempt < 10 && (e == null || e.getMessage().contains("were not consumed")); attempt++) {
            e = assertThrows(IllegalStateException.class,
                    () -> routes.awaitCommitted("kafka:inv/0 up to offset 0", "not committed"));
        }
        assertEquals("kafka:inv/0 up to offset 0: persistence did not confirm the commit within 1 s; not committed", e.getMessage());
    }

    @Test
    void aRecordTheProfilerDidNotAcceptRefusesTheNextCommitOnce() {
        profiler.beforeRecord(e -> {
            if (e.functionId().equals("down")) {
                throw new IllegalStateException("cluster put failed");
            }
        });
        // the first event after a start, consumed before the failing one
        assertNull(routes.offer("kafka:inv/0", 0, event("warm", 0), "warm"));
        Await.until(Duration.ofSeconds(10), () -> routes.stats().queueDepth() == 0, "the first event consumed");
        assertNull(routes.offer("kafka:inv/0", 0, event("down", 1), "down"));
        assertNull(routes.offer("kafka:inv/0", 1, event("f", 2), "f"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> routes.awaitCommitted("kafka:inv/0 up to offset 1", "not committed"));
        assertEquals("kafka:inv/0 up to offset 1: 1 events could not be delivered to the profiler since the last commit "
                + "(dead-lettered); not committed", e.getMessage());
        assertNull(routes.offer("kafka:inv/0", 0, event("g", 1), "g"), "read again after the refused commit");
        routes.awaitCommitted("kafka:inv/0 up to offset 1", "not committed");
    }

    @Test
    void stoppedRoutesRefuseARecordWithoutDeadLetteringIt() {
        context.stop();
        assertThrows(IllegalStateException.class, () -> routes.offer("kafka:inv/0", 0, event("f", 1), "f"));
        assertEquals(List.of(), persistence.deadLetters());
    }
}

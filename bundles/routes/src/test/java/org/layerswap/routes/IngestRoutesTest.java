package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.routes.api.IngestStats;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/** HTTP entry, OSGi-service entry, back-pressure and timers, on camel-test-junit5 (no OSGi). */
class IngestRoutesTest extends CamelTestSupport {

    private final FakeProfiler profiler = new FakeProfiler();
    private final Fakes.Persistence persistence = new Fakes.Persistence();
    private final int port = freePort();
    private IngestRoutes routes;

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        // tiny queue: producers must block, not drop; short timers
        RoutesSettings s = new RoutesSettings(null, port, "/ingest", 2, 1, 1, 30, 64);
        routes = new IngestRoutes(s, profiler);
        routes.setPersistence(persistence.service());
        return routes;
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post(body, "application/x-ndjson");
    }

    private HttpResponse<String> post(String body, String contentType) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", contentType)
                .header("Authorization", "Bearer " + routes.edge().token()).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static String ok(int n) {
        return "{\"function\":\"f" + n + "\",\"timestamp\":" + (Fakes.BASE + n) + "}";
    }

    @Test
    void httpBatchCountsAndDeadLettersBadLines() throws Exception {
        String longBad = "{\"function\":" + "x".repeat(200);
        String body = String.join("\n", ok(1), "{\"function\":\"f2\"}", ok(3), "", "not json", ok(6), longBad, ok(8)) + "\n";
        HttpResponse<String> r = post(body);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

        JsonParser p = new JsonFactory().createParser(r.body());
        long accepted = -1;
        long rejected = -1;
        List<Long> errorLines = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        assertEquals(JsonToken.START_OBJECT, p.nextToken());
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "accepted" -> accepted = p.getLongValue();
                case "rejected" -> rejected = p.getLongValue();
                case "errors" -> {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            if (f.equals("line")) {
                                errorLines.add(p.getLongValue());
                            } else {
                                reasons.add(p.getText());
                            }
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        assertEquals(4, accepted);
        assertEquals(3, rejected);
        assertEquals(List.of(2L, 5L, 7L), errorLines);
        assertTrue(reasons.get(0).contains("missing \"timestamp\""), reasons.get(0));

        Await.until(Duration.ofSeconds(10), () -> profiler.recorded() == 4, "4 events recorded");
        BitSet expected = new BitSet();
        List.of(1, 3, 6, 8).forEach(expected::set);
        assertEquals(expected, Fakes.seen(profiler));

        List<DeadLetterRow> dl = persistence.deadLetters();
        assertEquals(List.of(2L, 5L, 7L), dl.stream().map(DeadLetterRow::lineNo).toList());
        assertTrue(dl.stream().allMatch(d -> d.source().equals("http")));
        assertEquals("not json", dl.get(1).payload());
        assertTrue(dl.get(2).payload().length() < longBad.length() && dl.get(2).payload().endsWith("[" + longBad.length() + " chars]"),
                "raw line capped: " + dl.get(2).payload());
        IngestStats s = routes.stats();
        assertEquals(new IngestStats.SourceCounts(4, 3), s.bySource().get(IngestRoutes.SOURCE_HTTP));
    }

    @Test
    void httpBatchWithOnlyBadLinesIs400() throws Exception {
        HttpResponse<String> r = post("nope\n{\"timestamp\":1}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("{\"accepted\":0,\"rejected\":2,"), r.body());
        HttpResponse<String> empty = post("\n\n");
        assertEquals(400, empty.statusCode());
        assertTrue(empty.body().contains("no invocation lines"), empty.body());
    }

    @Test
    void httpRefusesTheMediaTypesABrowserSendsWithoutAPreflight() throws Exception {
        for (String type : List.of("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x")) {
            HttpResponse<String> r = post(ok(1) + "\n" + ok(3), type);
            assertEquals(415, r.statusCode(), type + ": " + r.body());
            assertTrue(r.body().contains("Content-Type must be one of application/json, application/x-ndjson"), r.body());
        }
        assertEquals(200, post(ok(1), "application/json; charset=utf-8").statusCode());
        Await.until(Duration.ofSeconds(10), () -> profiler.recorded() == 1, "the accepted event recorded");
        assertEquals(1, profiler.recorded(), "no refused request reached the profiler");
    }

    @Test
    void httpAcceptsOnlyPost() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest")).GET().build();
        int code = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
        assertEquals(405, code);
        assertEquals(0, profiler.recorded());
    }

    @Test
    void serviceEntryBlocksOnAFullQueueAndLosesNothing() throws Exception {
        profiler.beforeRecord(e -> sleepMillis(1)); // slow consumer, queue of 2
        int threads = 4;
        int perThread = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                fs.add(pool.submit(() -> {
                    for (int i = 1; i <= perThread; i++) {
                        routes.ingest(new InvocationEvent("f", Fakes.BASE + base + i, java.util.Map.of(), "svc"));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Await.until(Duration.ofSeconds(30), () -> profiler.recorded() == threads * perThread,
                () -> "every event delivered; delivered " + profiler.recorded());
        BitSet expected = new BitSet();
        expected.set(1, threads * perThread + 1);
        assertEquals(expected, Fakes.seen(profiler));
        assertEquals(0, Fakes.duplicates(profiler));
        Await.until(Duration.ofSeconds(10), () -> persistence.invocations.get() == threads * perThread, "every event persisted");
        IngestStats s = routes.stats();
        assertEquals(threads * perThread, s.bySource().get(IngestRoutes.SOURCE_SERVICE).accepted());
        assertEquals(0, s.queueDepth());
        assertThrows(IllegalArgumentException.class, () -> routes.ingest(null));
    }

    @Test
    void serviceEntryDeadLettersAndRefusesAnEventTheEdgeRulesRefuse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> routes.ingest(InvocationEvent.of("x".repeat(300), Fakes.BASE)));
        assertTrue(e.getMessage().contains("function id of 300 characters exceeds 256"), e.getMessage());
        long farFuture = System.currentTimeMillis() + 86_400_000L;
        assertThrows(IllegalArgumentException.class, () -> routes.ingest(InvocationEvent.of("f", farFuture)));
        List<DeadLetterRow> dl = persistence.deadLetters();
        assertEquals(2, dl.size());
        assertTrue(dl.get(1).reason().contains("ahead of the clock"), dl.get(1).reason());
        assertEquals(2, routes.stats().bySource().get(IngestRoutes.SOURCE_SERVICE).rejected());
        assertEquals(0, profiler.recorded());
    }

    @Test
    void timersRescoreAndApplyRetention() throws Exception {
        Await.until(Duration.ofSeconds(10), () -> profiler.rescores().size() >= 1 && persistence.retentionRuns.get() >= 1,
                "a rescore and a retention run");
        assertTrue(context.getRoutes().stream().map(r -> r.getRouteId()).toList()
                .containsAll(List.of("ingest-events", "ingest-http", "rescore", "retention")));
    }

    @Test
    void serviceEntryFailsClearlyWhenStopped() {
        context.stop();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> routes.ingest(InvocationEvent.of("f", 1)));
        assertTrue(e.getMessage().contains("not running"));
    }


    /** A slow consumer (not a wait: the sleep only slows the profiler so the bounded queue fills). */
    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

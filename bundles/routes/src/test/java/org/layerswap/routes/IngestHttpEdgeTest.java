package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.layerswap.testkit.Await;
import org.layerswap.routes.LoopbackHttp.Answer;
import org.layerswap.testkit.FakeProfiler;

/**
 * The ingest HTTP edge over a real loopback socket (camel-jetty), written byte by byte so that Host, Origin and
 * the body framing are exactly what an attacker would send.
 */
@Timeout(120)
class IngestHttpEdgeTest {

    private static final String TOKEN = "edge-test-token-0123456789abcdef";
    private static final long FIFTY_MB = 50L * 1024 * 1024;

    private final FakeProfiler profiler = new FakeProfiler();
    private final Fakes.Persistence persistence = new Fakes.Persistence();
    private final int port = freePort();
    private CamelContext context;

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void start() throws Exception {
        IngestRoutes routes = new IngestRoutes(new RoutesSettings(null, port, "/ingest", 100, 0, 0, 30, 64),
                EdgeSettings.defaults(TOKEN), profiler, Clock.systemUTC());
        context = TestSupport.started(routes, persistence);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    /** A POST of {@code bodyBytes} bytes repeating {@code unit} ({@code chunked}: without Content-Length). */
    private Answer post(String headers, byte[] unit, long bodyBytes, boolean chunked) throws Exception {
        return LoopbackHttp.post(port, headers, LoopbackHttp.repeating(unit, bodyBytes), chunked ? -1 : bodyBytes);
    }

    private Answer post(String headers, String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return post(headers, b, b.length, false);
    }

    private static String good(String extra) {
        return "Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: application/x-ndjson\r\n" + extra;
    }

    private static String line(int n) {
        return "{\"function\":\"f" + n + "\",\"timestamp\":" + (Fakes.BASE + n) + "}\n";
    }

    @Test
    void aMissingOrWrongTokenIs401WithABearerChallenge() throws Exception {
        Answer none = post("Host: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n", line(1));
        assertEquals(401, none.status(), none.text());
        assertTrue(none.text().contains("WWW-Authenticate: Bearer"), none.text());
        Answer wrong = post("Host: 127.0.0.1\r\nAuthorization: Bearer nope\r\nContent-Type: application/x-ndjson\r\n", line(1));
        assertEquals(401, wrong.status(), wrong.text());
        assertEquals(0, profiler.recorded());
    }

    @Test
    void aForeignHostIs421EvenWithTheToken() throws Exception {
        Answer a = post("Host: rebound.attacker.example:" + port + "\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/x-ndjson\r\n", line(1));
        assertEquals(421, a.status(), a.text());
        assertEquals(0, profiler.recorded());
    }

    @Test
    void aBrowserOriginIs403EvenWithTheToken() throws Exception {
        Answer a = post(good("Origin: http://evil.example\r\n"), line(1));
        assertEquals(403, a.status(), a.text());
        Answer plain = post("Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: text/plain\r\n", line(1));
        assertEquals(415, plain.status(), plain.text());
        assertEquals(0, profiler.recorded());
    }

    @Test
    void aFiftyMegabyteBodyIs413BeforeItIsRead() throws Exception {
        byte[] unit = line(7).getBytes(StandardCharsets.UTF_8);
        Answer declared = post(good(""), unit, FIFTY_MB, false);
        assertEquals(413, declared.status(), declared.text());
        assertTrue(declared.text().contains("exceeds maxBodyBytes 16777216"), declared.text());
        assertTrue(declared.bodyBytesWritten() < FIFTY_MB, "answered before the upload ended: " + declared.bodyBytesWritten());

        // no Content-Length: the byte count while streaming stops it, one endless line is never buffered whole
        Answer streamed = post(good(""), "x".getBytes(StandardCharsets.UTF_8), FIFTY_MB, true);
        assertEquals(413, streamed.status(), streamed.text());
        assertTrue(streamed.bodyBytesWritten() < FIFTY_MB, "answered before the upload ended: " + streamed.bodyBytesWritten());
        assertTrue(streamed.bodyBytesWritten() >= 16L * 1024 * 1024, "the cap was counted on the stream: " + streamed.bodyBytesWritten());
        assertEquals(0, profiler.recorded());
        assertEquals(0, persistence.deadLetters().size(), "the cut line is neither accepted nor dead-lettered");
    }

    @Test
    void validNdjsonWithTheTokenIsAcceptedAndBadLinesDeadLettered() throws Exception {
        String hugeId = "{\"function\":\"" + "h".repeat(300) + "\",\"timestamp\":" + Fakes.BASE + "}\n";
        Answer a = post(good(""), line(1) + line(2) + hugeId + line(4));
        assertEquals(200, a.status(), a.text());
        assertTrue(a.text().contains("{\"accepted\":3,\"rejected\":1,\"errors\":[{\"line\":3,\"reason\":\"function id of 300 characters exceeds 256\"}]}"),
                a.text());
        assertTrue(!a.text().contains(TOKEN), "the token is not reflected");
        Await.until(Duration.ofSeconds(10), () -> profiler.recorded() == 3, "3 events recorded");
        assertEquals("function id of 300 characters exceeds 256", persistence.deadLetters().get(0).reason());
    }

    @Test
    void aBatchIsAcknowledgedOnlyOnceItsEventsAreConsumedAndCommitted() throws Exception {
        Answer ok = post(good(""), line(1) + line(2));
        assertEquals(200, ok.status(), ok.text());
        // the reply came after the consumer had handed both events on and a flush had confirmed them
        assertEquals(2, profiler.recorded(), "events recorded when the 200 arrived");
        assertEquals(java.util.List.of(2L), persistence.flushes(), "invocations persisted at each flush before the reply");

        persistence.flushSucceeds = false;
        Answer refused = post(good(""), line(3));
        assertEquals(503, refused.status(), refused.text());
        assertTrue(refused.text().contains("HTTP batch: persistence did not confirm the commit within 30 s; not acknowledged"),
                refused.text());
    }

    @Test
    void aBatchTheProfilerDidNotAcceptIsNotAcknowledgedAndItsEventsAreDeadLettered() throws Exception {
        profiler.beforeRecord(e -> {
            if (e.functionId().equals("f2")) {
                throw new IllegalStateException("the owner of f2 did not answer");
            }
        });
        Answer refused = post(good(""), line(1) + line(2));
        assertEquals(503, refused.status(), refused.text());
        assertTrue(refused.text().contains("HTTP batch: 2 of its events could not be delivered to the profiler (dead-lettered); not acknowledged"),
                refused.text());
        assertEquals(2, persistence.deadLetters().size(), "the whole batch is dead-lettered: the client resends it");
        assertTrue(persistence.deadLetters().get(1).reason().contains("the owner of f2 did not answer"));

        Answer next = post(good(""), line(3));
        assertEquals(200, next.status(), "a later batch that is accepted is acknowledged: " + next.text());
    }
}

package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.routes.HostileIngestTest.Feed;
import org.layerswap.routes.LoopbackHttp.Answer;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/**
 * The hostile feed of {@link HostileIngestTest} through the real HTTP edge (camel-jetty on a loopback socket, the
 * shipped limits): over a million valid events with distinct random function ids in 40 streamed requests whose
 * lines interleave oversized ids, over-long lines, control characters and far-future timestamps, and between them
 * the requests an attacker would add: bodies over the cap (declared and chunked), binary garbage, no token, a
 * rebound Host, a browser's media type. Each request gets the right status; every valid event arrives exactly once,
 * every refused line is dead-lettered with its kind's reason, the live heap after each collection stays far below
 * what was sent, and the whole flood ends within the test's time bound.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class HostileHttpIngestTest {

    private static final String TOKEN = "hostile-http-token-0123456789abcdef";
    private static final int REQUESTS = 40;
    /** Lines per request: a multiple of every period of {@link HostileIngestTest#kind}, so a body's line k has kind(k). */
    private static final int LINES = 27_000;
    private static final long NOW = Fakes.BASE + 10_000_000L;
    private static final long HEAP_BOUND = 96L << 20;
    private static final Pattern COUNTS = Pattern.compile("\\{\"accepted\":(\\d+),\"rejected\":(\\d+)");

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String good(String extra) {
        return "Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: application/x-ndjson\r\n" + extra;
    }

    private static long[] counts(Answer a) {
        Matcher m = COUNTS.matcher(a.text());
        assertTrue(m.find(), "no counts in " + a.text());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    @Test
    void aMillionDistinctIdsAndHostileRequestsOverHttpGetTheirStatusesLoseNothingAndKeepTheHeapBounded() throws Exception {
        BitSet seen = new BitSet();
        AtomicLong duplicates = new AtomicLong();
        FakeProfiler profiler = new FakeProfiler().countingOnly().beforeRecord(e -> {
            int line = (int) (e.timestampMillis() - Fakes.BASE); // feed events carry BASE + global line number
            synchronized (seen) {
                if (seen.get(line)) {
                    duplicates.incrementAndGet();
                }
                seen.set(line);
            }
        });
        Fakes.Persistence persistence = new Fakes.Persistence();
        int port = freePort();
        IngestRoutes routes = new IngestRoutes(new RoutesSettings(null, port, "/ingest", 10_000, 0, 0, 30, 64),
                EdgeSettings.defaults(TOKEN), profiler, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        routes.setPersistence(persistence.service());
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(routes);
        context.start();
        AtomicLong maxLiveAfterGc = new AtomicLong();
        List<Runnable> unlisten = HostileIngestTest.listenToCollections(maxLiveAfterGc);
        try {
            System.gc();
            long baseline = HostileIngestTest.usedHeap();
            maxLiveAfterGc.set(0);
            long started = System.nanoTime();
            BitSet validLines = new BitSet();
            Map<Integer, Integer> hostileByKind = new HashMap<>();
            long sent = 0;
            long garbageRejected = 0;
            int valid = 0;
            for (int r = 0; r < REQUESTS; r++) {
                Feed feed = new Feed((long) r * LINES, LINES, Integer.MAX_VALUE, 14 + r);
                Answer a = LoopbackHttp.post(port, good(""), feed, -1);
                assertEquals(200, a.status(), "request " + r + ": " + a.text());
                long[] c = counts(a);
                assertEquals(feed.valid, c[0], "request " + r + " accepted");
                assertEquals(feed.hostile(), c[1], "request " + r + " rejected");
                valid += feed.valid;
                validLines.or(feed.validLines);
                feed.hostileByKind.forEach((k, v) -> hostileByKind.merge(k, v, Integer::sum));
                sent += feed.bytes;
                if (r % 8 == 3) {
                    garbageRejected += hostileRequests(port);
                }
            }
            int expectedValid = valid;
            Await.until(Duration.ofSeconds(120), () -> profiler.recorded() == expectedValid,
                    () -> "every valid event delivered: " + profiler.recorded() + " of " + expectedValid);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            assertTrue(valid >= 1_000_000, "a million distinct ids: " + valid);
            synchronized (seen) {
                assertEquals(validLines, seen, "every valid event arrived");
            }
            assertEquals(0, duplicates.get());
            int hostile = hostileByKind.values().stream().mapToInt(Integer::intValue).sum();
            List<DeadLetterRow> dl = persistence.deadLetters();
            assertEquals(hostile + garbageRejected, dl.size(), "every refused line is dead-lettered");
            Map<Integer, Integer> byKind = new HashMap<>();
            for (DeadLetterRow d : dl) {
                assertTrue(d.payload().length() <= 64 + 20, "dead-letter payload capped: " + d.payload().length());
                if (d.payload().startsWith("garbage")) {
                    continue; // the binary requests' lines: counted above
                }
                int k = HostileIngestTest.kind(d.lineNo());
                assertTrue(k != 0, "a valid line was dead-lettered: " + d);
                assertTrue(d.reason().contains(HostileIngestTest.REASONS.get(k)), "line " + d.lineNo() + " kind " + k + ": " + d.reason());
                byKind.merge(k, 1, Integer::sum);
            }
            assertEquals(hostileByKind, byKind);
            long live = maxLiveAfterGc.get() - baseline;
            System.out.println("hostile HTTP ingest: " + REQUESTS + " requests, " + valid + " valid events, " + (sent >> 20)
                    + " MB of events sent in " + seconds + " s; live heap after GC grew by at most " + (live >> 20) + " MB");
            assertTrue(live < HEAP_BOUND, "live heap grew by " + (live >> 20) + " MB while sending " + (sent >> 20) + " MB");
            assertTrue(sent > 2 * HEAP_BOUND, "the flood (" + sent + " bytes) dwarfs the bound");
        } finally {
            unlisten.forEach(Runnable::run);
            context.stop();
        }
    }

    /**
     * The requests an attacker adds to a flood, each answered with its status and none recorded: 413 for bodies over
     * the cap (declared 50 MB, and chunked past 16 MiB), 401 without the token, 421 for a rebound Host, 415 for a
     * browser's text/plain, 400 for a body of binary garbage lines. Returns how many garbage lines were rejected.
     */
    private static long hostileRequests(int port) throws Exception {
        byte[] line = "{\"function\":\"over-cap\",\"timestamp\":1}\n".getBytes(StandardCharsets.UTF_8);
        Answer declared = LoopbackHttp.post(port, good(""), LoopbackHttp.repeating(line, 50L << 20), 50L << 20);
        assertEquals(413, declared.status(), declared.text());
        Answer chunked = LoopbackHttp.post(port, good(""), LoopbackHttp.repeating("x".getBytes(StandardCharsets.UTF_8), 50L << 20), -1);
        assertEquals(413, chunked.status(), chunked.text());
        assertTrue(chunked.bodyBytesWritten() < 50L << 20, "refused while streaming: " + chunked.bodyBytesWritten());
        String body = "{\"function\":\"f\",\"timestamp\":" + Fakes.BASE + "}\n";
        Answer noToken = LoopbackHttp.post(port, "Host: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n",
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), body.length());
        assertEquals(401, noToken.status(), noToken.text());
        Answer rebound = LoopbackHttp.post(port, "Host: rebound.attacker.example\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/x-ndjson\r\n", new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), body.length());
        assertEquals(421, rebound.status(), rebound.text());
        Answer plain = LoopbackHttp.post(port, "Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: text/plain\r\n",
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), body.length());
        assertEquals(415, plain.status(), plain.text());

        StringBuilder garbage = new StringBuilder();
        Random random = new Random(7);
        int lines = 200;
        for (int i = 0; i < lines; i++) {
            garbage.append("garbage");
            for (int k = 0; k < 40; k++) {
                garbage.append((char) (0x21 + random.nextInt(0x5e))); // printable, never valid JSON after "garbage"
            }
            garbage.append('\n');
        }
        byte[] g = garbage.toString().getBytes(StandardCharsets.UTF_8);
        Answer bad = LoopbackHttp.post(port, good(""), new ByteArrayInputStream(g), g.length);
        assertEquals(400, bad.status(), bad.text());
        long[] c = counts(bad);
        assertEquals(0, c[0]);
        assertEquals(lines, c[1]);
        return c[1];
    }
}

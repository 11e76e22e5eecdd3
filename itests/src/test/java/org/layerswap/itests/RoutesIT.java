package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.routes.api.InvocationIngest;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * The Camel ingestion routes in the booted appliance: visible to camel:route-list, a dropped log
 * file is ingested with its bad lines dead-lettered (and moved to .done only after commit), HTTP
 * POST and the OSGi service entry feed the same queue.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RoutesIT extends ApplianceTestSupport {

    @Inject
    @Filter(timeout = 60_000)
    InvocationIngest ingest;

    @Inject
    BehavioralProfiler profiler;

    @Inject
    PersistenceService persistence;

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Test
    public void routesAreCamelRoutes() throws Exception {
        String routes = executeCommand("camel:route-list");
        for (String id : List.of("ingest-file", "ingest-http", "ingest-events", "rescore", "retention")) {
            assertTrue("camel:route-list lacks " + id + ":\n" + routes,
                    routes.lines().anyMatch(l -> l.contains(id) && l.contains("Started")));
        }
    }

    @Test
    public void droppedFileIsIngestedBadLinesDeadLetteredThenMoved() throws Exception {
        Path drop = Path.of(System.getProperty("karaf.data"), "ingest");
        Files.createDirectories(drop);
        long now = System.currentTimeMillis();
        List<String> lines = new ArrayList<>();
        Set<Long> bad = new TreeSet<>(List.of(10L, 50L, 77L));
        for (long n = 1; n <= 100; n++) {
            lines.add(bad.contains(n) ? "{\"function\":\"file-fn\",\"timestamp\":\"yesterday-ish\"}"
                    : "{\"function\":\"file-fn-" + (n % 4) + "\",\"timestamp\":" + (now - 100_000 + n * 100) + "}");
        }
        Path tmp = Files.createTempFile("itest-log", ".part");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, drop.resolve("itest-log.jsonl"), StandardCopyOption.ATOMIC_MOVE);

        assertTrue("the file was not moved to .done", waitFor(() -> doneFiles(drop).contains("itest-log.jsonl"), 60, TimeUnit.SECONDS));
        long ingested = 0;
        for (int f = 0; f < 4; f++) {
            FunctionProfile p = profiler.profiles().profile("file-fn-" + f);
            ingested += p == null ? 0 : p.invocationCount();
        }
        assertEquals("valid lines that reached the profiler", 97, ingested);
        assertTrue(persistence.flush(Duration.ofSeconds(30)));
        Set<Long> deadLines = persistence.recentDeadLetters(50).stream()
                .filter(d -> d.source().contains("itest-log.jsonl")).map(DeadLetterRow::lineNo).collect(Collectors.toCollection(TreeSet::new));
        assertEquals("dead-lettered line numbers", bad, deadLines);
    }

    @Test
    public void ingestCommandFeedsAFileThroughTheRoute() throws Exception {
        // the command reads only from the traces directory (the appliance runs as root)
        Path traces = Files.createDirectories(Path.of(System.getProperty("karaf.data"), "traces"));
        Path log = Files.createTempFile(traces, "itest-ingest", ".csv");
        long now = System.currentTimeMillis();
        Files.write(log, List.of("function,timestamp,tenant,params", "cmd-fn," + now + ",t1,", "cmd-fn,not-a-time,t1,",
                "cmd-fn," + (now + 1) + ",t2,size=large"), StandardCharsets.UTF_8);
        String out = executeCommand("layerswap:ingest " + log);
        assertTrue(out, out.contains("committed: 2 accepted, 1 rejected (dead letters)"));
        assertTrue("the operator's file must stay where it was", Files.isRegularFile(log));
        String missing = executeCommand("layerswap:ingest /no/such/file.jsonl");
        assertTrue(missing, missing.contains("Error: trace file '/no/such/file.jsonl' is outside the traces directory"));
        String shadow = executeCommand("layerswap:ingest /etc/shadow");
        assertTrue(shadow, shadow.contains("is outside the traces directory") && !shadow.contains("root:"));
        String replayShadow = executeCommand("layerswap:replay azure2021:/etc/shadow");
        assertTrue(replayShadow, replayShadow.contains("is outside the traces directory") && !replayShadow.contains("root:"));
        String wrongKind = executeCommand("layerswap:ingest " + Files.createTempFile(traces, "itest", ".txt"));
        assertTrue(wrongKind, wrongKind.contains("is not a .jsonl, .json or .csv invocation log"));
    }

    @Test
    public void httpAndServiceEntriesFeedTheSameQueue() throws Exception {
        long before = ingest.stats().accepted();
        long now = System.currentTimeMillis();
        String body = "{\"function\":\"http-fn\",\"timestamp\":" + now + "}\n"
                + "not json at all\n"
                + "{\"function\":\"http-fn\",\"timestamp\":" + (now + 1) + ",\"params\":{\"size\":\"large\"}}\n";
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + System.getProperty("layerswap.test.routesPort") + "/ingest").openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(5000);
        c.setReadTimeout(30_000);
        c.setRequestProperty("Content-Type", "application/x-ndjson");
        // the token the routes generated at first start (docs/security.md)
        String token = Files.readString(Path.of(System.getProperty("karaf.data"), "security", "ingest.token")).trim();
        c.setRequestProperty("Authorization", "Bearer " + token);
        c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, c.getResponseCode());
        String reply = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(reply, reply.contains("\"accepted\":2") && reply.contains("\"rejected\":1") && reply.contains("\"line\":2"));

        ingest.ingest(InvocationEvent.of("service-fn", now + 2));
        assertTrue("events did not reach the profiler", waitFor(() -> {
            FunctionProfile h = profiler.profiles().profile("http-fn");
            FunctionProfile s = profiler.profiles().profile("service-fn");
            return h != null && h.invocationCount() == 2 && s != null && s.invocationCount() == 1;
        }, 30, TimeUnit.SECONDS));
        assertEquals(before + 3, ingest.stats().accepted());
    }

    private static Set<String> doneFiles(Path drop) {
        Path done = drop.resolve(".done");
        if (!Files.isDirectory(done)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(done)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

}

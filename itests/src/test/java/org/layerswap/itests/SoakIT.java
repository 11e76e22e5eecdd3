package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.layerswap.itests.soak.IngestLoad;
import org.layerswap.itests.soak.MetricsScrape;
import org.layerswap.itests.soak.ProcessProbe;
import org.layerswap.itests.soak.RegistryFaults;
import org.layerswap.itests.soak.SoakRecorder;
import org.layerswap.itests.soak.SoakRegistry;
import org.layerswap.itests.soak.SoakReport;

/**
 * The soak: the built appliance as a separate process ({@link RunningAppliance}: the tarball unpacked, bin/karaf)
 * under the demo fleet at a high rate plus {@code layerswap.soak.eventsPerSecond} (5 000) invocation events/s over
 * HTTP ingest in bounded batches ({@code SENDERS} connections), switched between predictors every 30 s, its
 * filesystem backend switched to copy and back within the second lifetime (so the first and the last, which are
 * compared, run on the same backend), its layers pulled from a real loopback {@code docker-registry} in the second
 * lifetime while that registry's link is throttled and the registry is stopped and restarted ({@link RegistryFaults};
 * the first and last lifetimes pull from the local layout as shipped), and killed with SIGKILL twice, restarted
 * on the same data each time: three lifetimes of {@code layerswap.soak.seconds}/3 of load each (180 s in all in the
 * default test run, 1800 with {@code -Psoak}), counted from when each lifetime serves. Then it is stopped cleanly and:
 * <ul>
 *   <li>every event the driver got a 2xx for is a row in H2 (the appliance's file, opened with the H2 driver once
 *       the appliance has exited);</li>
 *   <li>no mount is left under its home;</li>
 *   <li>its heap's low point stays under 3/4 of its cap; its live set (the heap after a full GC forced with
 *       {@code jcmd GC.run} at the end of each lifetime, under load) does not grow from the first to the last lifetime;
 *       threads and file descriptors do not grow from the first to the last lifetime;</li>
 *   <li>invocation overhead p99 (arrival to first instruction) of the last lifetime is within 2x (+50 ms) of the
 *       first's;</li>
 *   <li>after each restart the function catalog (a function defined through the shell) and the profiler snapshot
 *       (that function's invocation count) are back, and {@link #assertRootsAdopted} checks that
 *       {@code layerswap:status} reports adopted roots;</li>
 *   <li>during the registry outage functions keep serving (executions succeed) and what needs the registry fails with
 *       a clear error that the metrics count; after its restart fetches succeed again ({@link RegistryFaults}).</li>
 * </ul>
 * The figures go to stdout and {@code target/soak-report.md}.
 */
public class SoakIT {

    private static final long SECONDS = Long.getLong("layerswap.soak.seconds", 180);
    private static final int EVENTS_PER_SECOND = Integer.getInteger("layerswap.soak.eventsPerSecond", 5000);
    private static final int BATCH = Integer.getInteger("layerswap.soak.batch", 500);
    private static final int SENDERS = 4;
    private static final long SAMPLE_MILLIS = 5_000;
    private static final long WARMUP_MILLIS = 20_000;
    /**
     * Every lifetime starts on the shipped predictor and runs the same rotation (a switch every 30 s), so the first and
     * the last lifetime, whose figures are compared, carry the same predictor load (encog's training costs CPU).
     */
    private static final String FIRST_PREDICTOR = "markov";
    private static final List<String> PREDICTORS = List.of("encog", "histogram", "markov");
    private static final String PROBE = "soak-probe";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    public void noAcknowledgedEventIsLostAndNothingGrowsUnderLoadSwitchesAndKills() throws Exception {
        assertEquals("the soak mounts overlay roots: run it as root", "root", System.getProperty("user.name"));
        long launched = System.currentTimeMillis();
        SoakRecorder recorder = new SoakRecorder(WARMUP_MILLIS);
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "soak-");
        try (SoakRegistry registry = SoakRegistry.start(work.resolve("registry"))) {
            List<String> images = SoakRegistry.writeImages(work.resolve("images"), RegistryFaults.IMAGES, RegistryFaults.FILLER_BYTES);
            registry.pushLayout(work.resolve("images"));
            soak(launched, recorder, registry, images);
        }
    }

    private void soak(long launched, SoakRecorder recorder, SoakRegistry registry, List<String> images) throws Exception {
        RunningAppliance appliance = RunningAppliance.start(null, home -> {
            // the demo fleet at 15x its shipped rate with more executions at once; snapshots often enough to be
            // restored after a kill that comes a minute in
            append(home, "org.layerswap.demo.cfg", "speedup = 300\nexecutors = 4");
            append(home, "org.layerswap.profiler.cfg", "snapshotIntervalSeconds = 15");
            // the registry source, used from the second lifetime on: through the link; a registry found down is
            // asked again after 2 s (not the shipped 10)
            append(home, "org.layerswap.source.oci.cfg", "registry = " + registry.url() + "\nmaxBackoffMillis = 2000");
        });
        Path home = appliance.home;
        AtomicReference<RunningAppliance> current = new AtomicReference<>(appliance);
        recorder.newSegment(System.currentTimeMillis());
        Path tokenFile = home.resolve("data/security/ingest.token");
        awaitFile(tokenFile);
        long probeCount = defineProbe(appliance, tokenFile);
        awaitFile(home.resolve("data/images/demo-images.txt")); // the demo's layout is complete
        int pushed = registry.pushLayout(home.resolve("data/images"));

        // the load phase: three lifetimes of SECONDS/3 each, counted from when a lifetime serves (restarts take what
        // they take on top); the appliance is killed at the end of the first two
        long lifetimeMillis = SECONDS * 1000 / 3;
        long t0 = System.currentTimeMillis();
        SoakReport report = new SoakReport(t0, SECONDS, EVENTS_PER_SECOND);
        report.event(t0, "booted and set up in " + (t0 - launched) / 1000 + " s (the demo's " + pushed
                + " images pushed to the loopback registry); load starts");
        RegistryFaults faults = new RegistryFaults(registry, faultTarget(current), report, images, lifetimeMillis);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> sample(current.get(), recorder, report), 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        List<IngestLoad> loads = new ArrayList<>();
        List<Thread> loaders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) { // one batch in flight per sender: SENDERS connections share the rate
            IngestLoad load = new IngestLoad(() -> URI.create("http://127.0.0.1:" + appliance.routesPort + "/ingest"),
                    () -> read(tokenFile), EVENTS_PER_SECOND / SENDERS, BATCH, 200, i);
            loads.add(load);
            Thread t = new Thread(load, "soak-ingest-" + i);
            t.start();
            loaders.add(t);
        }
        long lifetimeEnd = t0 + lifetimeMillis;
        int kills = 0;
        long nextSwitch = t0 + 30_000;
        long backendCopyAt = 0;
        long backendBackAt = 0;
        int predictor = 0;
        try {
            while (true) {
                long now = System.currentTimeMillis();
                if (now >= lifetimeEnd) { // the lifetime's live set, under its load, before it ends
                    recorder.liveHeap(current.get().liveHeapBytes());
                }
                if (now >= lifetimeEnd && kills == 2) {
                    break;
                } else if (now >= lifetimeEnd) {
                    if (kills == 1) {
                        faults.await(120_000); // the lifetime lasts until its registry faults are through
                        now = System.currentTimeMillis();
                    }
                    kills++;
                    current.get().killHard();
                    report.event(now, "kill -9 #" + kills + " (" + acknowledged(loads) + " events acknowledged so far)");
                    // the middle lifetime pulls from the registry, the others from the layout (as shipped)
                    useSource(home, kills == 1 ? "oci" : "layout");
                    report.event(System.currentTimeMillis(), "layer source -> " + (kills == 1 ? "oci (the loopback registry)" : "layout"));
                    long down = System.currentTimeMillis();
                    current.set(current.get().restart());
                    recorder.newSegment(System.currentTimeMillis());
                    report.event(System.currentTimeMillis(), "restarted, serving after " + (System.currentTimeMillis() - down) / 1000 + " s");
                    assertStateRestored(current.get(), probeCount, report);
                    api(current.get(), "POST", "/layerswap/api/predictor?name=" + FIRST_PREDICTOR, "\"predictor\":\"" + FIRST_PREDICTOR + "\"");
                    report.event(System.currentTimeMillis(), "predictor -> " + FIRST_PREDICTOR + " (the lifetime's rotation starts again)");
                    predictor = 0;
                    lifetimeEnd = System.currentTimeMillis() + lifetimeMillis;
                    nextSwitch = System.currentTimeMillis() + 30_000;
                    if (kills == 1) { // both backend switches in the middle lifetime: the first and last run alike (overlay)
                        backendCopyAt = System.currentTimeMillis() + lifetimeMillis / 3;
                        backendBackAt = System.currentTimeMillis() + lifetimeMillis * 2 / 3;
                        faults.start(); // so are the registry's faults
                    }
                } else if (now >= nextSwitch) {
                    String name = PREDICTORS.get(predictor++ % PREDICTORS.size());
                    api(current.get(), "POST", "/layerswap/api/predictor?name=" + name, "\"predictor\":\"" + name + "\"");
                    report.event(now, "predictor -> " + name);
                    nextSwitch = now + 30_000;
                } else if (backendCopyAt > 0 && now >= backendCopyAt) {
                    backendCopyAt = 0;
                    api(current.get(), "POST", "/layerswap/api/backend?name=copy", "\"backend\":\"copy\"");
                    report.event(now, "filesystem backend -> copy");
                } else if (backendBackAt > 0 && now >= backendBackAt) {
                    backendBackAt = 0;
                    api(current.get(), "POST", "/layerswap/api/backend?name=auto", "\"backend\":\"auto\"");
                    report.event(now, "filesystem backend -> auto (overlay)");
                } else {
                    Thread.sleep(500);
                }
            }
        } finally {
            loads.forEach(IngestLoad::stop);
            for (Thread t : loaders) {
                t.join(60_000);
            }
            sampler.shutdownNow();
            sampler.awaitTermination(60, TimeUnit.SECONDS);
        }
        long acknowledged = acknowledged(loads);
        report.ingest(loads.stream().mapToLong(IngestLoad::sent).sum(), acknowledged,
                loads.stream().mapToLong(IngestLoad::unacknowledgedBatches).sum(), (System.currentTimeMillis() - t0) / 1000.0);
        report.lastScrape(scrape(current.get()));
        report.figure("registry link: bytes downloaded / connections refused while the registry was down",
                registry.link().downloadedBytes() + " / " + registry.link().refusedConnections());
        List<String> leaked = current.get().stop();
        long rows = countRows(home);
        report.finish(recorder, rows, leaked, (System.currentTimeMillis() - launched) / 1000.0);
        Path out = Path.of("target", "soak-report.md");
        Files.writeString(out, report.markdown());
        System.out.println(report.markdown());

        assertTrue("no event was acknowledged at all", acknowledged > 0);
        assertTrue("acknowledged events lost: " + acknowledged + " acknowledged, " + rows + " rows in H2 (" + out + ")",
                rows >= acknowledged);
        assertEquals("mounts left under " + home, List.of(), leaked);
        report.assertSteady(recorder);
    }

    /** The registry faults act on whichever lifetime is current: invocations over REST, definitions through the shell. */
    private RegistryFaults.Appliance faultTarget(AtomicReference<RunningAppliance> current) {
        return new RegistryFaults.Appliance() {
            @Override
            public String invoke(String function) throws Exception {
                return api(current.get(), "POST", "/layerswap/api/invoke?function=" + function, "\"status\"");
            }

            @Override
            public String define(String function, String image) throws Exception {
                return current.get().client("layerswap:function-add " + function + " " + image);
            }

            @Override
            public MetricsScrape scrape() throws Exception {
                return SoakIT.this.scrape(current.get());
            }
        };
    }

    /**
     * Points the layer store and the swap manager at the layer source {@code name} ({@code oci} or {@code layout}):
     * their {@code source.target} lines in etc/, edited while the appliance is down (read at its next start).
     */
    private static void useSource(Path home, String name) throws java.io.IOException {
        for (String cfg : List.of("org.layerswap.store.cfg", "org.layerswap.swap.cfg")) {
            Path file = home.resolve("etc").resolve(cfg);
            String before = Files.readString(file);
            String after = before.replaceAll("(?m)^source\\.target\\s*=.*$", "source.target = (name=" + name + ")");
            assertTrue("no source.target line in " + file, after.contains("source.target = (name=" + name + ")"));
            Files.writeString(file, after);
        }
    }

    private static long acknowledged(List<IngestLoad> loads) {
        return loads.stream().mapToLong(IngestLoad::acknowledged).sum();
    }

    /**
     * A REST call as a script makes it (HTTP Basic as the generated admin, {@code X-Requested-By} as the CSRF
     * proof); the reply must be 200 and contain {@code expect}. Returns the body.
     */
    private String api(RunningAppliance appliance, String method, String path, String expect) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString(("karaf:" + appliance.adminPassword()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(appliance.url(path))).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + basic).header("X-Requested-By", "layerswap")
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(method + " " + path + " answered " + r.statusCode() + ": " + r.body(), r.statusCode() == 200 && r.body().contains(expect));
        return r.body();
    }

    /**
     * Defines a function through the shell and gives it 25 invocations over HTTP ingest; returns the count once the
     * profiler shows it (the first kill comes a lifetime later, several 15 s snapshots after).
     */
    private long defineProbe(RunningAppliance appliance, Path tokenFile) throws Exception {
        String fn = null;
        long deadline = System.currentTimeMillis() + 120_000;
        while (fn == null && System.currentTimeMillis() < deadline) { // the demo defines its functions after boot
            Matcher m = Pattern.compile("\"function\":\"([^\"]+)\"").matcher(api(appliance, "GET", "/layerswap/api/functions", "\"functions\""));
            fn = m.find() ? m.group(1) : null;
            if (fn == null) {
                Thread.sleep(2000);
            }
        }
        assertTrue("the demo defined no function within 2 minutes", fn != null);
        String added = appliance.client("layerswap:function-add " + PROBE + " demo/" + fn + ":1");
        assertTrue(added, added.contains("Function " + PROBE + " -> demo/" + fn + ":1"));
        StringBuilder body = new StringBuilder();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 25; i++) {
            body.append("{\"function\":\"").append(PROBE).append("\",\"timestamp\":").append(now - 25 + i).append("}\n");
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appliance.routesPort + "/ingest"))
                .header("Content-Type", "application/x-ndjson").header("Authorization", "Bearer " + read(tokenFile))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(r.body(), 200, r.statusCode());
        long count = 0;
        while (count < 25 && System.currentTimeMillis() < deadline + 60_000) {
            count = probeInvocations(appliance);
            Thread.sleep(1000);
        }
        assertEquals("the probe's invocations in the profiler", 25, count);
        return count;
    }

    /** The probe's invocation count from {@code GET /layerswap/api/functions} (as layerswap:functions); -1 when not listed. */
    private long probeInvocations(RunningAppliance appliance) throws Exception {
        Matcher m = Pattern.compile("\"function\":\"" + PROBE + "\",\"layers\":\\d+,\"resident\":\\d+,\"invocations\":(\\d+)")
                .matcher(api(appliance, "GET", "/layerswap/api/functions", "\"functions\""));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * What a restart must restore today: the function catalog (the probe, defined through the shell, not by the
     * demo) and the profiler snapshot (its 25 invocations, ingested before the first snapshot the kill followed).
     */
    private void assertStateRestored(RunningAppliance appliance, long probeCount, SoakReport report) throws Exception {
        String status = appliance.client("layerswap:status");
        long count = -1;
        long deadline = System.currentTimeMillis() + 60_000;
        while (count != probeCount && System.currentTimeMillis() < deadline) {
            count = probeInvocations(appliance);
            if (count != probeCount) {
                Thread.sleep(1000);
            }
        }
        assertTrue("the function catalog lost " + PROBE + " across the restart", count >= 0);
        assertEquals("the profiler snapshot's invocation count of " + PROBE + " after the restart", probeCount, count);
        report.event(System.currentTimeMillis(), "restored: catalog and profiler snapshot (" + PROBE + " " + count + " invocations)");
        long adopted = assertRootsAdopted(status, report);
        // the REST view of the same report: read later, it lists at least what the shell printed (roots still pending
        // then may have been adopted since)
        Matcher rest = Pattern.compile("\"counts\":\\{\"adopted\":(\\d+)")
                .matcher(api(appliance, "GET", "/layerswap/api/restart", "\"counts\""));
        assertTrue("GET /layerswap/api/restart has no adopted count", rest.find());
        assertTrue("GET /layerswap/api/restart reports " + rest.group(1) + " roots adopted, layerswap:status " + adopted,
                Long.parseLong(rest.group(1)) >= adopted);
    }

    /**
     * After a kill -9 that left the demo's roots mounted, {@code layerswap:status} ("Since the last start: N root(s)
     * adopted, ...") must report that the restarted appliance adopted roots instead of recomposing them.
     */
    static long assertRootsAdopted(String status, SoakReport report) {
        Matcher m = Pattern.compile("Since the last start: (\\d+) root\\(s\\) adopted").matcher(status);
        assertTrue("layerswap:status does not say what it adopted after a kill -9:\n" + status, m.find());
        assertTrue("layerswap:status reports no adopted roots after a kill -9:\n" + status, Long.parseLong(m.group(1)) > 0);
        report.event(System.currentTimeMillis(), "adopted roots: " + m.group(1));
        return Long.parseLong(m.group(1));
    }

    /**
     * One sample of the appliance's JVM and metrics. While it is down or its metrics are not up yet in a fresh
     * lifetime (no token, no 200, no JVM) the sample is skipped and counted.
     */
    private void sample(RunningAppliance appliance, SoakRecorder recorder, SoakReport report) {
        try {
            MetricsScrape scrape = scrape(appliance);
            if (scrape == null) {
                report.scrapeGap();
                return;
            }
            recorder.sample(System.currentTimeMillis(), ProcessProbe.of(appliance.jvm().pid()), scrape);
        } catch (java.io.IOException | RuntimeException e) {
            report.scrapeGap();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The appliance's metrics now, or null when it does not serve them (down, starting). */
    private MetricsScrape scrape(RunningAppliance appliance) throws java.io.IOException, InterruptedException {
        Path token = appliance.home.resolve("data/security/metrics.token");
        if (!Files.isRegularFile(token)) {
            return null;
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(appliance.url("/layerswap/metrics")))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + read(token)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? MetricsScrape.parse(r.body()) : null;
    }

    /** Rows the driver's events left in the appliance's H2 file, read with the H2 driver after the appliance exited. */
    private static long countRows(Path home) throws Exception {
        Class.forName("org.h2.Driver");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("data/layerswap/layerswap"), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM invocations WHERE function_id LIKE '" + IngestLoad.FUNCTION_PREFIX + "%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.isRegularFile(file) && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        assertTrue("not generated: " + file, Files.isRegularFile(file));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void append(Path home, String cfg, String lines) throws java.io.IOException {
        Files.writeString(home.resolve("etc").resolve(cfg), "\n" + lines + "\n", java.nio.file.StandardOpenOption.APPEND);
    }
}

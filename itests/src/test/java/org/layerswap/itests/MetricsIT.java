package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.layerswap.api.FunctionExecutor;
import org.layerswap.api.LayerId;
import org.layerswap.api.SwapManager;
import org.layerswap.demo.images.SampleImages;
import org.layerswap.oci.format.OciLayoutWriter;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The appliance as built, scraped by a real Prometheus (Debian's package) that the test starts on loopback with a
 * generated config pointing at /layerswap/metrics and the generated scrape token file. Invocations, a swap, a
 * threshold change and an operator prefetch go through the shell; Prometheus's query API must then report what the shell reports, and the
 * same counters read over Karaf's JMX connector (RMI on loopback, the itests' admin) must agree.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsIT extends ApplianceTestSupport {

    @Inject
    @Filter(timeout = 60_000)
    SwapManager swapManager;

    @Inject
    @Filter(timeout = 60_000)
    FunctionExecutor executor;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Test
    public void prometheusAndJmxShowWhatTheShellShows() throws Exception {
        assumeTrue("overlay roots and sandboxes need root", "root".equals(System.getProperty("user.name")));
        File prometheus = new File("/usr/bin/prometheus");
        assertTrue("Debian's prometheus package is missing (.ci/prereqs test installs it)", prometheus.canExecute());
        assertTrue("executor unavailable: " + executor.unavailableReason(), executor.isAvailable());

        // the endpoint refuses requests without the generated token
        Path tokenFile = Path.of(System.getProperty("karaf.data"), "security", "metrics.token");
        assertTrue("the scrape token was not generated at " + tokenFile,
                waitFor(() -> Files.isRegularFile(tokenFile), 60, TimeUnit.SECONDS));
        String token = Files.readString(tokenFile).trim();
        assertTrue(waitFor(() -> status("/layerswap/metrics", null) == 401, 60, TimeUnit.SECONDS));
        assertEquals(401, status("/layerswap/metrics", "Bearer wrong-" + token));
        assertEquals(401, status("/layerswap/metrics", "Basic " + java.util.Base64.getEncoder()
                .encodeToString(ADMIN.getBytes(StandardCharsets.UTF_8))));
        assertEquals(200, status("/layerswap/metrics", "Bearer " + token));

        // drive the appliance through the shell
        publishImages();
        String added = executeCommand("layerswap:function-add exec-m itest-metrics/m:1");
        assertTrue(added, added.contains("Function exec-m -> itest-metrics/m:1 (3 layers)"));
        for (String invoke : List.of("layerswap:invoke exec-m user=1", "layerswap:invoke exec-m user=2",
                "layerswap:invoke exec-m exit=3", "layerswap:invoke exec-m user=4")) {
            String out = executeCommand(invoke);
            assertTrue(out, out.contains(": SUCCEEDED (exit 0)") || out.contains(": FAILED (exit 3)"));
        }
        List<LayerId> layers = swapManager.functionLayers().layersOf("exec-m");
        String swapped = executeCommand("layerswap:swap exec-m " + String.join(" ", layers.stream().map(LayerId::digest).toList()));
        assertTrue(swapped, swapped.contains("SUCCEEDED"));
        executeCommand("layerswap:threshold 0.37");

        // an operator prefetch of a second function's two own layers, then an invocation that runs on them
        assertTrue(executeCommand("layerswap:function-add exec-p itest-metrics/p:1").contains("(3 layers)"));
        String prefetch = executeCommand("layerswap:prefetch exec-p");
        assertTrue(prefetch, prefetch.contains("Prefetching 2 layer(s)"));
        assertTrue("the prefetches did not finish", waitFor(() -> {
            try {
                return executeCommand("layerswap:prefetches --in-flight").startsWith("0 fetch(es) in flight");
            } catch (Exception e) {
                return false;
            }
        }, 60, TimeUnit.SECONDS));
        String onPrefetched = executeCommand("layerswap:invoke exec-p");
        assertTrue(onPrefetched, onPrefetched.contains(": SUCCEEDED (exit 0)") && !onPrefetched.contains("Fetched on demand"));

        ShellFigures first = shellFigures();
        assertEquals(first.toString(), 4, first.succeeded());
        assertEquals(first.toString(), 1, first.failed());
        assertTrue(first.toString(), first.onDemand() >= 3);
        assertTrue(first.toString(), first.swapsSucceeded() >= 1);

        Path dir = Files.createTempDirectory("layerswap-itest-prometheus");
        int port = freeLoopbackPort();
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "scrape_configs:",
                "  - job_name: layerswap",
                "    metrics_path: /layerswap/metrics",
                "    scrape_interval: 1s",
                "    authorization:",
                "      credentials_file: " + tokenFile,
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + System.getProperty("layerswap.test.httpPort") + "']",
                ""));
        Process server = new ProcessBuilder(prometheus.getPath(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + port;
            String predictor = activePredictor();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            Map<String, Double> expected;
            Map<String, Double> seen = new HashMap<>();
            while (true) { // the shell's figures now against Prometheus's latest scrape, until both settle on the same
                ShellFigures shell = shellFigures();
                expected = new HashMap<>();
                expected.put("up{job=\"layerswap\"}", 1.0);
                expected.put("layerswap_executions_total{status=\"succeeded\"}", (double) shell.succeeded());
                expected.put("layerswap_executions_total{status=\"failed\"}", (double) shell.failed());
                expected.put("layerswap_invocations_total", (double) (shell.succeeded() + shell.failed()));
                expected.put("sum(layerswap_swaps_total{outcome=\"succeeded\"})", (double) shell.swapsSucceeded());
                expected.put("sum(layerswap_fetches_total{source=\"on_demand\"})", (double) shell.onDemand());
                expected.put("layerswap_critical_path_fetches_total", (double) shell.onDemand());
                expected.put("layerswap_threshold", 0.37);
                expected.put("layerswap_fetched_bytes_budget", 1.5); // etc/'s fetchBudgetVsLru, through SwapManager.fetchBudget
                expected.put("layerswap_cold_start_seconds_count{phase=\"mount\"}", (double) (shell.succeeded() + shell.failed()));
                expected.put("layerswap_prefetches_started_total", (double) shell.prefetches());
                expected.put("sum(layerswap_fetches_total{source=\"prefetch\"}) + sum(layerswap_prefetches_in_flight)",
                        (double) shell.prefetches());
                expected.put("layerswap_predictor_info{predictor=\"" + predictor + "\"}", 1.0);
                seen.clear();
                for (String q : expected.keySet()) {
                    seen.put(q, query(api, q));
                }
                if (seen.equals(expected) || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            assertEquals("Prometheus's answers (log: " + dir.resolve("prometheus.log") + ")", expected, seen);
            double storeUsed = query(api, "layerswap_store_used_bytes");
            assertTrue("store bytes " + storeUsed, storeUsed > 0 && storeUsed <= query(api, "layerswap_store_budget_bytes"));
            assertTrue(query(api, "sum(layerswap_fetched_bytes_total)") > 0);
            double used = query(api, "layerswap_prefetches_used_total");
            assertTrue("prefetched layers used: " + used, used >= 2 && used <= query(api, "layerswap_prefetches_started_total"));
            assertTrue(query(api, "layerswap_prefetch_used_bytes_total") >= 2 << 20);
            assertEquals(1.0, query(api, "count(layerswap_h2_writer_lag_rows >= 0)"), 0);
            assertEquals(1.0, query(api, "count(layerswap_ingest_queue_depth >= 0)"), 0);

            // the same counters over Karaf's JMX connector
            try (JMXConnector jmx = connectJmx()) {
                MBeanServerConnection c = jmx.getMBeanServerConnection();
                ObjectName executionsBean = new ObjectName("org.layerswap:type=executions");
                ShellFigures shell = shellFigures();
                assertEquals((double) shell.succeeded(), c.getAttribute(executionsBean, "executions.count[status=succeeded]"));
                assertEquals((double) shell.failed(), c.getAttribute(executionsBean, "executions.count[status=failed]"));
                assertEquals((double) shell.onDemand(), c.getAttribute(new ObjectName("org.layerswap:type=criticalpath"),
                        "critical.path.fetches.count"));
                assertEquals(0.37, c.getAttribute(new ObjectName("org.layerswap:type=threshold"), "threshold.value"));
            }
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private String activePredictor() {
        org.osgi.framework.ServiceReference<org.layerswap.api.BehavioralProfiler> ref =
                bundleContext.getServiceReference(org.layerswap.api.BehavioralProfiler.class);
        try {
            return bundleContext.getService(ref).activePredictor();
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    /** What the shell's history commands show: executions by status, succeeded swaps, on-demand fetches. */
    private record ShellFigures(long succeeded, long failed, long swapsSucceeded, long onDemand, long prefetches) {
    }

    private ShellFigures shellFigures() throws Exception {
        String executions = executeCommand("layerswap:executions -n 1000");
        String fetches = executeCommand("layerswap:prefetches -n 10000"); // in flight and finished
        return new ShellFigures(occurrences(executions, " SUCCEEDED "), occurrences(executions, " FAILED "),
                occurrences(executeCommand("layerswap:swaps -n 1000"), " SUCCEEDED "),
                occurrences(fetches, " ON_DEMAND "), occurrences(fetches, " PREFETCH "));
    }

    private static final HttpClient PROMETHEUS_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** One instant value from Prometheus's query API; NaN when it has no answer (yet: no result, starting, slow). */
    private static double query(String api, String promql) throws InterruptedException {
        HttpResponse<String> r;
        try {
            r = PROMETHEUS_CLIENT.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
        if (r.statusCode() != 200) {
            return Double.NaN;
        }
        Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static int status(String path, String authorization) {
        try {
            return authorization == null ? http("GET", path, null).status()
                    : http("GET", path, null, "Authorization", authorization).status();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static long occurrences(String text, String word) {
        return Pattern.compile(Pattern.quote(word)).matcher(text).results().count();
    }

    private static int freeLoopbackPort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Connects to Karaf's JMX connector as the itests' admin. One CI run saw {@code NoSuchObjectException: no such
     * object in table} here: the registry handed out a server stub whose object was no longer exported, which is
     * what a connector restarted by Karaf's management bundle looks like for a moment. Connecting is retried for
     * up to 30 s; what the counters say is asserted only once, after a connection is made. If it never connects,
     * the failure names the URL and who listens on its two ports.
     */
    private JMXConnector connectJmx() throws Exception {
        String url = jmxUrl();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        java.io.IOException last;
        int attempts = 0;
        do {
            attempts++;
            try {
                return JMXConnectorFactory.connect(new JMXServiceURL(url),
                        Map.of(JMXConnector.CREDENTIALS, new String[] {ADMIN_USER, ADMIN_PASSWORD}));
            } catch (java.io.IOException e) {
                last = e;
                Thread.sleep(1000);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no JMX connection to " + url + " after " + attempts + " attempts; listeners: "
                + listeners(), last);
    }

    /** {@code ss -ltnp}'s lines for Karaf's two RMI ports, to tell a port taken by another process from a dead connector. */
    private String listeners() {
        try {
            Dictionary<String, Object> p = configurationAdmin.getConfiguration("org.apache.karaf.management", null).getProperties();
            Process ss = new ProcessBuilder("ss", "-ltnp").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(10, TimeUnit.SECONDS);
            return out.lines().filter(l -> l.contains(":" + p.get("rmiRegistryPort") + " ") || l.contains(":" + p.get("rmiServerPort") + " "))
                    .toList().toString();
        } catch (Exception e) {
            return "(ss failed: " + e + ")";
        }
    }

    /** Karaf's JMX service URL from its management configuration (the ports the test support chose). */
    private String jmxUrl() throws Exception {
        Dictionary<String, Object> p = configurationAdmin.getConfiguration("org.apache.karaf.management", null).getProperties();
        return "service:jmx:rmi://127.0.0.1:" + p.get("rmiServerPort") + "/jndi/rmi://127.0.0.1:" + p.get("rmiRegistryPort")
                + "/karaf-" + System.getProperty("karaf.name", "root");
    }

    private void publishImages() throws Exception {
        Path layout = Files.createTempDirectory("layerswap-itest-metrics");
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        w.addImage("itest-metrics/m:1", List.of(SampleImages.base(w), SampleImages.filler(w, "opt/runtime", 2 << 20, 7, false),
                SampleImages.handler(w, "exec-m")), SampleImages.HANDLER_CONFIG);
        w.addImage("itest-metrics/p:1", List.of(SampleImages.base(w), SampleImages.filler(w, "opt/runtime", 2 << 20, 8, false),
                SampleImages.handler(w, "exec-p")), SampleImages.HANDLER_CONFIG);
        org.osgi.service.cm.Configuration c = configurationAdmin.getConfiguration("org.layerswap.source.layout", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("path", layout.toString());
        c.update(props);
        defineFunction(swapManager, "probe-m", "itest-metrics/m:1");
    }
}

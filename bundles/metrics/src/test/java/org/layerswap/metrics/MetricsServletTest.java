package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ColdStart;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.config.SecretToken;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The servlet with the real Prometheus registry; request and response are minimal in-memory stand-ins. */
class MetricsServletTest {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AtomicInteger sweeps = new AtomicInteger();
    final AtomicReference<SecretToken> token = new AtomicReference<>(SecretToken.of("scrape-token-0123456789", "scrape token"));
    final MetricsServlet servlet = new MetricsServlet(registry, token::get, sweeps::incrementAndGet);

    /** Status, headers and body a response received. */
    static final class Captured {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final StringWriter body = new StringWriter();
    }

    Captured get(String authorization) throws Exception {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getHeader" -> "Authorization".equalsIgnoreCase((String) a[0]) ? authorization : null;
                    case "getMethod" -> "GET";
                    default -> null;
                });
        Captured c = new Captured();
        PrintWriter writer = new PrintWriter(c.body);
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "setStatus" -> c.status = (Integer) a[0];
                        case "setHeader" -> c.headers.put((String) a[0], (String) a[1]);
                        case "setContentType" -> c.headers.put("Content-Type", (String) a[0]);
                        case "getWriter" -> {
                            return writer;
                        }
                        default -> {
                        }
                    }
                    return null;
                });
        servlet.doGet(request, response);
        writer.flush();
        return c;
    }

    @Test
    void withTheTokenAScrapeGetsPrometheusTextWithConventionalNames() throws Exception {
        EventMeters events = new EventMeters(registry, new PrefetchLedger(registry, f -> List.of(), l -> true),
                new PrefetchStarts(registry));
        events.executionFinished(new ExecutionResult(1, "fn", Map.of(), 0, ExecutionResult.Status.SUCCEEDED, 0, "", "", false,
                new ColdStart(1_000, 0, 2_000, 3_000, 4_000), List.of(), 1, null, ""));
        Captured c = get("Bearer scrape-token-0123456789");
        String text = c.body.toString();
        assertEquals(200, c.status);
        assertEquals(MetricsServlet.CONTENT_TYPE, c.headers.get("Content-Type"));
        assertTrue(text.contains("layerswap_executions_total{status=\"succeeded\"} 1.0"), text);
        assertTrue(text.contains("layerswap_invocations_total 1.0"), text);
        assertTrue(text.contains("layerswap_cold_start_seconds_bucket{phase=\"mount\",le=\"0.002\"} 1"), text);
        assertTrue(text.contains("layerswap_prefetch_used_bytes_total 0.0"), text);
        assertEquals(1, sweeps.get(), "a scrape settles derived counters first");
    }

    @Test
    void withoutTheTokenAScrapeGets401AndNoMetrics() throws Exception {
        for (String auth : new String[] {null, "Bearer wrong", "Basic a2FyYWY6a2FyYWY="}) {
            Captured c = get(auth);
            assertEquals(401, c.status);
            assertEquals("Bearer realm=\"layerswap-metrics\"", c.headers.get("WWW-Authenticate"));
            assertFalse(c.body.toString().contains("layerswap_"), c.body.toString());
        }
        assertEquals(0, sweeps.get());
    }

    @Test
    void aReconfiguredTokenAppliesToTheNextScrapeAndTheOldOneNoLonger() throws Exception {
        assertEquals(200, get("bearer scrape-token-0123456789 ").status);
        token.set(SecretToken.of("next-token-0123456789", "scrape token"));
        assertEquals(401, get("Bearer scrape-token-0123456789").status);
        assertEquals(200, get("Bearer next-token-0123456789").status);
    }
}

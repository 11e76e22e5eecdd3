package org.layerswap.metrics;

import java.io.IOException;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /layerswap/metrics}: the registry in the Prometheus text format (0.0.4), for requests that carry the
 * scrape token ({@link ScrapeAuth}); others get 401 with a {@code WWW-Authenticate: Bearer} challenge and no metrics.
 * Before each scrape it runs {@code beforeScrape} (sweeps that settle derived counters), so a scrape sees them current.
 */
public final class MetricsServlet extends HttpServlet {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final long serialVersionUID = 1L;

    private final transient PrometheusMeterRegistry registry;
    private final transient ScrapeAuth auth;
    private final transient Runnable beforeScrape;

    public MetricsServlet(PrometheusMeterRegistry registry, ScrapeAuth auth, Runnable beforeScrape) {
        this.registry = registry;
        this.auth = auth;
        this.beforeScrape = beforeScrape;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        if (!auth.admits(request.getHeader("Authorization"))) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"layerswap-metrics\"");
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().write("scrape token required: Authorization: Bearer <token> (docs/operations.md)\n");
            return;
        }
        beforeScrape.run();
        String body = registry.scrape(CONTENT_TYPE);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CONTENT_TYPE);
        response.getWriter().write(body);
    }
}

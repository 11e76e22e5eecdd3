package org.layerswap.metrics;

import java.io.IOException;
import java.util.function.Supplier;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.layerswap.api.config.SecretToken;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /layerswap/metrics}: the registry in the Prometheus text format (0.0.4), for requests that carry the
 * current scrape token ({@code Authorization: Bearer <token>}, what Prometheus sends with
 * {@code authorization: credentials_file}; compared in constant time by {@link SecretToken}); others get 401 with a {@code WWW-Authenticate: Bearer} challenge and no metrics.
 * Before each scrape it runs {@code beforeScrape} (sweeps that settle derived counters), so a scrape sees them current.
 */
public final class MetricsServlet extends HttpServlet {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final long serialVersionUID = 1L;

    private final transient PrometheusMeterRegistry registry;
    private final transient Supplier<SecretToken> token;
    private final transient Runnable beforeScrape;

    /** @param token the scrape token, asked on every request (a reconfigured token applies to the next scrape) */
    public MetricsServlet(PrometheusMeterRegistry registry, Supplier<SecretToken> token, Runnable beforeScrape) {
        this.registry = registry;
        this.token = token;
        this.beforeScrape = beforeScrape;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        if (!token.get().admits(request.getHeader("Authorization"))) {
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

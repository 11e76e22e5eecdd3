package org.layerswap.webconsole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.layerswap.api.config.SecretToken;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContext;

/**
 * The {@code /layerswap} servlet context: every request is authenticated against the Karaf JAAS
 * realm (a console session from the login form, or HTTP Basic for scripts), state-changing
 * requests need the admin role and a CSRF proof.
 */
@Component(service = ServletContextHelper.class, scope = ServiceScope.BUNDLE)
@HttpWhiteboardContext(name = ConsoleContext.NAME, path = ConsoleContext.PATH)
public class ConsoleContext extends ServletContextHelper {

    static final String NAME = "layerswap";
    static final String PATH = "/layerswap";
    static final String SELECT = "(osgi.http.whiteboard.context.name=" + NAME + ")";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** Scripts using Basic auth prove same-origin intent with this header (browsers cannot send it cross-site). */
    static final String SCRIPT_HEADER = "X-Requested-By";
    static final String REQUEST_USER = "org.layerswap.webconsole.requestUser";
    /** Served by the metrics bundle (Prometheus scrapes), which authenticates requests itself. */
    static final String METRICS_PATH = "/metrics";

    private final JaasAuthenticator authenticator = new JaasAuthenticator("karaf");

    /** HTTP 429, for logins refused by the throttle. */
    static final int TOO_MANY_REQUESTS = 429;

    @Activate
    public ConsoleContext(ComponentContext context) {
        super(context.getUsingBundle());
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        securityHeaders(response);
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals(METRICS_PATH)) {
            return true; // the metrics bundle's servlet admits only its scrape token (a bearer token, not a login)
        }
        if (path.equals("/login") || path.equals("/logout") || path.equals("/static/console.css")) {
            return true; // LoginServlet checks its own inputs
        }
        boolean api = path.startsWith("/api/");
        boolean changes = !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()));

        ConsoleUser user = sessionUser(request);
        boolean viaBasic = false;
        if (user == null) {
            try {
                user = basicUser(request).orElse(null);
            } catch (JaasAuthenticator.Throttled t) {
                response.setHeader("Retry-After", Long.toString(t.retryAfterSeconds()));
                error(response, TOO_MANY_REQUESTS, t.getMessage());
                return false;
            }
            viaBasic = user != null;
        }
        if (user == null) {
            if (api) {
                error(response, HttpServletResponse.SC_UNAUTHORIZED, "login required: POST /layerswap/login or use HTTP Basic");
            } else {
                response.sendRedirect(request.getContextPath() + "/login");
                response.flushBuffer();
            }
            return false;
        }
        if (changes) {
            if (!user.isAdmin()) {
                error(response, HttpServletResponse.SC_FORBIDDEN, "user '" + user.name() + "' lacks the admin role needed to change anything");
                return false;
            }
            boolean proven = viaBasic
                    ? "layerswap".equals(request.getHeader(SCRIPT_HEADER))
                    : SecretToken.constantTimeEquals(user.csrfToken(), request.getHeader(CSRF_HEADER));
            if (!proven) {
                error(response, HttpServletResponse.SC_FORBIDDEN, viaBasic
                        ? "missing header " + SCRIPT_HEADER + ": layerswap (required for changes with Basic auth)"
                        : "missing or wrong " + CSRF_HEADER + " header (get the token from GET /layerswap/api/session)");
                return false;
            }
        }
        request.setAttribute(REQUEST_USER, user);
        return true;
    }

    private static ConsoleUser sessionUser(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? null : (ConsoleUser) session.getAttribute(ConsoleUser.SESSION_ATTRIBUTE);
    }

    private Optional<ConsoleUser> basicUser(HttpServletRequest request) throws JaasAuthenticator.Throttled {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String name = decoded.substring(0, colon);
        Optional<Set<String>> roles = authenticator.login(name, decoded.substring(colon + 1).toCharArray(), request.getRemoteAddr());
        return roles.map(r -> new ConsoleUser(name, r, ""));
    }

    JaasAuthenticator authenticator() {
        return authenticator;
    }

    static void securityHeaders(HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "SAMEORIGIN");
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'self'");
        response.setHeader("Cache-Control", "no-store");
    }

    static void error(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        response.getWriter().write(Json.write(java.util.Map.of("error", message)));
        // commit now: a denied request would otherwise get the container's generic 403 page
        response.flushBuffer();
    }
}

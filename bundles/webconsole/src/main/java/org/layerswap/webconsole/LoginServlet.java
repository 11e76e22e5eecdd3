package org.layerswap.webconsole;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.layerswap.api.config.SecretToken;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** The console's login form (GET), credential check against JAAS (POST) and logout. */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(ConsoleContext.SELECT)
@HttpWhiteboardServletName("layerswap-login")
@HttpWhiteboardServletPattern({"/login", "/logout"})
public class LoginServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient JaasAuthenticator authenticator = new JaasAuthenticator("karaf");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ConsoleContext.securityHeaders(response);
        if (request.getRequestURI().endsWith("/logout")) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "log out with POST");
            return;
        }
        page(response, request.getParameter("failed") != null ? "Wrong user name or password." : "");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ConsoleContext.securityHeaders(response);
        String context = request.getContextPath();
        if (request.getRequestURI().endsWith("/logout")) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                ConsoleUser user = (ConsoleUser) session.getAttribute(ConsoleUser.SESSION_ATTRIBUTE);
                // logout is state-changing: only the page holding the token may do it
                if (user != null && !SecretToken.constantTimeEquals(user.csrfToken(), request.getParameter("csrf"))
                        && !SecretToken.constantTimeEquals(user.csrfToken(), request.getHeader(ConsoleContext.CSRF_HEADER))) {
                    ConsoleContext.error(response, HttpServletResponse.SC_FORBIDDEN, "logout needs the CSRF token");
                    return;
                }
                session.invalidate();
            }
            response.sendRedirect(context + "/login");
            return;
        }
        String name = request.getParameter("username");
        String password = request.getParameter("password");
        Optional<Set<String>> roles;
        try {
            roles = authenticator.login(name, password == null ? null : password.toCharArray(), request.getRemoteAddr());
        } catch (JaasAuthenticator.Throttled t) {
            response.setStatus(ConsoleContext.TOO_MANY_REQUESTS);
            response.setHeader("Retry-After", Long.toString(t.retryAfterSeconds()));
            page(response, "Too many failed logins; try again in " + t.retryAfterSeconds() + " s.");
            return;
        }
        if (roles.isEmpty()) {
            response.sendRedirect(context + "/login?failed");
            return;
        }
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate(); // no session fixation
        }
        HttpSession session = request.getSession(true);
        session.setAttribute(ConsoleUser.SESSION_ATTRIBUTE, new ConsoleUser(name, roles.get(), SecretToken.generate()));
        response.sendRedirect(context + "/");
    }

    private static void page(HttpServletResponse response, String message) throws IOException {
        response.setContentType("text/html;charset=utf-8");
        response.getWriter().write("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>LayerSwap — log in</title>
                <link rel="stylesheet" href="static/console.css"></head>
                <body class="login"><form method="post" action="login" id="login-form">
                <h1>LayerSwap</h1>
                <p class="error" id="login-error">%s</p>
                <label>User <input name="username" id="username" autocomplete="username" required autofocus></label>
                <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
                <button type="submit" id="login-submit">Log in</button>
                <p class="hint">Users of the Karaf <code>karaf</code> realm (etc/users.properties); the first start writes the generated password of user <code>karaf</code> to etc/layerswap-admin.password. Changes need the admin role.</p>
                </form></body></html>
                """.formatted(message));
    }
}

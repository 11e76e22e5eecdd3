package org.layerswap.webconsole;

import java.io.IOException;
import java.io.InputStream;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardResource;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** Serves the dashboard page at {@code /layerswap/}; its scripts and styles are served from {@code /static}. */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(ConsoleContext.SELECT)
@HttpWhiteboardServletName("layerswap-dashboard")
@HttpWhiteboardServletPattern("/")
@HttpWhiteboardResource(pattern = "/static/*", prefix = "/static")
public class DashboardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!(path.isEmpty() || path.equals("/") || path.equals("/index.html"))) {
            ConsoleContext.error(response, HttpServletResponse.SC_NOT_FOUND, "no page " + path);
            return;
        }
        if (path.isEmpty()) {
            response.sendRedirect(request.getContextPath() + "/");
            return;
        }
        response.setContentType("text/html;charset=utf-8");
        try (InputStream in = DashboardServlet.class.getResourceAsStream("/static/index.html")) {
            in.transferTo(response.getOutputStream());
        }
    }
}

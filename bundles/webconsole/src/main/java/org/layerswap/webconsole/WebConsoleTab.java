package org.layerswap.webconsole;

import java.io.IOException;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;

/** A "LayerSwap" tab in the Karaf/Felix web console that links to the dashboard. */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=layerswap",
        "felix.webconsole.title=LayerSwap",
        "felix.webconsole.category=LayerSwap",
        "osgi.http.whiteboard.servlet.name=layerswap-webconsole-tab"})
public class WebConsoleTab extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html;charset=utf-8");
        response.getWriter().write("""
                <div class="ui-widget-header ui-corner-top">LayerSwap</div>
                <div class="ui-widget-content ui-corner-bottom" style="padding:1em">
                <p>Live prediction scores, resident layers, the prefetch queue, swap history, the threshold
                controller and A/B experiments are on the LayerSwap dashboard.</p>
                <p><a id="layerswap-dashboard-link" href="/layerswap/">Open the LayerSwap dashboard &rarr;</a></p>
                <p>REST API: <code>/layerswap/api/overview</code>, <code>/layerswap/api/status</code>,
                <code>/layerswap/api/predictors</code>, ... (same users and roles as this console).</p>
                </div>
                """);
    }
}

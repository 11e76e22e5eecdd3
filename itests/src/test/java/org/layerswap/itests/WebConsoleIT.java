package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The dashboard and REST API are served by the appliance's Jetty, behind JAAS, with CSRF checks. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebConsoleIT extends ApplianceTestSupport {

    private static final String ADMIN = "karaf:karaf";

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Before
    public void consoleIsUp() throws Exception {
        assertTrue("the REST API did not come up", waitFor(() -> {
            try {
                return http("GET", "/layerswap/api/status", ADMIN).status() == 200;
            } catch (Exception e) {
                return false;
            }
        }, 60, TimeUnit.SECONDS));
    }

    @Test
    public void anonymousRequestsAreRefused() throws Exception {
        HttpResult api = http("GET", "/layerswap/api/status", null);
        assertEquals(401, api.status());
        assertTrue(api.body(), api.body().contains("login required"));
        HttpResult page = http("GET", "/layerswap/", null);
        assertEquals(302, page.status());
        assertTrue(page.location(), page.location().endsWith("/layerswap/login"));
        assertEquals(401, http("GET", "/layerswap/api/status", "karaf:wrong").status());
    }

    @Test
    public void statusListsTheLayerswapBundles() throws Exception {
        HttpResult r = http("GET", "/layerswap/api/status", ADMIN);
        assertEquals(200, r.status());
        assertTrue(r.body(), r.body().contains("\"symbolicName\":\"org.layerswap.webconsole\",\"version\""));
        assertTrue(r.body(), r.body().contains("org.layerswap.api"));
    }

    @Test
    public void changesNeedTheScriptHeaderAndValidInput() throws Exception {
        HttpResult noProof = http("POST", "/layerswap/api/predictor?name=markov", ADMIN);
        assertEquals(403, noProof.status());
        assertTrue(noProof.body(), noProof.body().contains("X-Requested-By"));
        HttpResult unknown = http("POST", "/layerswap/api/predictor?name=no-such-predictor", ADMIN, "X-Requested-By", "layerswap");
        assertEquals(400, unknown.status());
        assertTrue(unknown.body(), unknown.body().contains("unknown predictor 'no-such-predictor'"));
        HttpResult badThreshold = http("POST", "/layerswap/api/threshold?value=1.5", ADMIN, "X-Requested-By", "layerswap");
        assertEquals(400, badThreshold.status());
        assertTrue(badThreshold.body(), badThreshold.body().contains("outside [0,1]"));
        HttpResult noRoute = http("GET", "/layerswap/api/nothing", ADMIN);
        assertEquals(404, noRoute.status());
        assertTrue(noRoute.body(), noRoute.body().contains("valid: session, status"));
    }

    @Test
    public void feedbackReplayAndFunctionEndpoints() throws Exception {
        for (String path : new String[] {"/layerswap/api/functions", "/layerswap/api/controller", "/layerswap/api/experiment",
                "/layerswap/api/replays"}) {
            HttpResult r = http("GET", path, ADMIN);
            assertEquals(path + ": " + r.body(), 200, r.status());
        }
        assertTrue(http("GET", "/layerswap/api/controller", ADMIN).body().contains("\"phase\""));
        HttpResult badAction = http("POST", "/layerswap/api/experiment?action=launch", ADMIN, "X-Requested-By", "layerswap");
        assertEquals(400, badAction.status());
        assertTrue(badAction.body(), badAction.body().contains("unknown action 'launch'; valid: start, stop"));
        HttpResult badTrace = http("POST", "/layerswap/api/replay?trace=nosuch:x", ADMIN, "X-Requested-By", "layerswap");
        assertEquals(badTrace.body(), 400, badTrace.status());
        HttpResult badBudget = http("POST", "/layerswap/api/replay?trace=synthetic:days=1,functions=10,seed=1&budget=lots",
                ADMIN, "X-Requested-By", "layerswap");
        assertEquals(badBudget.body(), 400, badBudget.status());
        HttpResult traversal = http("GET", "/layerswap/api/replays/1/..%2F..%2Fetc%2Fusers.properties", ADMIN);
        assertEquals(404, traversal.status());
    }

    @Test
    public void dashboardAndChartLibraryAreServed() throws Exception {
        HttpResult page = http("GET", "/layerswap/", ADMIN);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<canvas id=\"scores-chart\""));
        HttpResult chart = http("GET", "/layerswap/static/vendor/chart.umd.js", ADMIN);
        assertEquals(200, chart.status());
        assertTrue("Chart.js looks truncated: " + chart.body().length(), chart.body().length() > 100_000);
    }

    @Test
    public void webConsoleHasALayerswapTab() throws Exception {
        HttpResult tab = http("GET", "/system/console/layerswap", ADMIN);
        assertEquals(200, tab.status());
        assertTrue(tab.body().contains("layerswap-dashboard-link"));
    }
}

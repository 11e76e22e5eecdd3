package org.layerswap.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.RestartReport;

class RestartReportsTest {

    @Test
    void theBackendsRecoveriesCountAsCleanedAndTheProfilesAsRestoredAfterTheSwapManagersLines() {
        RestartReport swap = new RestartReport(List.of("f on overlay (generation 3, 2 layers)"), List.of("f#shadow on overlay: shadow"),
                List.of("sha256:ab for f"), List.of("function catalog: 1 function(s)"), List.of("g on overlay: waiting"));
        Map<String, String> backends = new LinkedHashMap<>();
        backends.put("overlay", "kept 1 intact root(s) as they were, rebuilt 0; cleaned 2 stale generation(s)");
        backends.put("copy", "");
        RestartReport r = RestartReports.combine(swap, backends, "profiler: 2 function profile(s)");
        assertEquals(swap.adopted(), r.adopted());
        assertEquals(List.of("f#shadow on overlay: shadow",
                "overlay backend recovery: kept 1 intact root(s) as they were, rebuilt 0; cleaned 2 stale generation(s)"), r.cleaned());
        assertEquals(swap.resumed(), r.resumed());
        assertEquals(List.of("function catalog: 1 function(s)", "profiler: 2 function profile(s)"), r.restored());
        assertEquals(swap.pending(), r.pending());
    }

    @Test
    void withoutASwapManagerOrAnythingFoundTheReportIsEmpty() {
        assertEquals(RestartReport.NONE, RestartReports.combine(null, Map.of("overlay", ""), ""));
        assertEquals(RestartReport.NONE, RestartReports.combine(null, Map.of(), null));
    }
}

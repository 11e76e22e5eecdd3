package org.layerswap.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.layerswap.api.RestartReport;

/**
 * The appliance's restart report from its parts: the swap manager's (roots adopted, cleaned or pending, prefetches
 * resumed, catalog restored), each backend's start-up recovery (listed as cleaned: what it unmounted and deleted) and
 * the profiler's restored snapshot (listed as restored). Empty parts add nothing.
 */
final class RestartReports {

    private RestartReports() {
    }

    /**
     * @param swap              the swap manager's report, or null when none is registered
     * @param backendRecoveries backend name → its recovery summary ("" when it found nothing)
     * @param profiles          the profiler's "restored from" line, "" or null when it started empty or is absent
     */
    static RestartReport combine(RestartReport swap, Map<String, String> backendRecoveries, String profiles) {
        List<String> cleaned = new ArrayList<>();
        backendRecoveries.forEach((name, summary) -> {
            if (summary != null && !summary.isEmpty()) {
                cleaned.add(name + " backend recovery: " + summary);
            }
        });
        List<String> restored = profiles == null || profiles.isEmpty() ? List.of() : List.of(profiles);
        return (swap == null ? RestartReport.NONE : swap).plus(new RestartReport(List.of(), cleaned, List.of(), restored, List.of()));
    }
}

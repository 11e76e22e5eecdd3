package org.layerswap.webconsole;

import java.util.Map;

import org.layerswap.api.ApplianceControl;
import org.layerswap.api.RestartReport;

/**
 * JSON of what the appliance took over at its last start ({@code GET /layerswap/api/restart}): the same report as
 * {@code layerswap:status}'s "Since the last start" section, as counts and the lines behind them. Invariant: each
 * count is the size of its list, so a script can read either.
 */
final class RestartView {

    private RestartView() {
    }

    static Map<String, Object> of(ApplianceControl control) {
        return of(control.restartReport());
    }

    static Map<String, Object> of(RestartReport r) {
        return ApplianceView.map(
                "counts", ApplianceView.map("adopted", r.adopted().size(), "cleaned", r.cleaned().size(), "resumed", r.resumed().size(),
                        "restored", r.restored().size(), "pending", r.pending().size()),
                "adopted", r.adopted(), "cleaned", r.cleaned(), "resumed", r.resumed(), "restored", r.restored(),
                "pending", r.pending());
    }
}

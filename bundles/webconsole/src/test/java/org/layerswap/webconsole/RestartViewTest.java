package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.api.RestartReport;

class RestartViewTest {

    @Test
    void countsAndLinesOfEveryKindAreShownInTheOrderOfTheStatusSection() {
        RestartReport r = new RestartReport(List.of("root fn-a generation 3 (mount kept)", "root fn-b generation 1 (mount kept)"),
                List.of("root fn-c: layer sha256:ab gone"), List.of("prefetch sha256:cd from byte 4096"),
                List.of("profiler snapshot"), List.of());
        assertEquals("{\"counts\":{\"adopted\":2,\"cleaned\":1,\"resumed\":1,\"restored\":1,\"pending\":0},"
                + "\"adopted\":[\"root fn-a generation 3 (mount kept)\",\"root fn-b generation 1 (mount kept)\"],"
                + "\"cleaned\":[\"root fn-c: layer sha256:ab gone\"],\"resumed\":[\"prefetch sha256:cd from byte 4096\"],"
                + "\"restored\":[\"profiler snapshot\"],\"pending\":[]}", Json.write(RestartView.of(r)));
    }

    @Test
    void aFirstStartShowsNothingTakenOver() {
        assertEquals("{\"counts\":{\"adopted\":0,\"cleaned\":0,\"resumed\":0,\"restored\":0,\"pending\":0},"
                + "\"adopted\":[],\"cleaned\":[],\"resumed\":[],\"restored\":[],\"pending\":[]}", Json.write(RestartView.of(RestartReport.NONE)));
    }
}

package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.api.RestartReport;

class StatusCommandTest {

    @Test
    void statusSaysWhatTheLastStartAdoptedCleanedResumedAndRestored() throws Exception {
        FakeControl control = new FakeControl();
        control.restart = new RestartReport(List.of("f on overlay (generation 7, 3 layers)"),
                List.of("f#shadow on overlay (generation 2): shadow rollouts are not kept across restarts"),
                List.of("sha256:ab for f"), List.of("profiler: 2 function profile(s)"), List.of());
        StatusCommand c = new StatusCommand();
        c.control = control;
        String out = Console.run(c::execute).out();
        assertTrue(out.contains("Since the last start: 1 root(s) adopted, 1 cleaned, 1 prefetch(es) resumed, 1 restored, 0 pending"), out);
        assertTrue(out.contains("  Adopted: f on overlay (generation 7, 3 layers)"), out);
        assertTrue(out.contains("  Cleaned: f#shadow on overlay (generation 2): shadow rollouts"), out);
        assertTrue(out.contains("  Resumed: sha256:ab for f"), out);
        assertTrue(out.contains("  Restored: profiler: 2 function profile(s)"), out);
    }

    @Test
    void aFirstStartSaysNothingWasTakenOver() throws Exception {
        StatusCommand c = new StatusCommand();
        c.control = new FakeControl();
        String out = Console.run(c::execute).out();
        assertTrue(out.contains("Since the last start: 0 root(s) adopted, 0 cleaned, 0 prefetch(es) resumed, 0 restored, 0 pending"), out);
    }
}

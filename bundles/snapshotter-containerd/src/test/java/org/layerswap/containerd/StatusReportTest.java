package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ContainerdView;

class StatusReportTest {

    @TempDir
    Path dir;

    @Test
    void withNothingRunningTheStatusIsOff() {
        assertEquals(ContainerdView.ContainerdStatus.off(), StatusReport.of(null, "/ignored", null));
    }

    @Test
    void aServingSnapshotterReportsItsSocketSnapshotsByKindAndHandshakes() throws Exception {
        ContainerdSettings s = new ContainerdSettings(true, dir.resolve("ls.sock"), dir.resolve("snap"), false);
        try (SnapshotterServer server = SnapshotterServer.start(s, Clock.systemUTC())) {
            server.snapshotter().prepare("a", "", Map.of());
            server.snapshotter().commit("base", "a", Map.of());
            server.snapshotter().prepare("b", "base", Map.of());
            server.snapshotter().view("v", "base", Map.of());
            ContainerdView.ContainerdStatus st = StatusReport.of(server, s.socket().toString(), null);
            assertEquals(new ContainerdView.ContainerdStatus(true, s.socket().toString(), false, false,
                    Map.of("ACTIVE", 1L, "VIEW", 1L, "COMMITTED", 1L), 0, 0, 0, 0, 0, 0, 0, 0, List.of()), st);
        }
    }
}

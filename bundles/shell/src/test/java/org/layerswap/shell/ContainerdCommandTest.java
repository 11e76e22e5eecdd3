package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ContainerdView;

class ContainerdCommandTest {

    @Test
    void snapshotsByKindHandshakesEventsAndRegistrationsAreShown() throws Exception {
        ContainerdCommand c = new ContainerdCommand();
        c.containerd = () -> new ContainerdView.ContainerdStatus(true, "/data/containerd/layerswap.sock", true, true,
                Map.of("ACTIVE", 1L, "VIEW", 0L, "COMMITTED", 4L), 7, 2, 31, 9, 1, 3, 6, 0,
                List.of(new ContainerdView.Registration("k8s.io", "reg:5000/fn:1", "layerswap-predicted-ab-1", 0, 2)));
        String out = Console.run(c::execute).out();
        assertTrue(out.contains("serving on /data/containerd/layerswap.sock; learning from containerd: connected"), out);
        assertTrue(out.matches("(?s).*1\\s*\\|\\s*0\\s*\\|\\s*4\\s*\\|\\s*7\\s*\\|\\s*2\\s*\\|\\s*31\\s*\\|\\s*9\\s*\\|\\s*1\\s*\\|\\s*3\\s*\\|\\s*6\\s*\\|\\s*0.*"),
                out);
        assertTrue(out.matches("(?s).*k8s.io\\s*\\|\\s*reg:5000/fn:1\\s*\\|\\s*2\\s*\\|\\s*layerswap-predicted-ab-1\\s*\\|\\s*1970-01-01T00:00:00Z.*"), out);
    }

    @Test
    void theImageRecordsLayerSwapCreatedAreCountedAndListed() throws Exception {
        ContainerdCommand c = new ContainerdCommand();
        c.containerd = () -> new ContainerdView.ContainerdStatus(true, "/s", true, true, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, List.of(),
                List.of(new ContainerdView.ImageRecord("k8s.io", "reg:5000/fn:1", "layerswap-predicted-ab-1"),
                        new ContainerdView.ImageRecord("k8s.io", "reg:5000/fn@sha256:1f", "layerswap-predicted-ab-1")));
        String out = Console.run(c::execute).out();
        assertTrue(out.contains("Image records LayerSwap created in containerd (deleted when their prediction lapses): 2"), out);
        assertTrue(out.matches("(?s).*k8s.io\\s*\\|\\s*reg:5000/fn@sha256:1f\\s*\\|\\s*layerswap-predicted-ab-1.*"), out);
    }

    @Test
    void aDisconnectedLearningLoopSaysItRetries() throws Exception {
        ContainerdCommand c = new ContainerdCommand();
        c.containerd = () -> new ContainerdView.ContainerdStatus(true, "/s", true, false, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, List.of());
        String out = Console.run(c::execute).out();
        assertTrue(out.contains("learning from containerd: not connected (retrying)"), out);
        assertTrue(out.contains("Image records LayerSwap created in containerd (deleted when their prediction lapses): 0"), out);
    }

    @Test
    void withTheSnapshotterOffItSaysSo() throws Exception {
        ContainerdCommand c = new ContainerdCommand();
        c.containerd = ContainerdView.ContainerdStatus::off;
        assertTrue(Console.run(c::execute).out().startsWith("containerd snapshotter off"));
    }
}

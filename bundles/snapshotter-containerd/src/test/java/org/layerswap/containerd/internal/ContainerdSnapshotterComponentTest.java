package org.layerswap.containerd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.config.DataPaths;
import org.layerswap.containerd.ContainerdSettings;
import org.layerswap.testkit.ConfigFileCheck;

class ContainerdSnapshotterComponentTest {

    @TempDir
    Path dir;

    ContainerdSnapshotterComponent.Config config(boolean enabled, boolean groupAccess) {
        return ConfigFileCheck.instance(ContainerdSnapshotterComponent.Config.class, Map.of("enabled", Boolean.toString(enabled),
                "socket", dir.resolve("run/ls.sock").toString(), "root", dir.resolve("snap").toString(),
                "groupAccess", Boolean.toString(groupAccess)));
    }

    String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theShippedDefaultsServeNothingAndPointIntoTheDataDirectory() throws Exception {
        ContainerdSnapshotterComponent.Config defaults = ConfigFileCheck.instance(ContainerdSnapshotterComponent.Config.class,
                Path.of("../../etc/org.layerswap.containerd.cfg"));
        ContainerdSettings s = ContainerdSnapshotterComponent.settings(defaults);
        assertFalse(s.enabled());
        assertEquals(DataPaths.dataDir().resolve("containerd/layerswap.sock"), s.socket());
        assertEquals(DataPaths.dataDir().resolve("containerd/snapshotter"), s.root());
        assertEquals("rw-------", PosixFilePermissions.toString(s.socketMode()));
        assertEquals(null, ContainerdSnapshotterComponent.learningSettings(defaults), "learning is off by default");
        assertFalse(defaults.learn());
        assertEquals("/run/containerd/containerd.sock", defaults.containerdSocket());
        assertEquals("org.layerswap.function", defaults.functionLabel());
    }

    @Test
    void learningNeedsTheSnapshotterAndTakesItsSettingsInMilliseconds() {
        Map<String, String> on = new java.util.HashMap<>(Map.of("enabled", "true", "learn", "true", "containerdSocket", "/run/c.sock",
                "snapshotterName", "ls", "functionLabel", "fn", "predictionHorizonSeconds", "60", "leaseTtlSeconds", "120",
                "evaluateIntervalSeconds", "5"));
        var l = ContainerdSnapshotterComponent.learningSettings(ConfigFileCheck.instance(ContainerdSnapshotterComponent.Config.class, on));
        assertEquals(new org.layerswap.containerd.learning.ContainerdLearning.Settings(Path.of("/run/c.sock"), "ls", "fn", 60_000, 120_000,
                5_000, DataPaths.dataDir().resolve("containerd/snapshotter/predicted-records.json")), l);
        on.put("enabled", "false");
        assertEquals(null, ContainerdSnapshotterComponent.learningSettings(ConfigFileCheck.instance(ContainerdSnapshotterComponent.Config.class, on)));
    }

    @Test
    void withoutAProfilerLearningDoesNotStartButTheSnapshotterServesAndReportsIt() throws Exception {
        ContainerdSnapshotterComponent c = new ContainerdSnapshotterComponent();
        Map<String, String> on = new java.util.HashMap<>(Map.of("enabled", "true", "learn", "true", "socket",
                dir.resolve("run/ls.sock").toString(), "root", dir.resolve("snap").toString(), "containerdSocket", dir.resolve("c.sock").toString()));
        c.activate(ConfigFileCheck.instance(ContainerdSnapshotterComponent.Config.class, on));
        try {
            assertTrue(c.status().serving());
            assertFalse(c.status().learning());
        } finally {
            c.deactivate();
        }
        assertFalse(c.status().serving());
    }

    @Test
    void enablingServesTheSocketRootOnlyAGroupAccessChangeRestartsItAndDeactivationRemovesIt() throws Exception {
        ContainerdSnapshotterComponent c = new ContainerdSnapshotterComponent();
        Path socket = dir.resolve("run/ls.sock");
        c.activate(config(false, false));
        assertFalse(Files.exists(socket), "off by default");
        c.modified(config(true, false));
        assertTrue(Files.exists(socket));
        assertEquals("rw-------", mode(socket));
        c.modified(config(true, true));
        assertEquals("rw-rw----", mode(socket));
        c.deactivate();
        assertFalse(Files.exists(socket));
    }
}

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

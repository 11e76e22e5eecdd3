package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

class ContainerdSettingsTest {

    @Test
    void theSocketIsRootOnlyUnlessGroupAccessIsAskedFor() {
        assertEquals("rw-------", PosixFilePermissions.toString(
                new ContainerdSettings(true, Path.of("/d/ls.sock"), Path.of("/d/snap"), false).socketMode()));
        assertEquals("rw-rw----", PosixFilePermissions.toString(
                new ContainerdSettings(true, Path.of("/d/ls.sock"), Path.of("/d/snap"), true).socketMode()));
    }

    @Test
    void aSocketInsideTheSnapshotRootIsRefusedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContainerdSettings(true, Path.of("/d/snap/ls.sock"), Path.of("/d/snap"), false));
        assertTrue(e.getMessage().contains("/d/snap/ls.sock") && e.getMessage().contains("/d/snap"), e.getMessage());
    }
}

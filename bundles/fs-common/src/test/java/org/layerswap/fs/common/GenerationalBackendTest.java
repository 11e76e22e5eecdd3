package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class GenerationalBackendTest {

    @Test
    void aRootThatWouldBreakOverlayMountOptionsIsRefused() {
        for (String bad : new String[] {"/tmp/a:b", "/tmp/a,b", "/tmp/a\\b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DirBackend(Path.of(bad), 0), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void aNegativeGracePeriodIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DirBackend(Path.of("/tmp/ok"), -1));
        assertEquals("grace period -1 ms is negative", e.getMessage());
    }
}

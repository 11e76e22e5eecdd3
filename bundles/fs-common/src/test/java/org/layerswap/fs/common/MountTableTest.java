package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class MountTableTest {

    @Test
    void parsesMountinfoWithEscapesAndOptionalFields() {
        MountTable t = MountTable.parse(List.of(
                "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw",
                "100 22 0:50 / /srv/ls/fn/gen-1/merged rw,relatime - overlay overlay rw,lowerdir=/a:/b,upperdir=/u,workdir=/w",
                "101 22 0:51 / /srv/ls/with\\040space/merged rw master:3 shared:7 - overlay overlay rw",
                "garbage line",
                ""));
        assertEquals(3, t.mounts().size());
        assertTrue(t.isMountPoint(Path.of("/srv/ls/fn/gen-1/merged"), "overlay"));
        assertFalse(t.isMountPoint(Path.of("/srv/ls/fn/gen-1/merged"), "ext4"));
        assertTrue(t.isMountPoint(Path.of("/srv/ls/with space/merged")));
        assertEquals(2, t.countUnder(Path.of("/srv/ls")));
        assertEquals(0, t.countUnder(Path.of("/srv/other")));
        assertEquals("a\\b", MountTable.unescape("a\\134b"));
        MountTable.Mount m = t.at(Path.of("/srv/ls/fn/gen-1/merged")).orElseThrow();
        assertEquals("rw,relatime", m.mountOptions());
        assertTrue(m.hasOption("relatime"));
        assertFalse(m.hasOption("nosuid"));
        assertTrue(t.at(Path.of("/srv/ls")).isEmpty());
    }

    @Test
    void readsThisProcessTable() throws IOException {
        MountTable t = MountTable.read();
        assertTrue(t.isMountPoint(Path.of("/")) || t.mounts().isEmpty());
    }
}

package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.fs.common.MountTable;

class SnapshotDirsTest {

    @TempDir
    Path root;

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void onlyRootReachesTheSnapshotsAndAnActiveGetsAWorkDir() throws IOException {
        SnapshotDirs d = new SnapshotDirs(root);
        d.create(1, true);
        d.create(2, false);
        assertEquals("rwx------", mode(root.resolve("snapshots")));
        assertEquals("rwx------", mode(d.dir(1)));
        assertEquals("rwxr-xr-x", mode(d.fs(1)), "it becomes a container's root directory");
        assertTrue(Files.isDirectory(d.work(1)));
        assertFalse(Files.exists(d.work(2)));
        assertEquals(Set.of(1L, 2L), d.present());
    }

    @Test
    void orphansAreDeletedAndStrayFilesLeftAlone() throws IOException {
        SnapshotDirs d = new SnapshotDirs(root);
        d.create(1, true);
        d.create(2, true);
        Files.writeString(root.resolve("snapshots/README"), "not ours");
        assertEquals(List.of(2L), d.deleteOrphans(Set.of(1L)));
        assertEquals(Set.of(1L), d.present());
        assertTrue(Files.exists(root.resolve("snapshots/README")));
    }

    @Test
    void aSnapshotStillMountedIsNotEmptiedThroughTheMount() throws Exception {
        assertEquals(0L, new com.sun.security.auth.module.UnixSystem().getUid(), "bind mounts need root");
        SnapshotDirs d = new SnapshotDirs(root);
        d.create(1, false);
        Path target = Files.createDirectories(d.fs(1).resolve("mnt"));
        run("mount", "-t", "tmpfs", "tmpfs", target.toString());
        try {
            Files.writeString(target.resolve("precious"), "keep");
            IOException e = assertThrows(IOException.class, () -> d.delete(1));
            assertTrue(e.getMessage().contains("mount point"), e.getMessage());
            assertEquals("keep", Files.readString(target.resolve("precious")));
        } finally {
            run("umount", "-l", target.toString());
        }
        assertEquals(0, MountTable.read().countUnder(root));
        d.delete(1);
        assertFalse(Files.exists(d.dir(1)));
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + " failed");
    }
}

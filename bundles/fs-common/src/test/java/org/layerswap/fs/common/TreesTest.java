package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.nativeio.NativeIO;

class TreesTest {

    @TempDir
    Path tmp;

    @Test
    void deleteTreeNeverFollowsSymlinks() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep");
        Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
        Files.writeString(tree.resolve("f"), "x");
        Files.createSymbolicLink(tmp.resolve("tree/link"), outside);
        Files.createSymbolicLink(tmp.resolve("tree/a/b/file-link"), outside.resolve("precious"));
        Trees.deleteTree(tmp.resolve("tree"));
        assertFalse(Files.exists(tmp.resolve("tree")));
        assertEquals("keep", Files.readString(outside.resolve("precious")));
    }

    @Test
    void aSymlinkAsTheRootIsRemovedNotItsTarget() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), outside);
        Trees.deleteTree(link);
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(outside.resolve("precious")));
    }

    @Test
    void anAbsentTreeOrASingleFileIsFine() throws IOException {
        Trees.deleteTree(tmp.resolve("absent"));
        Path f = Files.writeString(tmp.resolve("f"), "x");
        Trees.deleteTree(f);
        assertFalse(Files.exists(f));
    }

    @Test
    void readOnlyDirectoriesAsUnpackedFromALayerAreEmptied() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("layer/usr/bin"));
        Files.writeString(d.resolve("tool"), "#!");
        Files.setPosixFilePermissions(d.resolve("tool"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(d.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
        Trees.deleteTree(tmp.resolve("layer"));
        assertFalse(Files.exists(tmp.resolve("layer")));
    }

    @Test
    void deleteTreeStopsAtAMountPointAndLeavesWhatIsMountedThere() throws IOException {
        NativeIO io = NativeIO.tryGet().filter(NativeIO::isRoot).orElse(null);
        assumeTrue(io != null, "mounting a tmpfs needs root and the native binding");
        Path mnt = Files.createDirectories(tmp.resolve("tree/gen-1/merged"));
        Files.writeString(tmp.resolve("tree/before"), "x");
        io.mount("tmpfs", mnt, "tmpfs", 0, "size=1m");
        try {
            Files.writeString(mnt.resolve("shared-layer-file"), "keep");
            IOException e = assertThrows(IOException.class, () -> Trees.deleteTree(tmp.resolve("tree")));
            assertTrue(e.getMessage().contains(mnt.toString()) && e.getMessage().contains("another device"), e.getMessage());
            assertEquals("keep", Files.readString(mnt.resolve("shared-layer-file")));
        } finally {
            io.umount2(mnt, NativeIO.MNT_DETACH);
        }
        Trees.deleteTree(tmp.resolve("tree"));
        assertFalse(Files.exists(tmp.resolve("tree")));
    }
}

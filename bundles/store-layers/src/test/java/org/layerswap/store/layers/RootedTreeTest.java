package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.nativeio.FdOps;
import org.layerswap.nativeio.NativeErrnoException;
import org.layerswap.nativeio.NativeIO;

class RootedTreeTest {

    @TempDir
    Path dir;

    @Test
    void missingParentsAreCreatedAsRealDirectoriesAndRecorded() throws Exception {
        FdOps fd = NativeIO.get().fd();
        try (RootedTree tree = new RootedTree(fd, dir)) {
            int d = tree.directory("a/b/c", "a/b/c/f");
            fd.mkdirat(d, "leaf", 0700);
            assertEquals(d, tree.directory("a/b/c", "a/b/c/g"), "the last parent is cached");
            assertEquals(RootedTree.Kind.DIR, tree.kind("a/b"));
            assertTrue(Files.isDirectory(dir.resolve("a/b/c/leaf"), LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void aRecordedSymlinkOrFileOnTheWayIsRefusedByName() throws Exception {
        FdOps fd = NativeIO.get().fd();
        try (RootedTree tree = new RootedTree(fd, dir)) {
            int root = tree.directory("", "x");
            fd.symlinkat("/etc", root, "s");
            tree.record("s", RootedTree.Kind.SYMLINK);
            fd.close(fd.createExclusive(root, "f", 0600));
            tree.record("f", RootedTree.Kind.FILE);
            assertEquals("entry 's/x/y' would be written through symlink 's'",
                    assertThrows(UnsafeLayerException.class, () -> tree.directory("s/x", "s/x/y")).getMessage());
            assertEquals("entry 'f/y' needs 'f' to be a directory",
                    assertThrows(UnsafeLayerException.class, () -> tree.directory("f", "f/y")).getMessage());
            assertEquals("s", tree.symlinkOnPath("s/passwd"));
            assertNull(tree.symlinkOnPath("f"));
        }
        assertEquals(0, Files.list(Path.of("/etc")).filter(p -> p.getFileName().toString().equals("x")).count());
    }

    @Test
    void anUnrecordedSymlinkPlantedOnDiskIsStillNeverFollowed() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("planted"), outside);
        try (RootedTree tree = new RootedTree(NativeIO.get().fd(), root)) {
            tree.record("planted", RootedTree.Kind.DIR); // the record lies: the kernel-side check still holds
            assertThrows(NativeErrnoException.class, () -> tree.directory("planted/sub", "planted/sub/f"));
        }
        assertEquals(0, Files.list(outside).count());
    }

    @Test
    void aRecordedDirectoryIsNeverReplacedOtherEntriesAreUnlinkedItself() throws Exception {
        FdOps fd = NativeIO.get().fd();
        try (RootedTree tree = new RootedTree(fd, dir)) {
            int root = tree.directory("", "d");
            fd.mkdirat(root, "d", 0755);
            tree.record("d", RootedTree.Kind.DIR);
            UnsafeLayerException e = assertThrows(UnsafeLayerException.class, () -> tree.clear(root, "d", "d", "d"));
            assertTrue(e.getMessage().contains("would replace directory 'd'"), e.getMessage());
            fd.symlinkat("d", root, "l");
            tree.record("l", RootedTree.Kind.SYMLINK);
            tree.clear(root, "l", "l", "l");
            assertNull(tree.kind("l"));
            assertTrue(Files.isDirectory(dir.resolve("d")) && !Files.exists(dir.resolve("l"), LinkOption.NOFOLLOW_LINKS));
        }
    }
}

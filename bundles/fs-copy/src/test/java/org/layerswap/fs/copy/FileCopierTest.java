package org.layerswap.fs.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.RootLease;
import org.layerswap.nativeio.NativeIO;

/**
 * Reflink copies with the byte-copy fallback. This machine has no mkfs.btrfs/mkfs.xfs, so the clone that succeeds
 * is a stand-in; the refusal is the kernel's own, on a real tmpfs (root: the test mounts it).
 */
class FileCopierTest {

    @TempDir
    Path dir;
    Path tmpfs;
    NativeIO io;

    @BeforeEach
    void mountTmpfs() throws IOException {
        io = NativeIO.get();
        if (!io.isRoot()) {
            throw new AssertionError("this test mounts a tmpfs: run it as root");
        }
        tmpfs = Files.createDirectory(dir.resolve("tmpfs"));
        io.mount("tmpfs", tmpfs, "tmpfs", 0, "size=8m,mode=0700");
    }

    @AfterEach
    void unmount() throws IOException {
        io.umount2(tmpfs, NativeIO.MNT_DETACH);
    }

    private static Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void onTmpfsTheKernelRefusesTheCloneAndTheBytesAreCopiedIntoANewInode() throws IOException {
        Path src = Files.writeString(tmpfs.resolve("src"), "layer bytes");
        Files.setLastModifiedTime(src, FileTime.fromMillis(1_000_000_000_000L));
        FileCopier copier = new FileCopier(Optional.of(io));
        assertTrue(copier.triesReflinks());
        assertEquals(FileCopier.How.BYTES, copier.copy(src, tmpfs.resolve("dst")));
        assertFalse(copier.triesReflinks(), "one refusal turns reflinks off for the rest of the layer");
        assertEquals("layer bytes", Files.readString(tmpfs.resolve("dst")));
        assertNotEquals(inode(src), inode(tmpfs.resolve("dst")));
        assertEquals(FileTime.fromMillis(1_000_000_000_000L), Files.getLastModifiedTime(tmpfs.resolve("dst")));
    }

    @Test
    void aCloneThatSucceedsKeepsTheSourcesTimesAndIsReportedAsAReflink() throws IOException {
        Path src = Files.writeString(dir.resolve("src"), "x");
        Files.setLastModifiedTime(src, FileTime.fromMillis(2_000_000_000_000L));
        List<Integer> modes = new ArrayList<>();
        FileCopier copier = new FileCopier((s, d, mode) -> {
            modes.add(mode);
            Files.copy(s, d); // stands in for the kernel sharing the extents
            Files.setLastModifiedTime(d, FileTime.fromMillis(0));
            return true;
        });
        Files.setPosixFilePermissions(src, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        assertEquals(FileCopier.How.REFLINK, copier.copy(src, dir.resolve("dst")));
        assertEquals(List.of(0750), modes, "created with the rwx bits only");
        assertEquals(FileTime.fromMillis(2_000_000_000_000L), Files.getLastModifiedTime(dir.resolve("dst")));
        assertTrue(copier.triesReflinks());
    }

    @Test
    void afterARefusalTheClonerIsNotAskedAgain() throws IOException {
        int[] calls = {0};
        FileCopier copier = new FileCopier((s, d, mode) -> {
            calls[0]++;
            return false;
        });
        for (int i = 0; i < 3; i++) {
            Path src = Files.writeString(dir.resolve("s" + i), "v" + i);
            assertEquals(FileCopier.How.BYTES, copier.copy(src, dir.resolve("d" + i)));
            assertEquals("v" + i, Files.readString(dir.resolve("d" + i)));
        }
        assertEquals(1, calls[0]);
    }

    @Test
    void theCopyBackendFallsBackToByteCopiesOnTmpfsAndTheFarmStaysIsolated() throws IOException {
        Path layer = Files.createDirectories(tmpfs.resolve("layers/base/bin")).getParent();
        Files.writeString(layer.resolve("bin/sh"), "shell");
        try (CopyBackend b = new CopyBackend(tmpfs.resolve("root"), 0, false, List.of())) {
            b.compose("f", List.of(layer));
            try (RootLease l = b.enter("f")) {
                assertEquals(1, b.filesCopied());
                assertEquals(0, b.filesReflinked(), "tmpfs shares no extents");
                Files.writeString(l.root().resolve("bin/sh"), "trojan");
                assertEquals("shell", Files.readString(layer.resolve("bin/sh")));
            }
        }
    }
}

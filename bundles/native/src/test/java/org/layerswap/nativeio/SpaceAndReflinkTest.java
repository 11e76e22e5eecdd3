package org.layerswap.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** statvfs and FICLONE on a real, size-limited tmpfs (root: the test mounts it). */
class SpaceAndReflinkTest {

    @TempDir
    Path dir;
    Path mnt;
    NativeIO io;

    @BeforeEach
    void mountTmpfs() throws IOException {
        io = NativeIO.get();
        if (!io.isRoot()) {
            throw new AssertionError("this test mounts a tmpfs: run it as root");
        }
        mnt = Files.createDirectory(dir.resolve("mnt"));
        io.mount("tmpfs", mnt, "tmpfs", 0, "size=1m,nr_inodes=16,mode=0700");
    }

    @AfterEach
    void unmount() throws IOException {
        io.umount2(mnt, NativeIO.MNT_DETACH);
    }

    @Test
    void statvfsReportsTheSizeAndSeesTheFileSystemFillUp() throws IOException {
        FileSystemSpace empty = io.statvfs(mnt);
        assertEquals(1024 * 1024, empty.totalBytes());
        assertEquals(1024 * 1024, empty.availableBytes());
        assertEquals(16, empty.totalInodes());
        assertFalse(empty.exhausted());
        IOException full = assertThrows(IOException.class, () -> {
            try (OutputStream out = Files.newOutputStream(mnt.resolve("big"))) {
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < 32; i++) {
                    out.write(block);
                }
            }
        });
        assertTrue(full.getMessage().contains("No space left"), full.toString());
        FileSystemSpace after = io.statvfs(mnt);
        assertEquals(0, after.availableBytes());
        assertTrue(after.exhausted());
    }

    @Test
    void runningOutOfInodesCountsAsExhausted() throws IOException {
        assertThrows(IOException.class, () -> {
            for (int i = 0; i < 32; i++) {
                Files.createFile(mnt.resolve("f" + i));
            }
        });
        FileSystemSpace s = io.statvfs(mnt);
        assertEquals(0, s.availableInodes());
        assertTrue(s.exhausted(), s.toString());
    }

    @Test
    void reflinkOnTmpfsIsRefusedWithoutLeavingTheDestination() throws IOException {
        Path src = Files.write(mnt.resolve("src"), new byte[] {1, 2, 3});
        Path dst = mnt.resolve("dst");
        assertFalse(io.reflink(src, dst, 0644), "tmpfs cannot share extents");
        assertFalse(Files.exists(dst));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(src));
    }

    @Test
    void reflinkNeverWritesThroughASymlinkOrOverAnExistingFile() throws IOException {
        Path src = Files.write(mnt.resolve("src"), new byte[] {1});
        Path victim = Files.write(dir.resolve("victim"), new byte[] {9});
        Path link = Files.createSymbolicLink(mnt.resolve("link"), victim);
        NativeErrnoException e = assertThrows(NativeErrnoException.class, () -> io.reflink(src, link, 0644));
        assertEquals(17, e.errno(), e.getMessage()); // EEXIST: O_CREAT|O_EXCL never follows the link
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(victim));
    }

    @Test
    void theRefusalsAreExactlyTheNoReflinkHereErrnos() {
        for (int errno : new int[] {NativeIO.EOPNOTSUPP, NativeIO.EXDEV, NativeIO.EINVAL, NativeIO.ENOTTY}) {
            assertTrue(NativeIO.refusesClone(errno), "errno " + errno);
        }
        for (int errno : new int[] {5 /* EIO */, 28 /* ENOSPC */, 13 /* EACCES */}) {
            assertFalse(NativeIO.refusesClone(errno), "errno " + errno);
        }
    }
}

package org.layerswap.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeIOTest {

    @TempDir
    Path dir;

    @Test
    void errorsCarryErrnoTextAndPath() throws Exception {
        NativeIO io = NativeIO.get();
        Path missing = dir.resolve("no/such/dir/node");
        NativeErrnoException e = assertThrows(NativeErrnoException.class, () -> io.lchown(missing, 0, 0));
        assertEquals(2, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }

    @Test
    void utimensatSetsSymlinkTimesWithoutFollowing() throws Exception {
        NativeIO io = NativeIO.get();
        Path target = Files.writeString(dir.resolve("t"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("l"), target.getFileName());
        long targetBefore = Files.getLastModifiedTime(target).toMillis();
        io.setTimesNoFollow(link, 1_000_000_000_000_000_000L, 1_000_000_000_123_000_000L);
        assertEquals(FileTime.fromMillis(1_000_000_000_123L),
                Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals(targetBefore, Files.getLastModifiedTime(target).toMillis());
    }

    @Test
    void renameExchangeSwapsTwoPaths() throws Exception {
        NativeIO io = NativeIO.get();
        Path a = Files.writeString(dir.resolve("a"), "A");
        Path b = Files.writeString(dir.resolve("b"), "B");
        io.renameat2(a, b, NativeIO.RENAME_EXCHANGE);
        assertEquals("B", Files.readString(a));
        assertEquals("A", Files.readString(b));
    }

    @Test
    void mknodWhiteoutAndTrustedXattrAsRoot() throws Exception {
        NativeIO io = NativeIO.get();
        Assumptions.assumeTrue(io.isRoot(), "not running as root (euid " + io.geteuid()
                + "): mknod of a 0/0 char device and trusted.* xattrs need CAP_MKNOD/CAP_SYS_ADMIN");
        Path wh = dir.resolve("gone");
        io.makeWhiteout(wh);
        assertEquals("character", type(wh));
        // device number 0/0: "rdev" attribute of the unix view
        assertEquals(0L, ((Number) Files.getAttribute(wh, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue());
        NativeErrnoException exists = assertThrows(NativeErrnoException.class, () -> io.makeWhiteout(wh));
        assertEquals(17, exists.errno(), exists.getMessage());

        Path opaque = Files.createDirectory(dir.resolve("opaque"));
        Optional<byte[]> none = io.getxattr(opaque, NativeIO.OVERLAY_OPAQUE_XATTR);
        assertTrue(none.isEmpty());
        try {
            io.setxattr(opaque, NativeIO.OVERLAY_OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
        } catch (NativeErrnoException e) {
            Assumptions.assumeTrue(e.errno() != 95, "temp dir filesystem does not support trusted.* xattrs: " + e.getMessage());
            throw e;
        }
        assertArrayEquals("y".getBytes(StandardCharsets.US_ASCII), io.getxattr(opaque, NativeIO.OVERLAY_OPAQUE_XATTR).orElseThrow());

        io.lchown(wh, 1234, 4321);
        assertEquals(1234, Files.getAttribute(wh, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(4321, Files.getAttribute(wh, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        Path f = Files.writeString(dir.resolve("suid"), "x");
        io.chmod(f, 04755);
        assertEquals(04755, ((Number) Files.getAttribute(f, "unix:mode")).intValue() & 07777);
    }

    @Test
    void mountAndUmountTmpfsAsRoot() throws Exception {
        NativeIO io = NativeIO.get();
        Assumptions.assumeTrue(io.isRoot(), "not root: mount(2) needs CAP_SYS_ADMIN");
        Path target = Files.createDirectory(dir.resolve("mnt"));
        try {
            io.mount("layerswap-test", target, "tmpfs", 0, "size=1m");
        } catch (NativeErrnoException e) {
            Assumptions.assumeTrue(e.errno() != NativeIO.EPERM, "mount not permitted here (container without CAP_SYS_ADMIN): " + e.getMessage());
            throw e;
        }
        try {
            Files.writeString(target.resolve("x"), "on tmpfs");
            assertTrue(Files.readString(Path.of("/proc/self/mounts")).contains(target.toString()));
        } finally {
            io.umount2(target, 0);
        }
        assertTrue(Files.notExists(target.resolve("x")), "unmounted");
        NativeErrnoException notMounted = assertThrows(NativeErrnoException.class, () -> io.umount2(target, 0));
        assertTrue(notMounted.getMessage().contains("umount2") && notMounted.getMessage().contains(target.toString()), notMounted.getMessage());
    }

    private static String type(Path p) throws Exception {
        int mode = ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
        return (mode & 0170000) == NativeIO.S_IFCHR ? "character" : Integer.toOctalString(mode);
    }

    @Test
    void makedevMatchesGlibc() {
        assertEquals(0L, NativeIO.makedev(0, 0));
        assertEquals(0x0103L, NativeIO.makedev(1, 3)); // /dev/null
        assertEquals(0x0880L, NativeIO.makedev(8, 128));
    }
}

package org.layerswap.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdOpsTest {

    @TempDir
    Path dir;

    FdOps fd;
    Path root;
    Path outside;
    int rootFd;

    @BeforeEach
    void setUp() throws Exception {
        fd = NativeIO.get().fd();
        root = Files.createDirectories(dir.resolve("root/a"));
        root = root.getParent();
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("up"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("abs"), outside);
        rootFd = fd.openDirectory(root.toString());
    }

    static int mode(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 07777;
    }

    @Test
    void openBeneathOpensRealDirectoriesAndUsesOpenat2OnThisKernel() throws Exception {
        int a = fd.openBeneath(rootFd, "a", FdOps.O_RDONLY | FdOps.O_DIRECTORY);
        fd.mkdirat(a, "made", 0700);
        fd.close(a);
        assertTrue(Files.isDirectory(root.resolve("a/made")));
        assertTrue(fd.usesOpenat2(), "kernel " + System.getProperty("os.version") + " has openat2 (5.6+)");
    }

    @Test
    void openBeneathRefusesEverySymlinkWithBothResolvers() throws Exception {
        for (String rel : new String[] {"up", "abs", "up/secret", "abs/secret"}) {
            NativeErrnoException e = assertThrows(NativeErrnoException.class, () -> fd.openBeneath(rootFd, rel, FdOps.O_RDONLY));
            assertTrue(e.getMessage().contains(rel), e.getMessage());
            NativeErrnoException w = assertThrows(NativeErrnoException.class, () -> fd.openComponentWise(rootFd, rel, FdOps.O_RDONLY | FdOps.O_NOFOLLOW));
            assertTrue(w.errno() == 40 || w.errno() == 20, "ELOOP or ENOTDIR for " + rel + ": " + w.getMessage());
        }
        assertThrows(NativeErrnoException.class, () -> fd.openComponentWise(rootFd, "a/../../outside", FdOps.O_RDONLY));
    }

    @Test
    void noFollowMetadataCallsNeverReachTheTarget() throws Exception {
        Path secret = outside.resolve("secret");
        int before = mode(secret);
        FileTime mtime = Files.getLastModifiedTime(secret);
        assertThrows(NativeErrnoException.class, () -> fd.fchmodatNoFollow(rootFd, "abs", 04777));
        fd.utimensatNoFollow(rootFd, "abs", 0, 0);
        if (NativeIO.get().isRoot()) {
            fd.fchownatNoFollow(rootFd, "abs", 4321, 4321);
            assertEquals(4321, Files.getAttribute(root.resolve("abs"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        }
        assertEquals(before, mode(secret));
        assertEquals(mtime, Files.getLastModifiedTime(secret));
        assertEquals(0, Files.getAttribute(secret, "unix:uid"));
    }

    @Test
    void createWriteLinkAndUnlinkWorkRelativeToTheDirectory() throws Exception {
        int out = fd.createExclusive(rootFd, "f", 0600);
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        fd.writeFully(out, data, data.length);
        fd.fchmod(out, 0640);
        fd.futimens(out, 1_000_000_000L, 2_000_000_000L);
        fd.close(out);
        assertEquals("hello", Files.readString(root.resolve("f")));
        assertEquals(0640, mode(root.resolve("f")));
        assertEquals(FileTime.fromMillis(2000), Files.getLastModifiedTime(root.resolve("f")));
        assertThrows(NativeErrnoException.class, () -> fd.createExclusive(rootFd, "f", 0600), "O_EXCL");
        assertThrows(NativeErrnoException.class, () -> fd.createExclusive(rootFd, "abs", 0600), "never through a symlink");

        fd.linkat(rootFd, "f", rootFd, "g");
        assertEquals(2, Files.getAttribute(root.resolve("f"), "unix:nlink"));
        fd.linkat(rootFd, "abs", rootFd, "abs2"); // links the symlink itself
        assertTrue(Files.isSymbolicLink(root.resolve("abs2")));
        assertEquals(1, Files.getAttribute(outside.resolve("secret"), "unix:nlink"));

        fd.symlinkat("/etc", rootFd, "etc");
        assertEquals(Path.of("/etc"), Files.readSymbolicLink(root.resolve("etc")));
        assertTrue(fd.unlinkat(rootFd, "etc", 0));
        assertFalse(fd.unlinkat(rootFd, "etc", 0), "already gone");
        assertTrue(fd.unlinkat(rootFd, "a", FdOps.AT_REMOVEDIR));
        assertTrue(Files.isDirectory(outside), "unlinking a symlink never touches its target");
    }
}

package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.nativeio.NativeIO;

class WhiteoutAndAttributesTest {

    @TempDir
    Path dir;

    static NativeIO requireRoot() throws IOException {
        NativeIO io = NativeIO.get();
        Assumptions.assumeTrue(io.isRoot(), "not root (euid " + io.geteuid() + "): overlay whiteouts (mknod 0/0), "
                + "trusted.overlay.opaque and lchown need root; run the tests as root to cover them");
        return io;
    }

    static int mode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
    }

    @Test
    void ociWhiteoutsBecomeOverlayWhiteouts() throws Exception {
        NativeIO io = requireRoot();
        Path base = Files.createDirectories(dir.resolve("base"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        new TarUnpacker(UnpackLimits.DEFAULT).unpack(new ByteArrayInputStream(new Tars().dir("etc", 0755).file("etc/old", "o")
                .file("etc/keep", "k").dir("cache", 0755).file("cache/a", "a").dir("cache/sub", 0755).file("cache/sub/b", "b").gzip()), base);
        TarUnpacker.Result r = new TarUnpacker(UnpackLimits.DEFAULT).unpack(new ByteArrayInputStream(new Tars()
                .file("etc/.wh.old", "").dir("cache", 0755).file("cache/.wh..wh..opq", "").file("cache/new", "n").gzip()), upper);
        assertEquals(2, r.whiteouts());
        Path wh = upper.resolve("etc/old");
        assertEquals(NativeIO.S_IFCHR, mode(wh) & 0170000, "whiteout is a character device");
        assertEquals(0L, ((Number) Files.getAttribute(wh, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue(), "device 0/0");
        assertFalse(Files.exists(upper.resolve("etc/.wh.old"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(upper.resolve("cache/.wh..wh..opq"), LinkOption.NOFOLLOW_LINKS));
        Optional<byte[]> opq = io.getxattr(upper.resolve("cache"), NativeIO.OVERLAY_OPAQUE_XATTR);
        assertEquals("y", new String(opq.orElseThrow(), StandardCharsets.US_ASCII));

        Map<String, String> merged = LayerTrees.merged(List.of(base, upper));
        assertEquals(Map.of("etc", "d", "etc/keep", "f", "cache", "d", "cache/new", "f"), merged);
    }

    @Test
    void modesOwnershipAndTimesAreKeptAndSetuidOnlyWhenConfigured() throws Exception {
        requireRoot();
        Path root = Files.createDirectories(dir.resolve("l"));
        byte[] tar = new Tars().dir("bin", 0750).file("bin/su", 04755, "x".getBytes(), 0, 0, 1_500_000_000L)
                .file("home/u/f", 0600, "y".getBytes(), 1000, 1001, 1_400_000_000L).dir("tmp", 01777).symlink("bin/s", "su").tar();
        new TarUnpacker(UnpackLimits.DEFAULT.withSetuidBits(true)).unpack(new ByteArrayInputStream(tar), root);
        assertEquals(04755, mode(root.resolve("bin/su")) & 07777);
        assertEquals(01777, mode(root.resolve("tmp")) & 07777);
        assertEquals(0750, mode(root.resolve("bin")) & 07777);
        assertEquals(1000, Files.getAttribute(root.resolve("home/u/f"), "unix:uid"));
        assertEquals(1001, Files.getAttribute(root.resolve("home/u/f"), "unix:gid"));
        assertEquals(FileTime.fromMillis(1_400_000_000_000L), Files.getLastModifiedTime(root.resolve("home/u/f")));
        assertEquals(FileTime.fromMillis(1_500_000_000_000L), Files.getLastModifiedTime(root.resolve("bin/su")));
    }

    @Test
    void setuidAndSetgidBitsAreStrippedByDefault() throws Exception {
        requireRoot();
        Path root = Files.createDirectories(dir.resolve("s"));
        new TarUnpacker(UnpackLimits.DEFAULT).unpack(new ByteArrayInputStream(new Tars().dir("g", 02775)
                .file("su", 04755, "x".getBytes(), 0, 0, 1).file("sg", 06711, "x".getBytes(), 0, 0, 1).tar()), root);
        assertEquals(0755, mode(root.resolve("su")) & 07777);
        assertEquals(0711, mode(root.resolve("sg")) & 07777);
        assertEquals(0775, mode(root.resolve("g")) & 07777);
    }

    @Test
    void deviceNodesWhenAllowed() throws Exception {
        requireRoot();
        Path root = Files.createDirectories(dir.resolve("d"));
        new TarUnpacker(UnpackLimits.DEFAULT.withDeviceNodes(true)).unpack(new ByteArrayInputStream(
                new Tars().device("dev/null", TarConstants.LF_CHR, 1, 3).device("fifo", TarConstants.LF_FIFO, 0, 0).tar()), root);
        assertEquals(NativeIO.S_IFCHR, mode(root.resolve("dev/null")) & 0170000);
        assertEquals(NativeIO.makedev(1, 3), ((Number) Files.getAttribute(root.resolve("dev/null"), "unix:rdev")).longValue());
        assertEquals(NativeIO.S_IFIFO, mode(root.resolve("fifo")) & 0170000);
    }

    @Test
    void unpackingWithoutNativeSupportFailsClearlyBeforeTouchingAnything() throws IOException {
        Path root = Files.createDirectories(dir.resolve("n"));
        IOException e = assertThrows(IOException.class, () ->
            new TarUnpacker(UnpackLimits.DEFAULT, Optional.empty()).unpack(new ByteArrayInputStream(new Tars().file(".wh.x", "").tar()), root));
        assertTrue(e.getMessage().contains("layer 'n' needs the native libc binding"), e.getMessage());
        try (var list = Files.list(root)) {
            assertEquals(0, list.count());
        }
    }

    @Test
    void mergedTreeWithoutWhiteouts() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        new TarUnpacker(UnpackLimits.DEFAULT).unpack(new ByteArrayInputStream(new Tars().file("x/1", "1").file("y", "y").tar()), a);
        new TarUnpacker(UnpackLimits.DEFAULT).unpack(new ByteArrayInputStream(new Tars().file("x/2", "2").dir("y", 0755).file("y/z", "z").tar()), b);
        assertEquals(Map.of("x", "d", "x/1", "f", "x/2", "f", "y", "d", "y/z", "f"), LayerTrees.merged(List.of(a, b)));
    }
}

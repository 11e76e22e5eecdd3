package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.fs.common.Trees;

/**
 * A corpus of hostile layer tars: each must be rejected with an {@link UnsafeLayerException} naming
 * the entry, and nothing outside the layer root may be created or changed.
 */
class HostileTarTest {

    @TempDir
    Path sandbox;

    Path outside;
    Path layer;

    @BeforeEach
    void setUp() throws IOException {
        outside = Files.createDirectories(sandbox.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "do not touch");
        layer = Files.createDirectories(sandbox.resolve("work/layer"));
    }

    /** Every path below the sandbox except the layer root's content, with size and mtime. */
    private Map<String, String> outsideSnapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(sandbox)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.startsWith(layer) && !p.equals(layer)) {
                    continue;
                }
                m.put(sandbox.relativize(p).toString(), Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        ? Files.size(p) + "@" + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS) + ":" + Files.readString(p)
                        : "dir-or-link");
            }
        }
        return m;
    }

    private UnsafeLayerException rejects(byte[] tar, UnpackLimits limits, String expectedInMessage) throws IOException {
        Map<String, String> before = outsideSnapshot();
        UnsafeLayerException e = assertThrows(UnsafeLayerException.class,
                () -> new TarUnpacker(limits).unpack(new ByteArrayInputStream(tar), layer));
        assertTrue(e.getMessage().contains(expectedInMessage), "message '" + e.getMessage() + "' should mention " + expectedInMessage);
        assertEquals(before, outsideSnapshot(), "0 files written or changed outside the layer root");
        // nothing in the layer escapes either: no symlink inside points out of the sandbox's layer
        try (Stream<Path> s = Files.walk(layer)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p)) {
                    Path t = Files.readSymbolicLink(p);
                    assertTrue(t.isAbsolute() ? limits.allowAbsoluteSymlinks() : p.getParent().resolve(t).normalize().startsWith(layer),
                            "left an escaping link " + p + " -> " + t);
                }
            }
        }
        Trees.deleteTree(layer); // as the store does with a failed unpack
        Files.createDirectories(layer);
        return e;
    }

    private final UnpackLimits defaults = UnpackLimits.DEFAULT;
    private final UnpackLimits absoluteLinksOk = UnpackLimits.DEFAULT.withAbsoluteSymlinks(true);

    @Test
    void dotDotTraversal() throws IOException {
        rejects(new Tars().file("ok", "1").file("../outside/evil", "x").tar(), defaults, "'..'");
        rejects(new Tars().file("a/b/../../../outside/secret", "overwritten").tar(), defaults, "'..'");
    }

    @Test
    void absolutePath() throws IOException {
        rejects(new Tars().file(outside.resolve("evil").toString(), "x").tar(), defaults, "absolute path");
    }

    @Test
    void absoluteSymlink() throws IOException {
        rejects(new Tars().symlink("etc", outside.toString()).tar(), defaults, "absolute target");
    }

    @Test
    void relativeSymlinkEscapingTheRoot() throws IOException {
        rejects(new Tars().dir("a", 0755).symlink("a/up", "../../../outside").tar(), defaults, "outside the layer root");
    }

    @Test
    void symlinkThenFileThroughIt() throws IOException {
        // even when absolute links are allowed (they resolve in the container), nothing is written through one
        rejects(new Tars().symlink("etc", outside.toString()).file("etc/evil", "x").tar(), absoluteLinksOk, "through symlink 'etc'");
        // and through an in-root link, too
        rejects(new Tars().dir("real", 0755).symlink("alias", "real").file("alias/f", "x").tar(), defaults, "through symlink 'alias'");
    }

    @Test
    void symlinkThenDirectoryThenFile() throws IOException {
        rejects(new Tars().symlink("d", outside.toString()).dir("d/sub", 0755).file("d/sub/f", "x").tar(), absoluteLinksOk, "through symlink 'd'");
    }

    @Test
    void hardlinkOut() throws IOException {
        rejects(new Tars().hardlink("h", "../outside/secret").tar(), defaults, "outside the layer root");
        rejects(new Tars().hardlink("h", outside.resolve("secret").toString()).tar(), defaults, "outside the layer root");
        rejects(new Tars().symlink("s", outside.toString()).hardlink("h", "s/secret").tar(), absoluteLinksOk, "through symlink 's'");
        rejects(new Tars().hardlink("h", "missing").tar(), defaults, "does not name a regular file");
    }

    @Test
    void deviceNodes() throws IOException {
        rejects(new Tars().device("dev/mem", TarConstants.LF_CHR, 1, 1).tar(), defaults, "device node");
        rejects(new Tars().device("dev/sda", TarConstants.LF_BLK, 8, 0).tar(), defaults, "device node");
        rejects(new Tars().device("fifo", TarConstants.LF_FIFO, 0, 0).tar(), defaults, "device node");
    }

    @Test
    void hugeDeclaredSize() throws IOException {
        rejects(Tars.hugeDeclaredSize("big", 077777777777L), defaults.withSizes(64L << 20, 1L << 30), "declares 8589934591 bytes");
        // under the limit but lying about its size: the truncated archive fails, nothing leaks
        Map<String, String> before = outsideSnapshot();
        IOException e = assertThrows(IOException.class,
                () -> new TarUnpacker(defaults).unpack(new ByteArrayInputStream(Tars.hugeDeclaredSize("big", 1L << 30)), layer));
        assertTrue(e.getMessage().toLowerCase().contains("truncated") || e.getMessage().contains("held"), e.getMessage());
        assertEquals(before, outsideSnapshot());
    }

    @Test
    void sizeBombAcrossEntries() throws IOException {
        Tars t = new Tars();
        for (int i = 0; i < 40; i++) {
            t.zeros("bomb/" + i, 1 << 20);
        }
        byte[] gz = t.gzip();
        assertTrue(gz.length < 200_000, "compresses ~40 MiB of zeros into " + gz.length + " bytes");
        rejects(gz, defaults.withSizes(2L << 20, 16L << 20), "16777216-byte limit");
    }

    @Test
    void tooManyEntries() throws IOException {
        Tars t = new Tars();
        for (int i = 0; i < 20; i++) {
            t.file("f" + i, "x");
        }
        rejects(t.tar(), new UnpackLimits(1 << 20, 1 << 20, 10, false, false, true), "more than 10 entries");
    }

    @Test
    void fileReplacingASymlinkDoesNotWriteThroughIt() throws IOException {
        Map<String, String> before = outsideSnapshot();
        new TarUnpacker(absoluteLinksOk).unpack(new ByteArrayInputStream(
                new Tars().symlink("x", outside.resolve("secret").toString()).file("x", "inside").tar()), layer);
        assertEquals(before, outsideSnapshot());
        assertFalse(Files.isSymbolicLink(layer.resolve("x")));
        assertEquals("inside", Files.readString(layer.resolve("x")));
        assertEquals("do not touch", Files.readString(outside.resolve("secret")));
    }

    @Test
    void benignLayerWithLinksUnpacks() throws IOException {
        byte[] tar = new Tars().dir("./", 0755).dir("usr/bin", 0755).file("usr/bin/tool", "bin").hardlink("usr/bin/tool2", "usr/bin/tool")
                .symlink("usr/bin/t", "tool").symlink("lib", "usr/lib").file("./etc//conf", "c").zstd();
        TarUnpacker.Result r = new TarUnpacker(defaults).unpack(new ByteArrayInputStream(tar), layer);
        assertEquals(7, r.entries());
        assertEquals("bin", Files.readString(layer.resolve("usr/bin/tool2")));
        assertEquals("tool", Files.readSymbolicLink(layer.resolve("usr/bin/t")).toString());
        assertEquals("c", Files.readString(layer.resolve("etc/conf")));
        assertEquals(List.of("etc", "lib", "usr"), Files.list(layer).map(p -> p.getFileName().toString()).sorted().toList());
    }
}

package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpacker hashes each regular file while writing it, so the store records a layer's digest tree without reading
 * the layer back; the tree built from those digests must equal the one built by reading every file.
 */
class UnpackDigestsTest {

    @TempDir
    Path dir;

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyRegularFileAndHardLinkGetsTheDigestOfTheBytesWrittenToIt() throws Exception {
        Path root = Files.createDirectory(dir.resolve("layer"));
        byte[] big = new byte[200_000]; // more than one 64 KiB buffer
        big[150_000] = 7;
        TarUnpacker.Result r = new TarUnpacker(UnpackLimits.DEFAULT).unpack(new ByteArrayInputStream(new Tars()
                .dir("etc", 0755).file("etc/a", "first a").file("etc/b", "b").hardlink("etc/a2", "etc/a")
                .file("etc/a", "second a") // replaces a; the earlier hard link keeps the first bytes
                .file("big", 0644, big, 0, 0, 1_600_000_000L).symlink("l", "etc/b").file("empty", "")
                .file(".wh.gone", "").tar()), root);
        assertEquals(Map.of("etc/a", sha256("second a"), "etc/b", sha256("b"), "etc/a2", sha256("first a"),
                "big", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)), "empty", sha256("")),
                r.fileDigests());
    }

    @Test
    void theTreeFromTheUnpackersDigestsEqualsTheTreeFromReadingEveryFile() throws Exception {
        Path root = Files.createDirectory(dir.resolve("layer"));
        TarUnpacker.Result r = new TarUnpacker(UnpackLimits.DEFAULT).unpack(new ByteArrayInputStream(new Tars()
                .dir("bin", 0755).file("bin/sh", 0755, "shell".getBytes(StandardCharsets.UTF_8), 0, 0, 1_600_000_000L)
                .hardlink("bin/sh2", "bin/sh").symlink("bin/bash", "sh").file("x", "1").dir("x", 0700).file("x/y", "2")
                .tar()), root);
        assertEquals(LayerTree.scan(root).nodes(), LayerTree.scan(root, r.fileDigests()).nodes());
    }

    @Test
    void aFileTheDigestsDoNotNameIsReadAndHashed() throws Exception {
        Path root = Files.createDirectory(dir.resolve("layer"));
        Files.writeString(root.resolve("f"), "on disk");
        LayerTree t = LayerTree.scan(root, Map.of("other", sha256("x")));
        assertEquals(sha256("on disk"), t.nodes().stream().filter(n -> n.path().equals("f")).findFirst().orElseThrow().content());
    }
}

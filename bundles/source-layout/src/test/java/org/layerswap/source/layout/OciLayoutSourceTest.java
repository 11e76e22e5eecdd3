package org.layerswap.source.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSourceException;
import org.layerswap.oci.format.OciLayoutWriter;

class OciLayoutSourceTest {

    @TempDir
    Path dir;

    @Test
    void resolvesByRefNameTagAndDigestAndServesBlobsFromOffset() throws Exception {
        OciLayoutWriter w = OciLayoutWriter.create(dir);
        var base = w.addLayer(t -> t.directory("usr", 0755).file("usr/a", "A"));
        var app = w.addLayer(t -> t.file("app.py", "print(1)"));
        var entry = w.addImage("functions/thumb:1.2", List.of(base, app), new ImageConfig(List.of("python"), List.of("app.py"), List.of(), "/"));
        OciLayoutSource src = new OciLayoutSource(dir);

        ImageManifest m = src.resolve("functions/thumb:1.2");
        assertEquals("functions/thumb", m.repository());
        assertEquals(entry.digest(), m.manifestDigest());
        assertEquals(List.of(base.descriptor(), app.descriptor()), m.layers());
        assertEquals(List.of("python"), m.config().entrypoint());
        assertEquals(m.layers(), src.resolve(entry.digest()).layers());
        assertEquals(m.layers(), src.resolve("other/name@" + entry.digest()).layers());

        byte[] all = Files.readAllBytes(src.blobPath(base.descriptor().id()));
        try (InputStream in = src.openBlob("functions/thumb", base.descriptor(), 7)) {
            assertArrayEquals(Arrays.copyOfRange(all, 7, all.length), in.readAllBytes());
        }
    }

    @Test
    void theManifestIsItsBlobByteForByteAndAnUnknownDigestIsNamed() throws Exception {
        OciLayoutWriter w = OciLayoutWriter.create(dir);
        w.addImage("x:1", List.of(w.addLayer(t -> t.file("f", "1"))), ImageConfig.EMPTY);
        OciLayoutSource src = new OciLayoutSource(dir);
        ImageManifest m = src.resolve("x:1");
        assertArrayEquals(Files.readAllBytes(src.blobPath(LayerId.of(m.manifestDigest()))), src.manifestBytes("x", m.manifestDigest()));
        String unknown = "sha256:" + "0".repeat(64);
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> src.manifestBytes("x", unknown));
        assertTrue(e.getMessage().contains("missing blob " + unknown), e.getMessage());
    }

    @Test
    void clearErrorsForUnknownImageAndMissingBlob() throws Exception {
        OciLayoutWriter w = OciLayoutWriter.create(dir);
        w.addImage("x:1", List.of(w.addLayer(t -> t.file("f", "1"))), ImageConfig.EMPTY);
        OciLayoutSource src = new OciLayoutSource(dir);
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> src.resolve("y:2"));
        assertTrue(e.getMessage().contains("'y:2'") && e.getMessage().contains("x:1"), e.getMessage());
        assertFalse(e.retryable());
        LayerDescriptor ghost = new LayerDescriptor(LayerId.of("sha256:" + "0".repeat(64)), 1, null);
        LayerSourceException b = assertThrows(LayerSourceException.class, () -> src.openBlob("x", ghost, 0));
        assertTrue(b.getMessage().contains(ghost.id().digest()), b.getMessage());
        LayerSourceException notLayout = assertThrows(LayerSourceException.class,
                () -> new OciLayoutSource(dir.resolve("blobs")).resolve("x:1"));
        assertTrue(notLayout.getMessage().contains("oci-layout"), notLayout.getMessage());
    }
}

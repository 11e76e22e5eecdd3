package org.layerswap.oci.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ImageConfig;

class OciFormatTest {

    @TempDir
    Path dir;

    @Test
    void jsonRoundTripAndErrors() {
        String doc = "{\"a\":[1,2.5,\"x\\n\\u0041\",true,null],\"b\":{\"c\":-3}}";
        Map<String, Object> m = Json.parseObject(doc);
        assertEquals(List.of(1L, new java.math.BigDecimal("2.5"), "x\nA", true), ((List<?>) m.get("a")).subList(0, 4));
        assertEquals("{\"a\":[1,2.5,\"x\\nA\",true,null],\"b\":{\"c\":-3}}", Json.write(m));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":}"));
        assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
    }

    @Test
    void indexSelectsLinuxAmd64() {
        String idx = "{\"schemaVersion\":2,\"mediaType\":\"" + OciMediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + OciMediaTypes.OCI_MANIFEST + "\",\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
                + "{\"mediaType\":\"" + OciMediaTypes.OCI_MANIFEST + "\",\"digest\":\"sha256:" + "b".repeat(64) + "\",\"size\":11,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        byte[] b = idx.getBytes(StandardCharsets.UTF_8);
        assertTrue(OciManifests.isIndex(null, b));
        assertEquals("sha256:" + "b".repeat(64), OciManifests.selectPlatform(OciManifests.parseIndex(b), "linux", "amd64").digest());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OciManifests.selectPlatform(OciManifests.parseIndex(b), "linux", "s390x"));
        assertTrue(e.getMessage().contains("linux/arm64"), e.getMessage());
    }

    @Test
    void layoutWriterProducesParsableImage() throws Exception {
        OciLayoutWriter w = OciLayoutWriter.create(dir);
        OciLayoutWriter.LayerBlob l1 = w.addLayer(t -> t.directory("etc", 0755).file("etc/hello", "hi\n"));
        OciLayoutWriter.LayerBlob l2 = w.addLayer(false, t -> t.whiteout("etc/hello").symlink("etc/link", "hello")
                .file("a/" + "long".repeat(40) + "/f", "deep"));
        Descriptor m = w.addImage("demo:1", List.of(l1, l2), new ImageConfig(List.of("/bin/sh"), List.of(), List.of("A=1"), "/w"));
        OciManifests.Manifest man = OciManifests.parseManifest(Files.readAllBytes(w.blob(m.digest())));
        assertEquals(List.of(l1.descriptor(), l2.descriptor()), man.layers());
        assertEquals(Digests.sha256(w.blob(l1.descriptor().id().digest())), l1.descriptor().id().digest());
        ImageConfig cfg = OciManifests.parseConfig(Files.readAllBytes(w.blob(man.config().digest())));
        assertEquals(List.of("/bin/sh"), cfg.entrypoint());
        assertEquals("/w", cfg.workingDir());
        Descriptor entry = OciManifests.parseIndex(Files.readAllBytes(dir.resolve("index.json"))).get(0);
        assertEquals("demo:1", entry.annotation(OciManifests.REF_NAME_ANNOTATION));
        // the uncompressed second layer is a tar: its diff id equals its digest
        assertEquals(l2.diffId(), l2.descriptor().id().digest());
    }

    @Test
    void tarHeaderChecksumIsValid() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TarLayerBuilder(out).file("x", "y").finish();
        byte[] h = java.util.Arrays.copyOf(out.toByteArray(), 512);
        long stored = Long.parseLong(new String(h, 148, 6, StandardCharsets.US_ASCII).trim(), 8);
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        assertEquals(sum, stored);
        assertEquals(512 * 4, out.size());
    }
}

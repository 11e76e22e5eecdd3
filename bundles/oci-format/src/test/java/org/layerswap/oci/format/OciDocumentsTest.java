package org.layerswap.oci.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;

/** The bytes OCI documents are written as (they are content-addressed) and the errors malformed ones get. */
class OciDocumentsTest {

    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    @Test
    void writtenDocumentsKeepTheirExactBytesBecauseTheirDigestsNameThem() {
        assertEquals("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[],"
                        + "\"Env\":[\"A=1\",\"Q=\\\"x\\\"\"],\"WorkingDir\":\"/w\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + A + "\"]}}",
                utf8(OciManifests.writeConfig(new ImageConfig(List.of("/bin/sh"), List.of(), List.of("A=1", "Q=\"x\""), "/w"),
                        List.of(A), "linux", "amd64")));
        assertEquals("{\"schemaVersion\":2,\"mediaType\":\"" + OciMediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":null,\"digest\":\""
                        + A + "\",\"size\":7},\"layers\":[{\"mediaType\":\"" + LayerDescriptor.OCI_TAR + "\",\"digest\":\"" + B + "\",\"size\":5}]}",
                utf8(OciManifests.writeManifest(new Descriptor(null, A, 7),
                        List.of(new LayerDescriptor(LayerId.of(B), 5, LayerDescriptor.OCI_TAR)))));
        assertEquals("{\"schemaVersion\":2,\"mediaType\":\"" + OciMediaTypes.OCI_INDEX + "\",\"manifests\":["
                        + "{\"mediaType\":\"m\",\"digest\":\"" + A + "\",\"size\":1,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"},"
                        + "\"annotations\":{\"" + OciManifests.REF_NAME_ANNOTATION + "\":\"demo:1\"}},"
                        + "{\"mediaType\":\"m\",\"digest\":\"" + B + "\",\"size\":2,\"platform\":{\"architecture\":null,\"os\":\"linux\"}},"
                        + "{\"mediaType\":\"m\",\"digest\":\"" + B + "\",\"size\":3}]}",
                utf8(OciManifests.writeIndex(List.of(
                        new Descriptor("m", A, 1, Map.of(OciManifests.REF_NAME_ANNOTATION, "demo:1"), "linux", "arm64", "v8"),
                        new Descriptor("m", B, 2, Map.of(), "linux", null, null),
                        new Descriptor("m", B, 3)))));
    }

    @Test
    void writtenDocumentsReadBackToWhatWasWritten() {
        Descriptor d = new Descriptor("m", A, 1, Map.of("k", "v"), "linux", "arm64", "v8");
        assertEquals(List.of(d), OciManifests.parseIndex(OciManifests.writeIndex(List.of(d))));
        ImageConfig c = new ImageConfig(List.of("/e"), List.of("c", "d"), List.of("A=1"), "/w");
        assertEquals(c.withDiffIds(List.of(A)), OciManifests.parseConfig(OciManifests.writeConfig(c, List.of(A), "linux", "amd64")));
    }

    @Test
    void aConfigsDiffIdsAreReadBaseFirstAndAMalformedOneIsRefusedNamingIt() {
        String doc = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + A + "\",\"" + B + "\"]}}";
        assertEquals(List.of(A, B), OciManifests.parseConfig(doc.getBytes(StandardCharsets.UTF_8)).diffIds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OciManifests.parseConfig("{\"rootfs\":{\"diff_ids\":[\"sha256:xyz\"]}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("image config rootfs.diff_ids: 'sha256:xyz' is not sha256:<64 lowercase hex>", e.getMessage());
    }

    @Test
    void aManifestWhoseLayerHasNoDigestIsRefusedNamingTheLayer() {
        assertRefused("manifest layers[1]: descriptor without a digest",
                "{\"config\":" + desc(A, "7") + ",\"layers\":[" + desc(B, "5") + ",{\"size\":3}]}");
    }

    @Test
    void aManifestWhoseLayerSizeIsNotAWholeNonNegativeNumberIsRefused() {
        for (String size : List.of("-1", "\"12\"", "1.5", "null", "99999999999999999999")) {
            assertRefused("manifest layers[0]: descriptor " + B + " without a valid size",
                    "{\"config\":" + desc(A, "7") + ",\"layers\":[" + desc(B, size) + "]}");
        }
    }

    @Test
    void aManifestWithoutALayersArrayOrConfigIsRefused() {
        assertRefused("image manifest has no 'layers' array", "{\"config\":" + desc(A, "7") + ",\"layers\":{}}");
        assertRefused("manifest config: not a descriptor object", "{\"config\":[],\"layers\":[]}");
    }

    @Test
    void anIndexGivenWhereAManifestIsExpectedIsRefused() {
        assertRefused("expected an image manifest but got an index",
                "{\"mediaType\":\"" + OciMediaTypes.OCI_INDEX + "\",\"manifests\":[]}");
    }

    @Test
    void anIndexWithoutAManifestsArrayIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OciManifests.parseIndex("{\"manifests\":3}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("image index has no 'manifests' array"), e.getMessage());
    }

    @Test
    void aDocumentThatIsNotAJsonObjectIsRefused() {
        assertRefused("JSON document is not an object", "[1,2]");
        assertRefused("malformed JSON", "{\"layers\":[]} trailing");
        assertRefused("malformed JSON", "{\"layers\":[");
    }

    @Test
    void aDocumentNestedDeeperThanTheLimitIsRefusedWithAClearError() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH) + "]".repeat(Json.MAX_NESTING_DEPTH);
        assertRefused("nesting depth", "{\"layers\":" + deep + "}");
        // at the limit it still parses
        String ok = "[".repeat(Json.MAX_NESTING_DEPTH - 1) + "]".repeat(Json.MAX_NESTING_DEPTH - 1);
        assertEquals(Map.of("x", List.of()), Json.parseObject("{\"x\":[]}"));
        Json.parseObject("{\"x\":" + ok + "}");
    }

    @Test
    void aConfigWithoutAContainerConfigReadsAsTheEmptyConfig() {
        assertEquals(ImageConfig.EMPTY, OciManifests.parseConfig("{\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aDocumentWithARepeatedKeyIsRefusedBecauseParsersDisagreeOnWhichValueCounts() {
        assertRefused("Duplicate field 'layers'", "{\"layers\":[],\"layers\":[]}");
    }

    @Test
    void untypedReadsRefuseIntegersBeyondALong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[99999999999999999999]"));
        assertTrue(e.getMessage().contains("out of range of long"), e.getMessage());
    }

    private static String desc(String digest, String size) {
        return "{\"mediaType\":\"m\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    private static void assertRefused(String expected, String manifest) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OciManifests.parseManifest(manifest.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

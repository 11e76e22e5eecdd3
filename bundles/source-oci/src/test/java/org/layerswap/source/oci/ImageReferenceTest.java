package org.layerswap.source.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerSourceException;

class ImageReferenceTest {

    static final URI REGISTRY = URI.create("http://127.0.0.1:5000");

    static ImageReference parse(String ref) throws LayerSourceException {
        return ImageReference.parse(ref, REGISTRY);
    }

    @Test
    void aTagFollowsTheLastColonAfterTheLastSlash() throws Exception {
        assertEquals(new ImageReference("functions/fn", "1"), parse("functions/fn:1"));
        assertEquals(new ImageReference("a/b/c", "v1.2-rc"), parse("  a/b/c:v1.2-rc "));
    }

    @Test
    void withoutATagTheReferenceIsLatest() throws Exception {
        assertEquals(new ImageReference("functions/fn", "latest"), parse("functions/fn"));
    }

    @Test
    void aDigestFollowsTheAt() throws Exception {
        String digest = "sha256:" + "ab".repeat(32);
        assertEquals(new ImageReference("functions/fn", digest), parse("functions/fn@" + digest));
    }

    @Test
    void theConfiguredRegistrysHostAndPortAreDropped() throws Exception {
        assertEquals(new ImageReference("functions/fn", "2"), parse("127.0.0.1:5000/functions/fn:2"));
        assertEquals(new ImageReference("functions/fn", "latest"), parse("127.0.0.1:5000/functions/fn"));
    }

    @Test
    void anotherRegistrysHostIsNotARepositoryName() {
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> parse("other.example:443/functions/fn:1"));
        assertTrue(e.getMessage().contains("'other.example:443/functions/fn:1'"), e.getMessage());
    }

    @Test
    void malformedReferencesAreRefusedNamingTheInput() {
        for (String bad : new String[] {"UPPER/case", "", "  ", "a//b", "-a/b", "a/b:", "a/b@", "a b"}) {
            LayerSourceException e = assertThrows(LayerSourceException.class, () -> parse(bad), bad);
            assertTrue(e.getMessage().contains("not an image reference") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertFalse(e.retryable(), bad);
        }
        assertThrows(LayerSourceException.class, () -> parse(null));
    }

    @Test
    void separatorsInsideRepositoryComponentsAreAllowed() throws Exception {
        assertEquals("my_org/fn__x/a.b-c--d", parse("my_org/fn__x/a.b-c--d:1").repository());
    }
}

package org.layerswap.itests.soak;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Test;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerSourceException;
import org.layerswap.source.oci.RegistryClient;
import org.layerswap.source.oci.RegistrySettings;

/** Needs Debian's docker-registry (as the source-oci tests): the registry is real. */
public class SoakRegistryTest {

    @Test
    public void servesPushedImagesThroughItsLinkAndAgainAfterARestart() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "soak-registry-test-");
        try (SoakRegistry registry = SoakRegistry.start(work.resolve("registry"))) {
            List<String> refs = SoakRegistry.writeImages(work.resolve("images"), 2, 4096);
            assertEquals(List.of("soak-registry/fn-0:1", "soak-registry/fn-1:1"), refs);
            assertEquals(2, registry.pushLayout(work.resolve("images")));
            RegistryClient viaLink = new RegistryClient(RegistrySettings.of(registry.url())
                    .withRetries(1, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10)));
            ImageManifest m = viaLink.resolve(refs.get(1));
            assertEquals("base, filler, handler", 3, m.layers().size());
            assertTrue("the manifest came over the link", registry.link().downloadedBytes() > 0);

            registry.stop();
            assertFalse(registry.running());
            try {
                viaLink.resolve(refs.get(0));
                fail("resolved an image while the registry was stopped");
            } catch (LayerSourceException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains(registry.url()));
            }
            assertTrue(registry.link().refusedConnections() > 0);

            registry.restart();
            RegistryClient fresh = new RegistryClient(RegistrySettings.of(registry.url()));
            assertEquals(m.layers(), fresh.resolve(refs.get(1)).layers());
        }
    }
}

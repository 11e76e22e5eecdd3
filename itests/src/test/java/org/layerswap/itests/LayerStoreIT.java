package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerStore;
import org.layerswap.oci.format.OciLayoutWriter;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Inside the booted appliance: the local OCI-layout source serves an image written on the fly,
 * the layer store pulls, verifies and unpacks it, and the JNR-FFI binding turns an OCI whiteout
 * into an overlay whiteout (a 0/0 character device) — a real syscall from inside OSGi.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LayerStoreIT extends ApplianceTestSupport {

    @Inject
    @Filter(timeout = 60_000)
    LayerStore store;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Test
    public void storePullsVerifiesAndUnpacksFromTheLayoutSource() throws Exception {
        Path layout = Files.createTempDirectory("layerswap-itest-layout");
        OciLayoutWriter writer = OciLayoutWriter.create(layout);
        OciLayoutWriter.LayerBlob base = writer.addLayer(true, tar -> tar
                .directory("etc/", 0755)
                .file("etc/os-release", "ID=layerswap-test\n")
                .file("etc/obsolete.conf", "old\n"));
        OciLayoutWriter.LayerBlob top = writer.addLayer(true, tar -> tar
                .file("app/handler.sh", 0755, "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8))
                .whiteout("etc/obsolete.conf"));
        writer.addImage("itest/hello:1", List.of(base, top), new ImageConfig(List.of("/app/handler.sh"), List.of(), List.of(), "/"));

        org.osgi.service.cm.Configuration c = configurationAdmin.getConfiguration("org.layerswap.source.layout", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("path", layout.toString());
        c.update(props);

        ImageManifest image = resolveWhenReady("itest/hello:1");
        assertEquals(2, image.layers().size());
        assertEquals(List.of("/app/handler.sh"), image.config().entrypoint());

        Path basePath = store.fetch(image.repository(), image.layers().get(0), FetchPriority.ON_DEMAND).get(60, TimeUnit.SECONDS);
        Path topPath = store.fetch(image.repository(), image.layers().get(1), FetchPriority.PREFETCH).get(60, TimeUnit.SECONDS);
        assertEquals("ID=layerswap-test\n", Files.readString(basePath.resolve("etc/os-release")));
        assertTrue(Files.isExecutable(topPath.resolve("app/handler.sh")));
        assertTrue(store.isResident(image.layers().get(0).id()));
        assertTrue(store.stats().bytesPulled() >= image.totalSizeBytes());

        assumeTrue("overlay whiteouts (mknod 0/0) need root; running as uid " + System.getProperty("user.name"),
                "root".equals(System.getProperty("user.name")));
        Path whiteout = topPath.resolve("etc/obsolete.conf");
        int mode = (Integer) Files.getAttribute(whiteout, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals("the whiteout is not a character device", 0020000, mode & 0170000);
        assertEquals("the whiteout device is not 0/0", 0L, ((Number) Files.getAttribute(whiteout, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue());
    }

    private ImageManifest resolveWhenReady(String reference) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            for (var ref : bundleContext.getServiceReferences(LayerSource.class, "(name=layout)")) {
                LayerSource source = bundleContext.getService(ref);
                try {
                    return source.resolve(reference);
                } catch (Exception e) {
                    last = e; // the source may still carry the previous path
                } finally {
                    bundleContext.ungetService(ref);
                }
            }
            Thread.sleep(200);
        }
        assertNotNull("no layout source registered", last);
        throw last;
    }
}

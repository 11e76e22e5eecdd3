package org.layerswap.executor.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.layerswap.demo.images.SampleImages;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.source.oci.testing.LocalRegistry;

/** The loopback registry with sample function images pushed by skopeo: functions sharing base layers. */
final class SampleRegistry implements AutoCloseable {

    final LocalRegistry registry;

    private SampleRegistry(LocalRegistry registry) {
        this.registry = registry;
    }

    /**
     * Starts a registry and pushes {@code functions} images {@code samples/fn-<i>:1}, each = busybox-static
     * base + a shared runtime of {@code runtimeBytes} incompressible bytes + its own handler.
     */
    static SampleRegistry start(Path work, int functions, long runtimeBytes) throws Exception {
        LocalRegistry r = LocalRegistry.start(Files.createDirectories(work.resolve("registry")));
        try {
            Path layout = work.resolve("layout");
            OciLayoutWriter w = OciLayoutWriter.create(layout);
            OciLayoutWriter.LayerBlob base = SampleImages.base(w);
            OciLayoutWriter.LayerBlob runtime = SampleImages.filler(w, "opt/runtime", runtimeBytes, 42, false);
            for (int i = 0; i < functions; i++) {
                String ref = "samples/fn-" + i + ":1";
                w.addImage(ref, List.of(base, runtime, SampleImages.handler(w, "fn-" + i)), SampleImages.HANDLER_CONFIG);
                r.skopeoCopy(layout, ref, "samples/fn-" + i + ":1");
            }
            return new SampleRegistry(r);
        } catch (Exception e) {
            r.close();
            throw e;
        }
    }

    @Override
    public void close() {
        registry.close();
    }
}

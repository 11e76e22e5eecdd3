package org.layerswap.itests.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.layerswap.api.LayerSourceException;
import org.layerswap.demo.images.SampleImages;
import org.layerswap.oci.format.Descriptor;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.oci.format.OciManifests;
import org.layerswap.source.oci.RegistryClient;
import org.layerswap.source.oci.RegistryPusher;
import org.layerswap.source.oci.RegistrySettings;
import org.layerswap.source.oci.testing.LinkProxy;
import org.layerswap.source.oci.testing.LocalRegistry;

/**
 * The soak's registry: a real {@code docker-registry} on loopback ({@link LocalRegistry}, storage under {@code work})
 * that the appliance reaches only through a {@link LinkProxy}, so the test can throttle the link and stop and start
 * the registry (same storage, a new port the proxy is pointed at) while the appliance keeps one URL.
 * Images are pushed straight to the registry, not through the link.
 */
public final class SoakRegistry implements AutoCloseable {

    private final Path work;
    private final LinkProxy link;
    private volatile LocalRegistry registry;

    private SoakRegistry(Path work, LocalRegistry registry, LinkProxy link) {
        this.work = work;
        this.registry = registry;
        this.link = link;
    }

    public static SoakRegistry start(Path work) throws IOException, InterruptedException {
        LocalRegistry r = LocalRegistry.start(Files.createDirectories(work));
        try {
            return new SoakRegistry(work, r, new LinkProxy(r.port()));
        } catch (IOException e) {
            r.close();
            throw e;
        }
    }

    /** The URL the appliance is configured with: the link, not the registry itself. */
    public String url() {
        return link.url();
    }

    public LinkProxy link() {
        return link;
    }

    /** True while the registry process runs. */
    public boolean running() {
        return registry != null;
    }

    /** Stops the registry process (the link stays up and closes every new connection at once). */
    public void stop() {
        LocalRegistry r = registry;
        registry = null;
        if (r != null) {
            r.close();
        }
    }

    /** Starts the registry again on the same storage and points the link at it. */
    public void restart() throws IOException, InterruptedException {
        if (registry != null) {
            throw new IllegalStateException("the soak registry is running already");
        }
        LocalRegistry r = LocalRegistry.start(work);
        link.retarget(r.port());
        registry = r;
    }

    /**
     * Pushes every image of an OCI layout that carries a reference name ({@code repository:tag}) under that name;
     * blobs the registry already holds are skipped. Returns how many images were pushed.
     */
    public int pushLayout(Path layout) throws IOException {
        LocalRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException("the soak registry is stopped: nothing can be pushed");
        }
        RegistryPusher pusher = new RegistryPusher(new RegistryClient(RegistrySettings.of(r.url())));
        int pushed = 0;
        for (Descriptor d : OciManifests.parseIndex(Files.readAllBytes(layout.resolve("index.json")))) {
            String ref = d.annotation(OciManifests.REF_NAME_ANNOTATION);
            int colon = ref == null ? -1 : ref.lastIndexOf(':');
            if (colon <= 0 || ref.indexOf('/', colon) >= 0) {
                continue; // no name, or no tag: not an image an appliance references by name
            }
            try {
                pusher.pushFromLayout(layout, ref, ref.substring(0, colon), ref.substring(colon + 1));
            } catch (LayerSourceException e) {
                throw new IOException("pushing " + ref + " from " + layout + " to " + r.url() + " failed: " + e.getMessage(), e);
            }
            pushed++;
        }
        return pushed;
    }

    /**
     * Writes {@code count} images {@code soak-registry/fn-<i>:1} into a layout under {@code layoutDir}: the busybox
     * base (shared with the demo's images), {@code fillerBytes} incompressible bytes of their own and their handler,
     * so running one needs at least two layers no other image has. Returns the references.
     */
    public static List<String> writeImages(Path layoutDir, int count, long fillerBytes) throws IOException {
        OciLayoutWriter w = OciLayoutWriter.create(layoutDir);
        OciLayoutWriter.LayerBlob base = SampleImages.base(w);
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String ref = "soak-registry/fn-" + i + ":1";
            w.addImage(ref, List.of(base, SampleImages.filler(w, "opt/soak-" + i, fillerBytes, 7919L * (i + 1), false),
                    SampleImages.handler(w, "soak-registry-" + i)), SampleImages.HANDLER_CONFIG);
            refs.add(ref);
        }
        return refs;
    }

    @Override
    public void close() throws IOException {
        stop();
        link.close();
    }
}

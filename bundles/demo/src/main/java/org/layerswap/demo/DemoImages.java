package org.layerswap.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.demo.images.SampleImages;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.oci.format.OciLayoutWriter.LayerBlob;
import org.layerswap.workload.LayerModel;

/**
 * Writes one real image per demo function into an OCI layout, shaped like the {@link LayerModel}'s stacks
 * (OS base shared by many apps, a runtime shared per runtime, dependencies per app, code per function)
 * with every size divided by {@code scale}: the busybox-static base, then incompressible fillers, then
 * the function's handler. Shared layers are written once. A marker file makes a second start reuse the
 * layout instead of rebuilding it.
 */
final class DemoImages {

    static final String MARKER = "demo-images.txt";

    private DemoImages() {
    }

    static String reference(String functionId) {
        return "demo/" + functionId + ":1";
    }

    /** Builds (or reuses) the images; returns function id -> image reference. */
    static Map<String, String> build(Path layout, List<String> functionIds, LayerModel model, long seed, int scale) throws IOException {
        String marker = "seed=" + seed + " scale=" + scale + " functions=" + String.join(",", functionIds) + " v1\n";
        Map<String, String> refs = new LinkedHashMap<>();
        functionIds.forEach(f -> refs.put(f, reference(f)));
        Path markerFile = layout.resolve(MARKER);
        if (Files.exists(markerFile) && Files.readString(markerFile).equals(marker)) {
            return refs;
        }
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        LayerBlob busybox = SampleImages.base(w);
        Map<String, LayerBlob> shared = new HashMap<>();
        for (String fn : functionIds) {
            List<LayerBlob> stack = new ArrayList<>();
            stack.add(busybox);
            List<LayerDescriptor> modelled = model.baseLayers(fn);
            for (int i = 0; i < modelled.size() - 1; i++) { // the last modelled layer is the code: the handler below
                LayerDescriptor d = modelled.get(i);
                long bytes = Math.max(4096, d.sizeBytes() / scale);
                long layerSeed = seed ^ d.id().hex().hashCode();
                LayerBlob b = shared.get(d.id().hex());
                if (b == null) {
                    b = SampleImages.filler(w, "opt/layer-" + d.id().hex().substring(0, 12), bytes, layerSeed, false);
                    shared.put(d.id().hex(), b);
                }
                stack.add(b);
            }
            stack.add(SampleImages.handler(w, fn));
            w.addImage(refs.get(fn), stack, SampleImages.HANDLER_CONFIG);
        }
        Files.writeString(markerFile, marker);
        return refs;
    }
}

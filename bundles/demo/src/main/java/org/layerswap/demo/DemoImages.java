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
import org.layerswap.workload.SyntheticWorkload;

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

    /** The data image of (app, dataset): one layer with the data set under /data/<dataset>/. */
    static String dataReference(String functionId, String dataset) {
        return "demo-data/" + LayerModel.appOf(functionId) + "/" + dataset + ":1";
    }

    /** What was built: function id -> image, and function id -> dataset -> data image. */
    record Built(Map<String, String> images, Map<String, Map<String, String>> data) {
    }

    /** Builds (or reuses) the images of {@code functions} and of the data sets their {@code dataset} parameter selects. */
    static Built build(Path layout, List<SyntheticWorkload.FunctionSpec> functions, LayerModel model, long seed, int scale)
            throws IOException {
        List<String> functionIds = functions.stream().map(SyntheticWorkload.FunctionSpec::id).toList();
        String marker = "seed=" + seed + " scale=" + scale + " functions=" + String.join(",", functionIds) + " v2\n";
        Map<String, String> refs = new LinkedHashMap<>();
        Map<String, Map<String, String>> data = new LinkedHashMap<>();
        for (SyntheticWorkload.FunctionSpec f : functions) {
            refs.put(f.id(), reference(f.id()));
            if (!f.datasets().isEmpty()) {
                Map<String, String> ds = new LinkedHashMap<>();
                f.datasets().forEach(d -> ds.put(d, dataReference(f.id(), d)));
                data.put(f.id(), ds);
            }
        }
        Built built = new Built(refs, data);
        Path markerFile = layout.resolve(MARKER);
        if (Files.exists(markerFile) && Files.readString(markerFile).equals(marker)) {
            return built;
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
            for (Map.Entry<String, String> d : data.getOrDefault(fn, Map.of()).entrySet()) {
                LayerDescriptor modelledData = model.optionalLayers(fn, Map.of("dataset", d.getKey())).get(0);
                LayerBlob b = shared.get(modelledData.id().hex());
                if (b == null) {
                    b = SampleImages.dataset(w, d.getKey(), Math.max(4096, modelledData.sizeBytes() / scale),
                            seed ^ modelledData.id().hex().hashCode());
                    shared.put(modelledData.id().hex(), b);
                }
                w.addImage(d.getValue(), List.of(b), SampleImages.HANDLER_CONFIG);
            }
        }
        Files.writeString(markerFile, marker);
        return built;
    }
}

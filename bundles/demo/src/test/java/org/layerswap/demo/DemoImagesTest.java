package org.layerswap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.oci.format.Descriptor;
import org.layerswap.oci.format.OciManifests;
import org.layerswap.workload.LayerModel;
import org.layerswap.workload.SyntheticWorkload;

class DemoImagesTest {

    @TempDir
    Path layout;

    @Test
    void oneImagePerFunctionWithSharedLayersWrittenOnceAndReusedOnRestart() throws Exception {
        List<SyntheticWorkload.FunctionSpec> specs = new SyntheticWorkload(new SyntheticWorkload.Config(1, 40, 1)).functions();
        List<SyntheticWorkload.FunctionSpec> withData = specs.stream().filter(f -> !f.datasets().isEmpty()).limit(1).toList();
        assertEquals(1, withData.size(), "the generator gives some functions a dataset parameter");
        SyntheticWorkload.FunctionSpec data = withData.get(0);
        List<SyntheticWorkload.FunctionSpec> chosen = new java.util.ArrayList<>(specs.stream().filter(f -> f.datasets().isEmpty()).limit(2).toList());
        chosen.add(data);
        List<String> fns = chosen.stream().map(SyntheticWorkload.FunctionSpec::id).toList();
        DemoImages.Built built = DemoImages.build(layout, chosen, new LayerModel(1), 1, 256);
        Map<String, String> refs = built.images();
        assertEquals("demo/" + fns.get(1) + ":1", refs.get(fns.get(1)));
        assertEquals(data.datasets().size(), built.data().get(data.id()).size());
        assertEquals("demo-data/" + LayerModel.appOf(data.id()) + "/" + data.datasets().get(0) + ":1",
                built.data().get(data.id()).get(data.datasets().get(0)));
        List<Descriptor> index = OciManifests.parseIndex(Files.readAllBytes(layout.resolve("index.json")));
        assertEquals(3 + data.datasets().size(), index.size());
        long blobs;
        try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
            blobs = s.count();
        }
        // every distinct modelled layer once (shared ones are not duplicated), plus busybox, the handlers,
        // and a config and a manifest per image
        LayerModel model = new LayerModel(1);
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (String f : fns) {
            List<org.layerswap.api.LayerDescriptor> stack = model.baseLayers(f);
            stack.subList(0, stack.size() - 1).forEach(d -> distinct.add(d.id().hex()));
        }
        data.datasets().forEach(d -> distinct.add(model.optionalLayers(data.id(), Map.of("dataset", d)).get(0).id().hex()));
        int images = 3 + data.datasets().size();
        assertEquals(distinct.size() + 1 + 3 + 2 * images, blobs);
        // a marker time in the past instead of a sleep: a rewrite would set the current time
        java.nio.file.attribute.FileTime marker = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(layout.resolve("index.json"), marker);
        assertEquals(built, DemoImages.build(layout, chosen, new LayerModel(1), 1, 256));
        assertEquals(marker, Files.getLastModifiedTime(layout.resolve("index.json")), "a restart rebuilt the layout");
    }
}

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

class DemoImagesTest {

    @TempDir
    Path layout;

    @Test
    void oneImagePerFunctionWithSharedLayersWrittenOnceAndReusedOnRestart() throws Exception {
        List<String> fns = List.of("app001/fn0001", "app001/fn0002", "app002/fn0003");
        Map<String, String> refs = DemoImages.build(layout, fns, new LayerModel(1), 1, 256);
        assertEquals("demo/app001/fn0002:1", refs.get("app001/fn0002"));
        List<Descriptor> index = OciManifests.parseIndex(Files.readAllBytes(layout.resolve("index.json")));
        assertEquals(3, index.size());
        long blobs;
        try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
            blobs = s.count();
        }
        // same app => same base, runtime and deps layers: only the handlers (and config/manifest) differ
        long modelled = fns.stream().mapToLong(f -> new LayerModel(1).baseLayers(f).size()).sum();
        assertTrue(blobs < 3 * 2 + modelled + 1, "shared layers were duplicated: " + blobs + " blobs");
        long mtime = Files.getLastModifiedTime(layout.resolve("index.json")).toMillis();
        Thread.sleep(20);
        assertEquals(refs, DemoImages.build(layout, fns, new LayerModel(1), 1, 256));
        assertEquals(mtime, Files.getLastModifiedTime(layout.resolve("index.json")).toMillis(), "a restart rebuilt the layout");
    }
}

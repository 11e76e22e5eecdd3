package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;

class LayerModelTest {

    @TempDir
    Path dir;

    @Test
    void deterministicWhateverTheCallOrder() {
        LayerModel a = new LayerModel(42);
        LayerModel b = new LayerModel(42);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("app" + (i / 3) + "/fn" + i);
        }
        List<List<LayerDescriptor>> fromA = ids.stream().map(a::baseLayers).toList();
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new java.util.Random(1));
        shuffled.forEach(b::baseLayers);
        assertEquals(fromA, ids.stream().map(b::baseLayers).toList());
        assertNotEquals(fromA, ids.stream().map(new LayerModel(43)::baseLayers).toList());
    }

    @Test
    void layersAreSharedAsImagesShareThem() {
        LayerModel m = new LayerModel(1);
        List<LayerDescriptor> f1 = m.baseLayers("shop/checkout");
        List<LayerDescriptor> f2 = m.baseLayers("shop/cart");
        // same app: same base, runtime and dependency layers; own code layer on top
        assertEquals(f1.subList(0, f1.size() - 1), f2.subList(0, f2.size() - 1));
        assertNotEquals(f1.get(f1.size() - 1), f2.get(f2.size() - 1));
        // across 300 apps: few distinct bases, runtime layers shared, dependency layers per app
        Set<LayerDescriptor> bases = new HashSet<>();
        Set<LayerDescriptor> all = new HashSet<>();
        int layers = 0;
        for (int app = 0; app < 300; app++) {
            List<LayerDescriptor> s = m.baseLayers("app" + app + "/f");
            bases.add(s.get(0));
            all.addAll(s);
            layers += s.size();
            assertTrue(s.size() >= 3 && s.size() <= 5, "stack of " + s.size());
        }
        assertTrue(bases.size() <= 5, "bases " + bases.size());
        assertTrue(bases.size() >= 4, "bases " + bases.size());
        assertTrue(all.size() < layers, "sharing");
    }

    @Test
    void sizesFollowTheDocumentedDistribution() {
        LayerModel m = new LayerModel(7);
        List<Long> deps = new ArrayList<>();
        List<Long> code = new ArrayList<>();
        for (int app = 0; app < 2000; app++) {
            List<LayerDescriptor> s = m.baseLayers("a" + app + "/f");
            String rt = m.runtimeOf("a" + app + "/f");
            int depIndex = rt.equals("custom") ? 1 : 2;
            deps.add(s.get(depIndex).sizeBytes());
            code.add(s.get(s.size() - 1).sizeBytes());
        }
        Collections.sort(deps);
        Collections.sort(code);
        long depMedian = deps.get(deps.size() / 2);
        long codeMedian = code.get(code.size() / 2);
        assertTrue(depMedian > 20e6 && depMedian < 31e6, "dependency median " + depMedian);
        assertTrue(codeMedian > 400_000 && codeMedian < 650_000, "code median " + codeMedian);
        long p95 = deps.get((int) (deps.size() * 0.95));
        assertTrue(p95 > 120e6 && p95 < 260e6, "dependency p95 " + p95);
        assertTrue(deps.get(0) >= 256 * 1024 && deps.get(deps.size() - 1) <= 1536L << 20);
        assertTrue(code.get(0) >= 4096 && code.get(code.size() - 1) <= 64L << 20);
    }

    @Test
    void dataParametersSelectOptionalLayers() {
        LayerModel m = new LayerModel(1);
        InvocationEvent plain = InvocationEvent.of("app/f", 0);
        InvocationEvent eu = new InvocationEvent("app/f", 0, Map.of("dataset", "eu", "lang", "en"), "");
        InvocationEvent us = new InvocationEvent("app/g", 0, Map.of("dataset", "us"), "");
        InvocationEvent eu2 = new InvocationEvent("app/g", 0, Map.of("dataset", "eu"), "");
        assertEquals(m.baseLayers("app/f"), m.layersFor(plain));
        assertEquals(m.baseLayers("app/f").size() + 1, m.layersFor(eu).size());
        LayerDescriptor euLayer = m.layersFor(eu).get(m.layersFor(eu).size() - 1);
        assertEquals(euLayer, m.layersFor(eu2).get(m.layersFor(eu2).size() - 1), "data layer shared within the app");
        assertNotEquals(euLayer, m.layersFor(us).get(m.layersFor(us).size() - 1));
    }

    @Test
    void mappingFileIsReadWithBadRowsReported() throws Exception {
        String d1 = "sha256:" + "a".repeat(64);
        String d2 = "sha256:" + "b".repeat(64);
        String d3 = "sha256:" + "c".repeat(64);
        Path f = TestFiles.write(dir, "map.csv", String.join("\n",
                "function,layer_digest,size_bytes,media_type,when",
                "f," + d1 + ",1000",
                "f," + d2 + ",2000," + LayerDescriptor.OCI_TAR_ZSTD,
                "f,sha256:xyz,5",                 // 4: bad digest
                "f," + d3 + ",notanumber",        // 5: bad size
                "f," + d3 + ",3000,,dataset=eu",
                "g," + d1 + ",1000") + "\n");
        LayerMappingFile m = LayerMappingFile.read(f);
        assertEquals(List.of(4L, 5L), m.report().badRows().stream().map(ReadReport.BadRow::lineNumber).toList());
        assertEquals(2, m.baseLayers("f").size());
        assertEquals(LayerDescriptor.OCI_TAR_ZSTD, m.baseLayers("f").get(1).mediaType());
        assertEquals(3, m.layersFor(new InvocationEvent("f", 0, Map.of("dataset", "eu"), "")).size());
        assertEquals(2, m.layersFor(new InvocationEvent("f", 0, Map.of("dataset", "us"), "")).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.baseLayers("nope"));
        assertTrue(e.getMessage().contains("nope"));
        LayerMappingFile withFallback = LayerMappingFile.read(f, new LayerModel(1));
        assertEquals(new LayerModel(1).baseLayers("nope"), withFallback.baseLayers("nope"));
    }
}

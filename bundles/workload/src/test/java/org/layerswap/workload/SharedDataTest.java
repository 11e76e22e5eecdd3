package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;

/** Reads the shared real trace samples (skipped, saying so, when they are absent). */
class SharedDataTest {

    private static Path file(String name) {
        Path p = TestFiles.sharedData().resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared trace sample " + p.toAbsolutePath()
                + " is absent (set -Dlayerswap.shared.data=<dir>); skipping");
        return p;
    }

    @Test
    void azure2019SampleHasTheDocumentedTotals() {
        Path f = file("azure2019-1350-invocations.csv");
        Map<String, Integer> perFn = new HashMap<>();
        long[] n = {0};
        long[] last = {-1};
        try (Azure2019Reader r = new Azure2019Reader(f, 1)) {
            r.drainTo(e -> {
                perFn.merge(e.functionId(), 1, Integer::sum);
                assertTrue(e.timestampMillis() >= last[0]);
                last[0] = e.timestampMillis();
                n[0]++;
            });
            assertEquals(0, r.report().badRowCount(), r.report().summary());
        }
        assertEquals(927_272, n[0]);
        assertEquals(1350, perFn.size());
        assertEquals(584, perFn.values().stream().filter(c -> c < 24).count());
        Azure2019Metadata meta = Azure2019Metadata.siblingsOf(f);
        assertTrue(meta.functionsWithDurations() > 1000, "durations of " + meta.functionsWithDurations());
        assertTrue(meta.appMemoryMb().size() > 1000, "memory of " + meta.appMemoryMb().size());
        String any = perFn.keySet().iterator().next();
        assertTrue(meta.averageDurationMs(any).isPresent() || meta.functionsWithDurations() < 1350);
    }

    @Test
    void azure2021SampleReads() {
        Path f = file("azure2021-sample.csv");
        Set<String> apps = new HashSet<>();
        Set<String> fns = new HashSet<>();
        long n;
        try (Azure2021Reader r = new Azure2021Reader(f)) {
            n = r.drainTo(e -> {
                fns.add(e.functionId());
                apps.add(LayerModel.appOf(e.functionId()));
            });
            assertEquals(0, r.report().badRowCount(), r.report().summary());
            assertEquals(0, r.report().clampedLateEvents());
        }
        // the README says ~198 invocations; the file holds 199 data rows (its last line has no newline)
        assertTrue(n >= 198 && n <= 199, "invocations " + n);
        assertEquals(13, apps.size());
        assertEquals(31, fns.size());
    }
}

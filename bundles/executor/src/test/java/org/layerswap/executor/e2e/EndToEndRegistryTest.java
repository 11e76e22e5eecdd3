package org.layerswap.executor.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.testkit.Await;

/**
 * Real images from a real registry (Debian's docker-registry on 127.0.0.1) through the real pipeline:
 * a never-seen function pulls its layers on demand; a function the profiler predicts is prefetched and
 * composed before its invocation, which then waits for nothing; functions share the base layers.
 */
class EndToEndRegistryTest {

    @TempDir
    static Path work;
    static SampleRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "overlay roots need root; running as " + System.getProperty("user.name"));
        registry = SampleRegistry.start(work, 2, 3 << 20);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void onDemandThenPredictedAndPrefetched() throws Exception {
        try (Pipeline p = new Pipeline(Files.createDirectories(work.resolve("p1")), registry.registry.url())) {
            List<LayerDescriptor> a = p.define("fn-0", "samples/fn-0:1");
            List<LayerDescriptor> b = p.define("fn-1", "samples/fn-1:1");
            assertEquals(a.subList(0, 2), b.subList(0, 2), "the base and runtime layers are shared");

            ExecutionResult cold = p.runner.execute("fn-0", Map.of("user", "1"));
            assertEquals(ExecutionResult.Status.SUCCEEDED, cold.status(), cold.toString());
            assertEquals(a.stream().map(LayerDescriptor::id).toList(), cold.onDemandLayers());
            assertTrue(cold.stdout().startsWith("start fn-0\nparams {\"user\":\"1\"}\n"), cold.stdout());
            assertTrue(cold.coldStart().layerWaitMicros() > 0);

            p.history("fn-1", 20_000);
            Await.until(Duration.ofSeconds(60), () -> p.resident(b) && p.swap.composedView().containsKey("fn-1"),
                    "fn-1 was predicted: its layers prefetched and its root composed ahead");
            ExecutionResult warm = p.runner.execute("fn-1", Map.of());
            assertEquals(ExecutionResult.Status.SUCCEEDED, warm.status(), warm.toString());
            assertEquals(List.<LayerId>of(), warm.onDemandLayers(), "the prefetched invocation waited for layers");
            assertTrue(p.swap.prefetchHistory(100).stream().anyMatch(r -> r.functionId().isEmpty() || r.functionId().equals("fn-1")),
                    "the prefetch is recorded");
        }
        assertTrue(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().noneMatch(l -> l.contains(work.toString())),
                "overlay mounts left behind");
    }

    @Test
    void aCorruptedBlobIsRefusedAndTheFunctionIsReportedNotRun() throws Exception {
        try (Pipeline p = new Pipeline(Files.createDirectories(work.resolve("p2")), registry.registry.url())) {
            List<LayerDescriptor> layers = p.define("fn-0", "samples/fn-0:1");
            LayerDescriptor handler = layers.get(layers.size() - 1);
            Path blob = registry.registry.blobData(handler.id().toString());
            byte[] original = Files.readAllBytes(blob);
            byte[] bad = original.clone();
            bad[bad.length / 2] ^= 0x5a;
            Files.write(blob, bad);
            try {
                ExecutionResult r = p.runner.execute("fn-0", Map.of());
                assertEquals(ExecutionResult.Status.NOT_RUN, r.status(), r.toString());
                assertTrue(r.detail().contains("digest") || r.detail().contains("sha256"), r.detail());
            } finally {
                Files.write(blob, original);
            }
            ExecutionResult again = p.runner.execute("fn-0", Map.of());
            assertEquals(ExecutionResult.Status.SUCCEEDED, again.status(), "the pipeline keeps serving: " + again);
        }
    }
}

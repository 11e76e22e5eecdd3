package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.testkit.Await;

class FileLayerStoreTest {

    @TempDir
    Path dir;

    final FakeSource source = new FakeSource();

    /** A gzip layer holding one file of {@code size} random bytes (incompressible). */
    LayerDescriptor layer(String name, int size) throws IOException {
        return source.addRandomLayer(name, size);
    }

    FileLayerStore store(StoreSettings c) throws IOException {
        return new FileLayerStore(c, source);
    }

    static Path get(CompletableFuture<Path> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void fetchVerifiesUnpacksAndCountsHitsAndMisses() throws Exception {
        LayerDescriptor l = layer("hello", 1000);
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30))) {
            Path p = get(s.fetch("r", l, FetchPriority.ON_DEMAND));
            assertEquals(dir.toAbsolutePath().resolve("layers/sha256/" + l.id().hex()), p);
            assertEquals(1000, Files.size(p.resolve("hello")));
            assertEquals(p, get(s.fetch("r", l, FetchPriority.PREFETCH)));
            LayerStoreStats st = s.stats();
            assertEquals(1, st.hits());
            assertEquals(1, st.misses());
            assertEquals(l.sizeBytes(), st.bytesPulled());
            assertTrue(s.isResident(l.id()));
            assertEquals(List.of(l.id()), s.resident().stream().map(r -> r.id()).toList());
            assertFalse(Files.exists(dir.resolve("blobs/sha256/" + l.id().hex())), "blob dropped after unpack");
            try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
                assertEquals(0, tmp.count());
            }
        }
    }

    @Test
    void concurrentRequestsShareOneDownload() throws Exception {
        LayerDescriptor l = layer("shared", 200_000);
        source.delayPerChunkMillis.put(l.id(), 5);
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30).withWorkers(4))) {
            List<CompletableFuture<Path>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(s.fetch("r", l, i % 2 == 0 ? FetchPriority.PREFETCH : FetchPriority.ON_DEMAND));
            }
            Path first = get(fs.get(0));
            for (CompletableFuture<Path> f : fs) {
                assertEquals(first, get(f));
            }
            assertEquals(1, source.opens(l.id()));
            assertEquals(l.sizeBytes(), s.stats().bytesPulled());
        }
    }

    @Test
    void corruptedBlobIsRefusedAndNeverStored() throws Exception {
        LayerDescriptor l = layer("c", 50_000);
        source.corruptNext.set(1);
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(s.fetch("repo/x", l, FetchPriority.ON_DEMAND)));
            assertTrue(e.getCause().getMessage().contains("digest mismatch") && e.getCause().getMessage().contains(l.id().digest())
                    && e.getCause().getMessage().contains("repo/x"), e.getCause().getMessage());
            assertEquals(1, s.stats().verifyFailures());
            assertFalse(s.isResident(l.id()));
            assertFalse(Files.exists(dir.resolve("blobs/sha256/" + l.id().hex())));
            assertFalse(Files.exists(dir.resolve("layers/sha256/" + l.id().hex())));
            try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
                assertEquals(0, tmp.count(), "partial download removed");
            }
            // the next (clean) attempt works
            assertTrue(Files.isDirectory(get(s.fetch("repo/x", l, FetchPriority.ON_DEMAND))));
        }
    }

    @Test
    void hostileLayerFailsTheFetchAndLeavesNothing() throws Exception {
        LayerDescriptor l = source.add(new Tars().file("../../escape", "x").gzip());
        try (FileLayerStore s = store(StoreSettings.of(dir.resolve("store"), 1L << 30))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(s.fetch("r", l, FetchPriority.ON_DEMAND)));
            assertTrue(e.getCause().getMessage().contains("'..'"), e.getCause().getMessage());
            assertFalse(s.isResident(l.id()));
            assertFalse(Files.exists(dir.resolve("escape")));
            try (Stream<Path> tmp = Files.list(dir.resolve("store/tmp"))) {
                assertEquals(0, tmp.count());
            }
        }
    }

    @Test
    void budgetEvictsLeastRecentlyUsedButNeverALeasedLayer() throws Exception {
        LayerDescriptor a = layer("a", 100_000);
        LayerDescriptor b = layer("b", 100_000);
        LayerDescriptor c = layer("c", 100_000);
        // room for two unpacked layers (100 kB + one 4 KiB directory block each)
        try (FileLayerStore s = store(StoreSettings.of(dir, 230_000))) {
            get(s.fetch("r", a, FetchPriority.ON_DEMAND));
            get(s.fetch("r", b, FetchPriority.ON_DEMAND));
            try (LayerLease lease = s.acquire(a.id())) {
                assertFalse(s.evict(a.id()), "leased layer is not evictable");
                get(s.fetch("r", c, FetchPriority.ON_DEMAND));
                assertTrue(s.isResident(a.id()), "a is leased, b (unreferenced) goes");
                assertFalse(s.isResident(b.id()));
                assertTrue(s.isResident(c.id()));
                assertEquals(1, s.resident().stream().filter(r -> r.id().equals(a.id())).findFirst().orElseThrow().refCount());
                assertEquals(lease.path(), s.path(a.id()).orElseThrow());
            }
            assertEquals(1, s.stats().evictions());
            assertTrue(s.stats().usedBytes() <= 230_000);
            assertThrows(IllegalStateException.class, () -> s.acquire(b.id()));
        }
    }

    @Test
    void evictionFollowsScoresAndPrefetchNeverEvictsHigherScoredLayers() throws Exception {
        LayerDescriptor hot = layer("hot", 100_000);
        LayerDescriptor cold = layer("cold", 100_000);
        LayerDescriptor next = layer("next", 100_000);
        LayerDescriptor meh = layer("meh", 100_000);
        Map<LayerId, Double> scores = new ConcurrentHashMap<>(Map.of(hot.id(), 0.9, cold.id(), 0.1, next.id(), 0.5, meh.id(), 0.05));
        try (FileLayerStore s = store(StoreSettings.of(dir, 230_000).withWorkers(1))) {
            s.setScoreHint(id -> scores.getOrDefault(id, 0.0));
            get(s.fetch("r", cold, FetchPriority.ON_DEMAND));
            get(s.fetch("r", hot, FetchPriority.ON_DEMAND)); // hot is most recently used, cold is LRU
            get(s.fetch("r", next, FetchPriority.PREFETCH)); // 0.5 > cold's 0.1: cold goes
            assertFalse(s.isResident(cold.id()));
            assertTrue(s.isResident(hot.id()) && s.isResident(next.id()));
            // a prefetch scored below everything resident is refused instead of evicting better layers
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(s.fetch("r", meh, FetchPriority.PREFETCH)));
            assertTrue(e.getCause().getMessage().contains("prefetch refused"), e.getCause().getMessage());
            assertTrue(s.isResident(hot.id()) && s.isResident(next.id()));
            // on demand, the lowest-scored unreferenced layer makes room even though it was used last
            get(s.fetch("r", next, FetchPriority.ON_DEMAND));
            get(s.fetch("r", meh, FetchPriority.ON_DEMAND));
            assertTrue(s.isResident(hot.id()) && s.isResident(meh.id()));
            assertFalse(s.isResident(next.id()));
        }
    }

    @Test
    void aPlannersEvictionOrderDecidesTheRoomAnOnDemandFetchMakesAndNullRestoresTheScoreOrder() throws Exception {
        LayerDescriptor soon = layer("soon", 100_000);
        LayerDescriptor later = layer("later", 100_000);
        LayerDescriptor unknown = layer("unknown", 100_000);
        LayerDescriptor incoming = layer("incoming", 100_000);
        // the score order alone would drop "later" (lowest score); the planner says "later" is needed before "soon"
        Map<LayerId, Double> scores = Map.of(soon.id(), 0.9, later.id(), 0.1, unknown.id(), 0.5, incoming.id(), 0.7);
        Map<LayerId, Double> keys = new ConcurrentHashMap<>(Map.of(soon.id(), 1e9, later.id(), 1e3));
        try (FileLayerStore s = store(StoreSettings.of(dir, 330_000).withWorkers(1))) {
            s.setScoreHint(id -> scores.getOrDefault(id, 0.0));
            s.setEvictionOrder(id -> keys.getOrDefault(id, Double.NaN));
            get(s.fetch("r", later, FetchPriority.ON_DEMAND));
            get(s.fetch("r", soon, FetchPriority.ON_DEMAND));
            get(s.fetch("r", unknown, FetchPriority.ON_DEMAND));
            get(s.fetch("r", incoming, FetchPriority.ON_DEMAND)); // a NaN key (unknown to the planner) goes first
            assertFalse(s.isResident(unknown.id()));
            keys.put(incoming.id(), 1.0);
            get(s.fetch("r", unknown, FetchPriority.ON_DEMAND)); // then the largest key: "soon"
            assertFalse(s.isResident(soon.id()));
            assertTrue(s.isResident(later.id()) && s.isResident(incoming.id()) && s.isResident(unknown.id()));
            s.setEvictionOrder(null);
            get(s.fetch("r", soon, FetchPriority.ON_DEMAND)); // score order again: "later" (0.1) goes
            assertFalse(s.isResident(later.id()));
        }
    }

    @Test
    void onDemandOvertakesQueuedPrefetchesAndPreemptsARunningOne() throws Exception {
        LayerDescriptor slow = layer("slow", 600_000);
        source.delayPerChunkMillis.put(slow.id(), 20); // ~37 chunks of 16 KiB: ~0.75 s
        List<LayerDescriptor> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(layer("p" + i, 50_000));
        }
        LayerDescriptor urgent = layer("urgent", 50_000);
        List<LayerId> completion = new CopyOnWriteArrayList<>();
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30).withWorkers(1))) {
            CompletableFuture<Path> running = s.fetch("r", slow, FetchPriority.PREFETCH);
            running.thenRun(() -> completion.add(slow.id()));
            Await.until(Duration.ofSeconds(10), () -> s.stats().bytesPulled() > 0, "the prefetch to be downloading");
            for (LayerDescriptor q : queued) {
                s.fetch("r", q, FetchPriority.PREFETCH).thenRun(() -> completion.add(q.id()));
            }
            CompletableFuture<Path> od = s.fetch("r", urgent, FetchPriority.ON_DEMAND);
            od.thenRun(() -> completion.add(urgent.id()));
            get(od);
            get(running);
            for (LayerDescriptor q : queued) {
                get(s.fetch("r", q, FetchPriority.PREFETCH));
            }
            assertEquals(urgent.id(), completion.get(0), "on-demand finished first: " + completion);
            assertEquals(1, s.preemptions(), "the running prefetch was paused");
            assertTrue(source.opens.stream().anyMatch(o -> o.id().equals(slow.id()) && o.offset() > 0),
                    "paused prefetch resumed from its offset: " + source.opens);
            long everyBlobOnce = slow.sizeBytes() + urgent.sizeBytes() + queued.stream().mapToLong(LayerDescriptor::sizeBytes).sum();
            assertEquals(everyBlobOnce, s.stats().bytesPulled(), "the paused prefetch did not pull a byte twice");
            assertTrue(Files.isRegularFile(s.path(slow.id()).orElseThrow().resolve("slow")));
        }
    }

    @Test
    void onDemandRequestUpgradesAQueuedPrefetchOfTheSameLayer() throws Exception {
        LayerDescriptor blocker = layer("blocker", 200_000);
        source.delayPerChunkMillis.put(blocker.id(), 15);
        LayerDescriptor l = layer("wanted", 40_000);
        LayerDescriptor other = layer("other", 40_000);
        List<LayerId> order = new CopyOnWriteArrayList<>();
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30).withWorkers(1))) {
            s.fetch("r", blocker, FetchPriority.PREFETCH);
            s.fetch("r", other, FetchPriority.PREFETCH).thenRun(() -> order.add(other.id()));
            s.fetch("r", l, FetchPriority.PREFETCH).thenRun(() -> order.add(l.id()));
            CompletableFuture<Path> od = s.fetch("r", l, FetchPriority.ON_DEMAND);
            get(od);
            get(s.fetch("r", other, FetchPriority.PREFETCH));
            assertEquals(l.id(), order.get(0), "upgraded layer overtook the earlier prefetch: " + order);
            assertEquals(1, source.opens(l.id()));
        }
    }

    @Test
    void prefetchIsBandwidthLimitedOnDemandIsNot() throws Exception {
        LayerDescriptor p = layer("p", 600_000);
        LayerDescriptor d = layer("d", 600_000);
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30).withPrefetchBandwidth(400_000))) {
            long t0 = System.nanoTime();
            get(s.fetch("r", p, FetchPriority.PREFETCH));
            long prefetchMs = (System.nanoTime() - t0) / 1_000_000;
            // burst 400 kB, then 200 kB at 400 kB/s: at least ~0.5 s
            assertTrue(prefetchMs >= 400, "prefetch took " + prefetchMs + " ms");
            long t1 = System.nanoTime();
            get(s.fetch("r", d, FetchPriority.ON_DEMAND));
            long onDemandMs = (System.nanoTime() - t1) / 1_000_000;
            assertTrue(onDemandMs < prefetchMs, "on-demand " + onDemandMs + " ms vs prefetch " + prefetchMs + " ms");
        }
    }

    @Test
    void restartCleansLeftoversAndKeepsCommittedLayers() throws Exception {
        LayerDescriptor l = layer("keep", 10_000);
        Path layerDir;
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30))) {
            layerDir = get(s.fetch("r", l, FetchPriority.ON_DEMAND));
        }
        // a crash mid-download and mid-unpack leaves these behind
        Files.writeString(dir.resolve("tmp/" + "ab".repeat(32) + "-1.part"), "half a layer");
        Files.createDirectories(dir.resolve("tmp/unpack-abc/usr"));
        Files.writeString(dir.resolve("meta/sha256/" + "cd".repeat(32) + ".properties"), "sizeBytes=1\n");
        Files.delete(dir.resolve("meta/sha256/" + l.id().hex() + ".properties"));
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30))) {
            assertTrue(s.isResident(l.id()));
            assertEquals(layerDir, s.path(l.id()).orElseThrow());
            try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
                assertEquals(0, tmp.count());
            }
            assertFalse(Files.exists(dir.resolve("meta/sha256/" + "cd".repeat(32) + ".properties")));
            assertTrue(s.stats().usedBytes() >= 10_000, "size recomputed: " + s.stats().usedBytes());
            assertEquals(layerDir, get(s.fetch("r", l, FetchPriority.ON_DEMAND)));
            assertEquals(0, s.stats().bytesPulled());
        }
    }

    @Test
    void unknownBlobFailsWithTheLayerAndSourceNamed() throws Exception {
        LayerDescriptor ghost = new LayerDescriptor(LayerId.of("sha256:" + "e".repeat(64)), 10, null);
        try (FileLayerStore s = store(StoreSettings.of(dir, 1L << 30).withRetries(2, Duration.ofMillis(10)))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(s.fetch("r", ghost, FetchPriority.ON_DEMAND)));
            assertTrue(e.getCause().getMessage().contains(ghost.id().digest()) && e.getCause().getMessage().contains("fake"),
                    e.getCause().getMessage());
        }
    }
}

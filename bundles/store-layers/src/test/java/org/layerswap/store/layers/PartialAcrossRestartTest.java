package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.testkit.Await;

/** A download cut by a stop (or a crash: the same files are left) continues after the next start. */
class PartialAcrossRestartTest {

    @TempDir
    Path dir;

    final FakeSource source = new FakeSource();

    LayerDescriptor layer(String name, int size) throws IOException {
        return source.addRandomLayer(name, size);
    }

    /** Starts a slow prefetch of {@code l} and stops the store once at least {@code bytes} arrived; returns them. */
    long cutAfter(LayerDescriptor l, long bytes) throws Exception {
        source.delayPerChunkMillis.put(l.id(), 20);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            s.fetch("r", l, FetchPriority.PREFETCH);
            Await.until(Duration.ofSeconds(20), () -> s.stats().bytesPulled() >= bytes, "first bytes of the download");
        }
        return Files.size(onlyPart());
    }

    Path onlyPart() throws IOException {
        try (var ds = Files.list(dir.resolve("tmp"))) {
            return ds.filter(p -> p.toString().endsWith(".part")).findFirst().orElseThrow(() -> new AssertionError("no .part in tmp/"));
        }
    }

    @Test
    void aDownloadCutByAStopContinuesAfterTheRestartFromTheByteItReached() throws Exception {
        LayerDescriptor l = layer("big", 400_000);
        long kept = cutAfter(l, 50_000);
        assertTrue(kept > 0 && kept < l.sizeBytes(), "cut in the middle: " + kept);
        source.delayPerChunkMillis.remove(l.id());
        source.opens.clear();
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            assertTrue(Files.isRegularFile(dir.resolve("partial/" + l.id().hex() + ".part")), "kept across the start");
            Path p = s.fetch("r", l, FetchPriority.PREFETCH).get(30, TimeUnit.SECONDS);
            assertEquals(400_000, Files.size(p.resolve("big")));
            assertEquals(1, s.resumesAfterRestart());
            assertEquals(kept, source.opens.get(0).offset(), "asked the source from the byte reached before the stop");
            assertEquals(l.sizeBytes() - kept, s.stats().bytesPulled(), "no byte fetched twice");
            assertFalse(Files.exists(dir.resolve("partial/" + l.id().hex() + ".part")));
        }
    }

    @Test
    void keptBytesThatDoNotHashRightAreDownloadedAgainFromTheFirstByte() throws Exception {
        LayerDescriptor l = layer("flip", 300_000);
        cutAfter(l, 30_000);
        Path kept;
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            kept = dir.resolve("partial/" + l.id().hex() + ".part");
        }
        // closed before any fetch: the kept file is still there; damage it as a lost page would
        byte[] b = Files.readAllBytes(kept);
        b[b.length / 2] ^= 0x1;
        Files.write(kept, b);
        source.delayPerChunkMillis.remove(l.id());
        source.opens.clear();
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            CompletableFuture<Path> f = s.fetch("r", l, FetchPriority.ON_DEMAND);
            assertEquals(300_000, Files.size(f.get(30, TimeUnit.SECONDS).resolve("flip")));
            assertEquals(2, source.opens.size(), "the continuation, then the whole blob again");
            assertEquals(0, source.opens.get(1).offset());
        }
    }

    @Test
    void partialsOfCommittedLayersAndOldOnesAreDroppedAtStart() throws Exception {
        LayerDescriptor done = layer("done", 1000);
        LayerDescriptor old = layer("old", 1000);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            s.fetch("r", done, FetchPriority.ON_DEMAND).get(30, TimeUnit.SECONDS);
        }
        Path doneKept = Files.write(dir.resolve("partial/" + done.id().hex() + ".part"), new byte[10]);
        Path oldKept = Files.write(dir.resolve("partial/" + old.id().hex() + ".part"), new byte[10]);
        Files.setLastModifiedTime(oldKept, FileTime.fromMillis(System.currentTimeMillis() - StoreLayout.PARTIAL_MAX_AGE.toMillis() - 60_000));
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            assertFalse(Files.exists(doneKept), "its layer is committed");
            assertFalse(Files.exists(oldKept), "older than " + StoreLayout.PARTIAL_MAX_AGE);
        }
    }
}

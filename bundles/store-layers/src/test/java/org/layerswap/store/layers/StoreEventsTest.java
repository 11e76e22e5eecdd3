package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStoreListener;

/** The store tells its listeners of commits, evictions and quarantines; a failing listener harms nobody. */
class StoreEventsTest {

    @TempDir
    Path dir;

    final FakeSource source = new FakeSource();
    final List<String> seen = new CopyOnWriteArrayList<>();

    final LayerStoreListener recorder = new LayerStoreListener() {
        @Override
        public void layerStored(LayerId id, long blobBytes) {
            seen.add("stored " + id.shortForm() + " " + blobBytes);
        }

        @Override
        public void layerRemoved(LayerId id) {
            seen.add("removed " + id.shortForm());
        }
    };

    final LayerStoreListener broken = new LayerStoreListener() {
        @Override
        public void layerStored(LayerId id, long blobBytes) {
            throw new IllegalStateException("listener bug");
        }
    };

    @Test
    void aCommitAndAnEvictionAreToldToEveryListenerEvenAfterOneThrows() throws Exception {
        LayerDescriptor l = source.addRandomLayer("a", 2000);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            s.events().add(broken);
            s.events().add(recorder);
            s.fetch("r", l, FetchPriority.ON_DEMAND).get(30, TimeUnit.SECONDS);
            assertTrue(s.isResident(l.id()), "the failing listener did not fail the fetch");
            assertTrue(s.evict(l.id()));
            assertEquals(List.of("stored " + l.id().shortForm() + " " + l.sizeBytes(), "removed " + l.id().shortForm()), seen);
            s.events().remove(recorder);
            s.fetch("r", l, FetchPriority.ON_DEMAND).get(30, TimeUnit.SECONDS);
            assertEquals(2, seen.size(), "a removed listener is not called");
        }
    }

    @Test
    void aLayerQuarantinedAsModifiedOnDiskIsToldAsRemoved() throws Exception {
        LayerDescriptor l = source.addRandomLayer("b", 2000);
        StoreSettings every = StoreSettings.of(dir, 1L << 30).withTreeCheckInterval(java.time.Duration.ZERO);
        try (FileLayerStore s = new FileLayerStore(every, source)) {
            s.events().add(recorder);
            Path p = s.fetch("r", l, FetchPriority.ON_DEMAND).get(30, TimeUnit.SECONDS);
            Files.writeString(p.resolve("b"), "tampered");
            try {
                s.acquire(l.id()).close();
            } catch (IllegalStateException expected) {
                // refused as modified
            }
            assertEquals(List.of("stored " + l.id().shortForm() + " " + l.sizeBytes(), "removed " + l.id().shortForm()), seen);
        }
    }
}

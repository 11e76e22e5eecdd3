package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.ResidentLayer;

class DirectorySyncTest {

    @TempDir
    Path dir;

    final MemoryDirectory directory = new MemoryDirectory.Shared().member("self", "http://127.0.0.1:5710");

    LayerDescriptor cached(BlobCache cache, long seed) throws Exception {
        byte[] b = Blobs.random(1000, seed);
        LayerDescriptor l = Blobs.descriptor(b);
        cache.fill(l, off -> Blobs.cut(b, off, -1), 1);
        return l;
    }

    @Test
    void aStoredLayerWhoseBlobIsCachedIsPublishedAndARemovedOneLeavesDirectoryAndCache() throws Exception {
        BlobCache cache = new BlobCache(dir);
        DirectorySync sync = new DirectorySync(directory, cache);
        LayerDescriptor l = cached(cache, 1);
        LayerDescriptor notCached = Blobs.descriptor(Blobs.random(10, 2));
        sync.layerStored(l.id(), l.sizeBytes());
        sync.layerStored(notCached.id(), 10);
        assertEquals(Map.of("self", List.of(l.id().digest())), directory.layersByMember(), "only what this node can serve is published");
        sync.layerRemoved(l.id());
        assertEquals(Map.of(), directory.holders(l.id()));
        assertFalse(cache.has(l.id()));
    }

    @Test
    void atStartCachedBlobsOfResidentLayersArePublishedAndTheOthersPruned() throws Exception {
        BlobCache cache = new BlobCache(dir);
        LayerDescriptor kept = cached(cache, 3);
        LayerDescriptor evictedMeanwhile = cached(cache, 4);
        DirectorySync sync = new DirectorySync(directory, cache);
        List<ResidentLayer> resident = List.of(new ResidentLayer(kept.id(), dir, kept.sizeBytes(), 1, 0, 0));
        sync.reconcile(resident, false);
        assertTrue(cache.has(evictedMeanwhile.id()), "without prune nothing is deleted");
        sync.reconcile(resident, true);
        assertEquals(Map.of("self", List.of(kept.id().digest())), directory.layersByMember());
        assertFalse(cache.has(evictedMeanwhile.id()));
    }
}

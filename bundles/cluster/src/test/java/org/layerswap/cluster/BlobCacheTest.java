package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSourceException;

class BlobCacheTest {

    @TempDir
    Path dir;

    final byte[] blob = Blobs.random(300_000, 1);
    final LayerDescriptor layer = Blobs.descriptor(blob);

    @Test
    void aCutTransferResumesAtTheByteReachedAndIsCommittedVerified() throws Exception {
        BlobCache cache = new BlobCache(dir);
        List<Long> offsets = new ArrayList<>();
        cache.fill(layer, off -> {
            offsets.add(off);
            return Blobs.cut(blob, off, offsets.size() < 3 ? 100_000 : -1);
        }, 3);
        assertEquals(List.of(0L, 100_000L, 200_000L), offsets);
        assertArrayEquals(blob, Files.readAllBytes(cache.file(layer.id())));
        assertEquals(List.of(layer.id()), cache.list());
        try (InputStream in = cache.open(layer.id(), 299_990)) {
            assertEquals(10, in.readAllBytes().length);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("blobs"))));
    }

    @Test
    void bytesThatHashToAnotherDigestAreRefusedAndNothingIsKept() throws Exception {
        BlobCache cache = new BlobCache(dir);
        byte[] bad = blob.clone();
        bad[12_345] ^= 0x10;
        BlobCache.CorruptBlobException e = assertThrows(BlobCache.CorruptBlobException.class,
                () -> cache.fill(layer, off -> new ByteArrayInputStream(bad, (int) off, bad.length - (int) off), 3));
        assertTrue(e.getMessage().contains("digest mismatch") && e.getMessage().contains(layer.id().digest()), e.getMessage());
        assertFalse(cache.has(layer.id()));
        assertEmpty(dir.resolve("tmp"));
    }

    @Test
    void moreBytesThanDeclaredAreRefusedWhileStreaming() throws Exception {
        BlobCache cache = new BlobCache(dir);
        byte[] longer = new byte[blob.length + 1];
        System.arraycopy(blob, 0, longer, 0, blob.length);
        BlobCache.CorruptBlobException e = assertThrows(BlobCache.CorruptBlobException.class,
                () -> cache.fill(layer, off -> new ByteArrayInputStream(longer), 3));
        assertTrue(e.getMessage().contains("more than the 300000 bytes"), e.getMessage());
        assertFalse(cache.has(layer.id()));
    }

    @Test
    void aNonRetryableSourceErrorEndsTheTransferAtOnceAndRetriesEndAfterTheLastAttempt() throws Exception {
        BlobCache cache = new BlobCache(dir);
        int[] opens = {0};
        assertThrows(LayerSourceException.class, () -> cache.fill(layer, off -> {
            opens[0]++;
            throw new LayerSourceException("HTTP 401", false);
        }, 3));
        assertEquals(1, opens[0]);
        IOException e = assertThrows(IOException.class, () -> cache.fill(layer, off -> {
            opens[0]++;
            return Blobs.cut(blob, off, 10);
        }, 3));
        assertEquals(4, opens[0]);
        assertTrue(e.getMessage().contains("transfer failed 3 times, last at byte 30"), e.getMessage());
        assertFalse(cache.has(layer.id()));
        assertEmpty(dir.resolve("tmp"));
    }

    @Test
    void partFilesOfAPreviousRunAreDroppedAtStart() throws Exception {
        new BlobCache(dir);
        Files.writeString(dir.resolve("tmp/left.part"), "x");
        new BlobCache(dir);
        assertEmpty(dir.resolve("tmp"));
    }

    private static void assertEmpty(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            assertEquals(List.of(), s.toList());
        }
    }
}

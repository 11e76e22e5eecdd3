package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.LayerId;

class StoreLayoutTest {

    @TempDir
    Path dir;

    static final LayerId A = LayerId.of("sha256:" + "a1".repeat(32));
    static final LayerId B = LayerId.of("sha256:" + "b2".repeat(32));

    static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A committed layer as the store leaves it: an unpacked tree and its metadata. */
    static Path commit(StoreLayout l, LayerId id, long size) throws IOException {
        Path work = l.newUnpackDir(id);
        Files.writeString(work.resolve("file"), "x".repeat(5000));
        l.writeMeta(id, size, 8192);
        return l.commitLayer(work, id);
    }

    @Test
    void pathsAreNamedByAlgorithmAndHexUnderTheAbsoluteRoot() {
        StoreLayout l = new StoreLayout(Path.of("rel/store"));
        Path root = Path.of("rel/store").toAbsolutePath();
        assertEquals(root, l.root());
        assertEquals(root.resolve("layers/sha256/" + A.hex()), l.layerDir(A));
        assertEquals(root.resolve("blobs/sha256/" + A.hex()), l.blobFile(A));
        assertEquals(root.resolve("meta/sha256/" + A.hex() + ".properties"), l.metaFile(A));
        assertEquals(root.resolve("tmp/" + A.hex() + "-7.part"), l.partFile(A, 7));
    }

    @Test
    void recoveryOfAFreshRootCreatesTheDirectoriesAndFindsNothing() throws IOException {
        StoreLayout l = new StoreLayout(dir.resolve("store"));
        assertEquals(List.of(), l.recover());
        assertEquals(List.of("blobs", "layers", "meta", "partial", "tmp"), names(l.root()));
    }

    @Test
    void committedLayersComeBackWithTheirSizesAndTmpIsWiped() throws IOException {
        StoreLayout l = new StoreLayout(dir);
        l.recover();
        Path a = commit(l, A, 1234);
        Files.writeString(l.partFile(B, 1), "half a blob");
        Files.createDirectories(l.tmp().resolve("unpack-x/usr"));
        List<StoreLayout.Recovered> found = new StoreLayout(dir).recover();
        assertEquals(List.of(new StoreLayout.Recovered(A, a, 1234, 8192)), found);
        assertEquals(List.of(), names(l.tmp()));
        assertEquals("half a blob", Files.readString(l.keptPartial(B)), "the partial download is kept for a resume");
        assertEquals("x".repeat(5000), Files.readString(a.resolve("file")));
    }

    @Test
    void missingOrGarbledMetadataIsRecomputedFromTheTree() throws IOException {
        StoreLayout l = new StoreLayout(dir);
        l.recover();
        Path a = commit(l, A, 10);
        Path b = commit(l, B, 20);
        Files.delete(l.metaFile(A));
        Files.writeString(l.metaFile(B), "sizeBytes=20\nunpackedBytes=lots\n");
        List<StoreLayout.Recovered> found = l.recover().stream().sorted(Comparator.comparing(r -> r.id().hex())).toList();
        long diskA = TarUnpacker.diskUsage(a);
        assertEquals(List.of(new StoreLayout.Recovered(A, a, 0, diskA), new StoreLayout.Recovered(B, b, 20, TarUnpacker.diskUsage(b))),
                found);
        assertTrue(diskA >= 5000, "disk usage " + diskA);
        assertEquals(new StoreLayout.Recovered(A, a, 0, diskA), l.recover().stream().filter(r -> r.id().equals(A)).findFirst().orElseThrow(),
                "recomputed metadata was written back");
        assertTrue(Files.readString(l.metaFile(A)).contains("unpackedBytes=" + diskA));
    }

    @Test
    void metadataWithoutALayerAndEntriesNotNamedByADigestAreRemoved() throws IOException {
        StoreLayout l = new StoreLayout(dir);
        l.recover();
        l.writeMeta(B, 1, 1);
        Path stray = Files.createDirectories(dir.resolve("layers/sha256/not-a-digest/x"));
        Path a = commit(l, A, 1);
        assertEquals(List.of(A), l.recover().stream().map(StoreLayout.Recovered::id).toList());
        assertFalse(Files.exists(l.metaFile(B)));
        assertFalse(Files.exists(stray.getParent()));
        assertTrue(Files.isDirectory(a));
    }

    @Test
    void aCommittedBlobReplacesAnOlderOneAndLeavesNoPart() throws IOException {
        StoreLayout l = new StoreLayout(dir);
        l.recover();
        Path part = Files.writeString(l.partFile(A, 1), "first");
        l.commitBlob(part, A);
        Path part2 = Files.writeString(l.partFile(A, 2), "second");
        l.commitBlob(part2, A);
        assertEquals("second", Files.readString(l.blobFile(A)));
        assertEquals(List.of(), names(l.tmp()));
    }

    @Test
    void removingALayerTakesItsReadOnlyTreeAndMetadataAndLeavesTmpEmpty() throws IOException {
        StoreLayout l = new StoreLayout(dir);
        l.recover();
        Path a = commit(l, A, 1);
        Path sub = Files.createDirectories(a.resolve("usr/bin"));
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("r-xr-xr-x"));
        l.removeLayer(A, a);
        assertFalse(Files.exists(a));
        assertFalse(Files.exists(l.metaFile(A)));
        assertEquals(List.of(), names(l.tmp()));
        assertEquals(List.of(), l.recover());
    }
}

package org.layerswap.fs.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.RootLease;
import org.layerswap.fs.common.SandboxAccess;
import org.layerswap.nativeio.FileSystemSpace;
import org.layerswap.nativeio.NativeIO;

/**
 * Each per-invocation upper is a tmpfs of the function's size (root-only, real mounts): writes past it fail with
 * ENOSPC, the root's statvfs shows it full (what the executor ends the run on), other invocations are unaffected,
 * and nothing stays mounted. Before, an invocation could write until the backend's file system was full.
 */
class UpperLimitsTest extends OverlayTestBase {

    private OverlayBackend bounded(Map<String, Long> perFunction) {
        OverlayBackend b = new OverlayBackend(root, 0, Set.of(), new UpperLimits(4 * UpperLimits.MB, perFunction), SandboxAccess.ROOT);
        backends.add(b);
        return b;
    }

    private static long fill(Path file) throws IOException {
        long written = 0;
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (written < 64 * UpperLimits.MB) {
                out.write(block);
                written += block.length;
            }
        }
        return written;
    }

    @Test
    void anInvocationCanWriteItsUpperSizeAndNoMoreWhileAnotherKeepsWriting() throws IOException {
        Path base = layer("base", "etc/os-release", "base");
        OverlayBackend b = bounded(Map.of("big", 16 * UpperLimits.MB));
        b.compose("small", List.of(base));
        b.compose("big", List.of(base));
        try (RootLease small = b.enter("small"); RootLease other = b.enter("small"); RootLease big = b.enter("big")) {
            IOException full = assertThrows(IOException.class, () -> fill(small.root().resolve("filler")));
            assertTrue(full.getMessage().contains("No space left"), full.toString());
            long kept = Files.size(small.root().resolve("filler"));
            assertTrue(kept > 3 * UpperLimits.MB && kept <= 4 * UpperLimits.MB, "about 4 MB written: " + kept);
            FileSystemSpace s = NativeIO.get().statvfs(small.root());
            assertEquals(4 * UpperLimits.MB, s.totalBytes(), "statvfs through the overlay reports its upper");
            assertTrue(s.exhausted(), s.toString());
            Files.writeString(other.root().resolve("note"), "another invocation of the same function still writes");
            assertEquals(16 * UpperLimits.MB, NativeIO.get().statvfs(big.root()).totalBytes(), "its own size per function");
            assertEquals("base", Files.readString(base.resolve("etc/os-release")));
        }
        assertEquals(2, mountsUnderRoot(), "after the leases only the two generations' own mounts are left");
        try (RootLease again = b.enter("small")) {
            assertTrue(!Files.exists(again.root().resolve("filler")) && !NativeIO.get().statvfs(again.root()).exhausted(),
                    "the next invocation starts empty");
        }
    }

    @Test
    void aFunctionsUpperOnTmpfsIsItsOwnWithTheTopLayersRootMode() throws IOException {
        Path base = layer("base", "bin/sh", "x");
        Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        OverlayBackend b = new OverlayBackend(root, 0, Set.of(), UpperLimits.defaults(), new SandboxAccess(4242, 4343));
        backends.add(b);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        b.compose("f", List.of(base));
        try (RootLease l = b.enter("f")) {
            assertEquals(4242, Files.getAttribute(l.root(), "unix:uid"));
            assertEquals(4343, Files.getAttribute(l.root(), "unix:gid"));
            assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(l.root())));
            assertEquals(UpperLimits.DEFAULT_BYTES, NativeIO.get().statvfs(l.root()).totalBytes());
        }
    }

    @Test
    void mountingAndUnmountingTheBoundedUpperCostsLittle() throws IOException {
        Path base = layer("base", "etc/os-release", "base");
        OverlayBackend b = bounded(Map.of());
        b.compose("f", List.of(base));
        long[] micros = new long[200];
        for (int i = 0; i < micros.length; i++) {
            long t0 = System.nanoTime();
            b.enter("f").close();
            micros[i] = (System.nanoTime() - t0) / 1000;
        }
        Arrays.sort(micros);
        System.out.printf("enter+close with a tmpfs upper: p50 %d us, p90 %d us, max %d us%n", micros[100], micros[180], micros[199]);
        assertTrue(micros[100] < 20_000, "p50 " + micros[100] + " us");
    }

    @Test
    void sizesAreParsedPerFunctionAndBadOnesNamed() {
        UpperLimits l = UpperLimits.parse(64, "thumbnail=1g; resize=16m,tiny=2097152");
        assertEquals(64 * UpperLimits.MB, l.bytesFor("other"));
        assertEquals(1024 * UpperLimits.MB, l.bytesFor("thumbnail"));
        assertEquals(16 * UpperLimits.MB, l.bytesFor("resize"));
        assertEquals(2 * UpperLimits.MB, l.bytesFor("tiny"));
        assertEquals("size=4194304,nr_inodes=1024,mode=0700", new UpperLimits(4 * UpperLimits.MB, Map.of()).tmpfsOptions("f", SandboxAccess.ROOT));
        assertEquals("size=67108864,nr_inodes=16384,mode=0700,uid=4242,gid=4343",
                UpperLimits.defaults().tmpfsOptions("f", new SandboxAccess(4242, 4343)));
        assertEquals("upper size 'thumbnail' must be <function id>=<size>, e.g. thumbnail=256m",
                assertThrows(IllegalArgumentException.class, () -> UpperLimits.parse(64, "thumbnail")).getMessage());
        assertEquals("malformed size '12x' (bytes, or a number with k, m or g)",
                assertThrows(IllegalArgumentException.class, () -> UpperLimits.parse(64, "f=12x")).getMessage());
        assertEquals("the upper size of function 'f' must be >= 1 MB, got 1024 bytes",
                assertThrows(IllegalArgumentException.class, () -> UpperLimits.parse(64, "f=1k")).getMessage());
    }
}

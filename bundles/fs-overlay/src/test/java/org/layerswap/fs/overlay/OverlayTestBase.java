package org.layerswap.fs.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.layerswap.fs.common.MountTable;
import org.layerswap.fs.common.Trees;
import org.layerswap.nativeio.NativeIO;

/**
 * Real OverlayFS mounts: runs only as root on a kernel with overlay support (skipped otherwise, with the reason).
 * Every test ends with nothing mounted under its directory (checked in /proc/self/mountinfo).
 */
abstract class OverlayTestBase {

    Path dir;
    Path root;
    Path layers;
    final List<OverlayBackend> backends = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("lsov");
        root = dir.resolve("r");
        layers = Files.createDirectories(dir.resolve("layers"));
        OverlayBackend probe = backend(0);
        assumeTrue(probe.isAvailable(), "overlay tests need root and overlay support: " + probe.unavailableReason());
    }

    @AfterEach
    void tearDown() throws IOException {
        for (OverlayBackend b : backends) {
            b.close();
        }
        List<MountTable.Mount> left = MountTable.read().under(dir);
        for (MountTable.Mount m : left) { // clean up before failing so nothing leaks out of the test
            NativeIO.get().umount2(m.mountPoint(), NativeIO.MNT_DETACH);
        }
        Trees.deleteTree(dir);
        assertEquals(List.of(), left, "mounts leaked under " + dir);
    }

    OverlayBackend backend(long grace) {
        return backend(grace, Set.of());
    }

    OverlayBackend backend(long grace, Set<String> persistentUpperFunctions) {
        OverlayBackend b = new OverlayBackend(root, grace, persistentUpperFunctions);
        backends.add(b);
        return b;
    }

    Path layer(String name, String... fileAndContent) throws IOException {
        Path l = Files.createDirectories(layers.resolve(name));
        for (int i = 0; i < fileAndContent.length; i += 2) {
            Path f = l.resolve(fileAndContent[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, fileAndContent[i + 1]);
        }
        return l;
    }

    int mountsUnderRoot() throws IOException {
        return MountTable.read().countUnder(root);
    }
}

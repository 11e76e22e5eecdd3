package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.LayerId;
import org.layerswap.api.RootLease;
import org.layerswap.fs.common.MountTable;
import org.layerswap.fs.common.Trees;
import org.layerswap.fs.overlay.OverlayBackend;
import org.layerswap.nativeio.NativeIO;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/**
 * Variant roots on real OverlayFS mounts: runs only as root on a kernel with overlay support (skipped otherwise,
 * with the reason). Concurrent invocations with different parameters see different data files; none leaks a mount.
 */
class VariantRootsOverlayTest {

    private Path dir;
    private Path root;
    private OverlayBackend backend;
    private SwapManagerCore core;
    private Fakes.Store store;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("lsvariant");
        root = dir.resolve("roots");
        backend = new OverlayBackend(root, 0);
        assumeTrue(backend.isAvailable(), "variant roots on overlay need root and overlay support: " + backend.unavailableReason());
        backend.recover();
        store = new Fakes.Store();
        store.base = Files.createDirectories(dir.resolve("layers"));
        layer(id(1), "etc/os-release", "base", "bin/tool", "tool");
        layer(id(9), "data/a.txt", "dataset a");
        layer(id(10), "data/b.txt", "dataset b");
        core = new SwapManagerCore(SwapSettings.DEFAULT, new FakeProfiler(), store, backend, System::currentTimeMillis);
        core.start();
        core.defineFunction("thumb", "repo/thumb", List.of(desc(1, 10)));
        core.bindDataLayer(new DataLayerBinding("thumb", "dataset", "a", "", "repo/data", List.of(desc(9, 10))));
        core.bindDataLayer(new DataLayerBinding("thumb", "dataset", "b", "", "repo/data", List.of(desc(10, 10))));
    }

    private void layer(LayerId id, String... fileAndContent) throws IOException {
        Path l = Files.createDirectories(store.pathOf(id));
        for (int i = 0; i < fileAndContent.length; i += 2) {
            Path f = l.resolve(fileAndContent[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, fileAndContent[i + 1]);
        }
        store.resident.add(id);
    }

    /** Overlay mounts under the roots directory, read from /proc/self/mountinfo. */
    private int mountsUnderRoot() {
        try {
            return MountTable.read().countUnder(root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        if (dir == null) {
            return;
        }
        if (backend == null || !backend.isAvailable()) {
            Trees.deleteTree(dir); // skipped: nothing was mounted
            return;
        }
        if (core != null) {
            core.close();
        }
        backend.close();
        List<MountTable.Mount> left = MountTable.read().under(dir); // parsed from /proc/self/mountinfo
        for (MountTable.Mount m : left) { // clean up before failing so nothing leaks out of the test
            NativeIO.get().umount2(m.mountPoint(), NativeIO.MNT_DETACH);
        }
        Trees.deleteTree(dir);
        assertEquals(List.of(), left, "mounts leaked under " + dir);
    }

    @Test
    void concurrentInvocationsWithDifferentParamsSeeDifferentDataFiles() throws Exception {
        core.setMaxVariantsPerFunction(1);
        List<Map<String, String>> params = List.of(Map.of("dataset", "a"), Map.of("dataset", "b"), Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RootLease>> fs = new ArrayList<>();
        for (Map<String, String> p : params) {
            fs.add(pool.submit(() -> {
                go.await();
                return core.enter(core.handleInvocation("thumb", p), 10_000);
            }));
        }
        go.countDown();
        List<RootLease> leases = new ArrayList<>();
        try {
            for (Future<RootLease> f : fs) {
                leases.add(f.get(30, TimeUnit.SECONDS));
            }
            RootLease a = leases.get(0);
            RootLease b = leases.get(1);
            RootLease none = leases.get(2);
            assertEquals("dataset a", Files.readString(a.root().resolve("data/a.txt")));
            assertFalse(Files.exists(b.root().resolve("data/a.txt")));
            assertEquals("dataset b", Files.readString(b.root().resolve("data/b.txt")));
            assertFalse(Files.exists(a.root().resolve("data/b.txt")));
            assertFalse(Files.exists(none.root().resolve("data")), "no data layer without parameters");
            for (RootLease l : leases) {
                assertEquals("base", Files.readString(l.root().resolve("etc/os-release")));
                assertTrue(MountTable.read().isMountPoint(l.root(), "overlay"), l.root() + " is an overlay mount");
            }
            assertNotEquals(a.root(), b.root());
            Files.writeString(a.root().resolve("data/out.txt"), "written by a");
            assertFalse(Files.exists(b.root().resolve("data/out.txt")), "writes stay in their own root");
            assertEquals(9, MountTable.read().countUnder(root),
                    "one root per variant and the function's own root, and each of the 3 invocations' own overlay on its own tmpfs");
            assertEquals(2, core.variantRoots("thumb").size(), "over the bound of 1 while both variants are in use");
        } finally {
            leases.forEach(RootLease::close);
            pool.shutdownNow();
        }
        Await.until(Duration.ofSeconds(10), () -> core.variantRoots("thumb").size() == 1 && mountsUnderRoot() == 2,
                () -> "the idle variant removed and unmounted: variants " + core.variantRoots("thumb") + ", mounts " + mountsUnderRoot());
        assertEquals(1, core.variantRoots("thumb").size(), "the idle least recently used variant is removed");
        assertEquals(2, MountTable.read().countUnder(root), "and unmounted");
        try (RootLease again = core.enter(core.handleInvocation("thumb", Map.of("dataset", "b")), 10_000)) {
            assertEquals("dataset b", Files.readString(again.root().resolve("data/b.txt")));
        }
    }
}

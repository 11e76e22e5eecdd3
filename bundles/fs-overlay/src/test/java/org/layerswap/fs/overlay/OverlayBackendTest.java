package org.layerswap.fs.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ComposedRoot;
import org.layerswap.api.RootLease;
import org.layerswap.fs.common.GenerationalBackend;
import org.layerswap.fs.common.MountTable;
import org.layerswap.nativeio.NativeIO;
import org.layerswap.testkit.Await;

/** Real OverlayFS mounts (see {@link OverlayTestBase}): composition, swaps, leases, recovery. */
class OverlayBackendTest extends OverlayTestBase {

    @Test
    void composesAndKeepsFunctionsWritesApart() throws IOException {
        OverlayBackend b = backend(0);
        b.recover();
        Path base = layer("base", "etc/os", "base", "bin/sh", "shell");
        Path app = layer("app", "app/main", "v1", "etc/os", "app-os");
        ComposedRoot f1 = b.compose("f1", List.of(base, app));
        b.compose("f2", List.of(base, app));
        assertEquals(1, f1.generation());
        assertEquals(2, mountsUnderRoot());
        assertTrue(MountTable.read().isMountPoint(b.root().resolve("f1/gen-1/merged"), "overlay"));
        Path s1 = b.stablePath("f1");
        assertEquals("app-os", Files.readString(s1.resolve("etc/os")), "the top layer wins");
        assertEquals("shell", Files.readString(s1.resolve("bin/sh")));
        try (RootLease l1 = b.enter("f1"); RootLease l2 = b.enter("f2")) {
            Files.writeString(l1.root().resolve("app/main"), "patched by f1");
            Files.writeString(l1.root().resolve("new-file"), "f1 only");
            assertEquals("patched by f1", Files.readString(l1.root().resolve("app/main")));
            assertEquals("v1", Files.readString(l2.root().resolve("app/main")), "f2 does not see f1's write");
            assertFalse(Files.exists(l2.root().resolve("new-file")));
            assertEquals("v1", Files.readString(s1.resolve("app/main")), "nor does f1's generation tree");
            assertEquals("v1", Files.readString(app.resolve("app/main")), "the shared layer is untouched");
            assertFalse(Files.exists(app.resolve("new-file")));
            assertTrue(Files.exists(l1.root().resolveSibling("upper").resolve("new-file")), "writes land in the invocation's own upper dir");
            assertEquals(6, mountsUnderRoot(), "two generations and two invocations (each an overlay on its own bounded tmpfs)");
        }
        assertEquals(2, mountsUnderRoot(), "invocation overlays are unmounted with their lease");
        assertTrue(b.remove("f1"));
        assertEquals(1, mountsUnderRoot());
        assertFalse(Files.exists(b.root().resolve("f1")));
    }

    @Test
    void twentyFiveLayersWithLongPathsAndWhiteouts() throws IOException {
        OverlayBackend b = backend(0);
        List<Path> stack = new ArrayList<>();
        String longName = "x".repeat(180);
        for (int i = 0; i < 25; i++) {
            stack.add(layer(longName + "-" + i, "layer" + i, "L" + i, "shared", "from " + i, "gone-" + i, "g"));
        }
        NativeIO.get().makeWhiteout(stack.get(24).resolve("gone-3")); // top layer deletes a lower file
        b.compose("many", stack);
        Path s = b.stablePath("many");
        assertEquals("from 24", Files.readString(s.resolve("shared")));
        for (int i = 0; i < 25; i++) {
            assertEquals("L" + i, Files.readString(s.resolve("layer" + i)));
        }
        assertFalse(Files.exists(s.resolve("gone-3")), "the whiteout hides the lower file");
        assertTrue(Files.exists(s.resolve("gone-4")));
        assertTrue(Files.isDirectory(b.root().resolve("many/gen-1/l")), "long store paths go through short links");
        b.compose("many", stack.subList(0, 3));
        assertFalse(Files.exists(b.root().resolve("many/gen-2/l")), "short paths are used directly");
        assertEquals("from 2", Files.readString(s.resolve("shared")));
    }

    @Test
    void leaseKeepsOldGenerationUntilClosed() throws IOException {
        OverlayBackend b = backend(0);
        Path v1 = layer("v1", "ver", "1");
        Path v2 = layer("v2", "ver", "2");
        b.compose("f", List.of(v1));
        RootLease lease = b.enter("f");
        ComposedRoot r2 = b.compose("f", List.of(v2));
        assertEquals(2, r2.generation());
        assertEquals(1, r2.activeLeases());
        assertEquals("2", Files.readString(b.stablePath("f").resolve("ver")));
        b.reapNow();
        assertEquals("1", Files.readString(lease.root().resolve("ver")), "a running invocation keeps its tree");
        assertEquals(4, mountsUnderRoot(), "two generations and the invocation's own overlay on its tmpfs");
        lease.close();
        lease.close(); // idempotent
        b.reapNow();
        assertEquals(1, mountsUnderRoot());
        assertFalse(Files.exists(b.root().resolve("f/gen-1")));
        assertTrue(b.usesRenameExchange(), "kernel 6.x supports RENAME_EXCHANGE on this file system");
    }

    @Test
    void copyOnWriteUpdateCarriesTheWritesOfAFunctionWithAPersistentUpper() throws IOException {
        OverlayBackend b = backend(0, Set.of("f"));
        Path v1 = layer("v1", "ver", "1", "cfg/a", "a");
        Path v2 = layer("v2", "ver", "2", "cfg/a", "a");
        b.compose("f", List.of(v1));
        try (RootLease l = b.enter("f")) {
            assertEquals(b.root().resolve("f/gen-1/merged"), l.root(), "the invocations share the generation's tree");
            Files.writeString(l.root().resolve("state"), "mine");
            Files.delete(l.root().resolve("cfg/a")); // a whiteout in the upper dir
        }
        try (RootLease l = b.enter("f")) {
            assertEquals("mine", Files.readString(l.root().resolve("state")), "opted in: the write outlives the invocation");
        }
        b.composeKeepingWrites("f", List.of(v2));
        assertEquals("2", Files.readString(b.stablePath("f").resolve("ver")));
        assertEquals("mine", Files.readString(b.stablePath("f").resolve("state")));
        assertFalse(Files.exists(b.stablePath("f").resolve("cfg/a")), "the deletion is carried as a whiteout");
        b.compose("f", List.of(v2));
        assertFalse(Files.exists(b.stablePath("f").resolve("state")), "a plain compose starts with an empty upper");
        assertTrue(Files.exists(b.stablePath("f").resolve("cfg/a")));
    }

    @Test
    void atomicSwapUnderEightReadersTimesThousandSwaps() throws Exception {
        OverlayBackend b = backend(200);
        Path base = layer("base", "bin/sh", "shell");
        Path va = layer("va", "a", "A", "b", "A");
        Path vb = layer("vb", "a", "B", "b", "B");
        b.compose("f", List.of(base, va));
        Path stable = b.stablePath("f");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong mixes = new AtomicLong();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            boolean viaLease = r % 2 == 1;
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (viaLease) { // a whole invocation: both files from one generation
                            try (RootLease l = b.enter("f")) {
                                String x = Files.readString(l.root().resolve("a"));
                                String y = Files.readString(l.root().resolve("b"));
                                if (!x.equals(y)) {
                                    mixes.incrementAndGet();
                                }
                            }
                        } else {
                            String x = Files.readString(stable.resolve("a"));
                            if (!x.equals("A") && !x.equals("B")) {
                                mixes.incrementAndGet();
                            }
                            Files.readString(stable.resolve("bin/sh"));
                        }
                        reads.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        if (failures.incrementAndGet() < 5) {
                            firstErrors.add(e.toString());
                        }
                    }
                }
            });
            t.start();
            readers.add(t);
        }
        try {
            for (int i = 0; i < 1000; i++) {
                b.compose("f", List.of(base, i % 2 == 0 ? vb : va));
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
        assertEquals(0, failures.get(), "failed reads: " + firstErrors);
        assertEquals(0, mixes.get(), "reads that mixed old and new");
        assertTrue(reads.get() > 1000, "readers ran concurrently: " + reads.get());
        assertEquals("A", Files.readString(stable.resolve("a")), "1000 swaps end on stack A");
        b.reapNow();
        assertEquals(1, mountsUnderRoot(), "only the current generation stays mounted");
        assertEquals(1001, b.generationsDestroyed() + 1);
    }

    @Test
    void reaperLeavesOneMountPerFunctionAfterAStormAndNothingAfterClose() throws Exception {
        OverlayBackend b = backend(0);
        Path base = layer("base", "bin/sh", "shell");
        Path va = layer("va", "v", "A");
        Path vb = layer("vb", "v", "B");
        List<String> fns = List.of("s0", "s1", "s2");
        for (String fn : fns) {
            b.compose(fn, List.of(base, va));
        }
        RootLease held = b.enter("s0"); // a running invocation across the whole storm
        List<Thread> swappers = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String fn : fns) {
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < 150; i++) {
                        b.compose(fn, List.of(base, i % 2 == 0 ? vb : va));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            swappers.add(t);
        }
        for (Thread t : swappers) {
            t.join();
        }
        assertEquals(List.of(), errors);
        assertEquals("A", Files.readString(held.root().resolve("v")), "the reaper never tears down a leased generation");
        held.close();
        // quiescence without reapNow: the background reaper alone must converge (the deadline only bounds a hang)
        int superseded = fns.size() * 150;
        Await.until(Duration.ofSeconds(60), () -> b.pendingGenerations() == 0 && b.generationsDestroyed() >= superseded,
                () -> "the reaper to converge; pending " + b.pendingGenerations() + ", destroyed " + b.generationsDestroyed());
        assertEquals(0, b.pendingGenerations(), "retired generations left after quiescence");
        assertEquals(superseded, b.generationsDestroyed(), "every superseded generation was torn down");
        assertEquals(fns.size(), mountsUnderRoot(), "exactly one mount per function after quiescence");
        MountTable mt = MountTable.read();
        for (String fn : fns) {
            Path fnDir = b.root().resolve(GenerationalBackend.dirName(fn));
            long current = b.composed(fn).orElseThrow().generation();
            assertTrue(mt.isMountPoint(fnDir.resolve("gen-" + current + "/merged"), "overlay"), fn + ": the current generation is the mount");
            List<String> left = new ArrayList<>();
            try (var ds = Files.newDirectoryStream(fnDir)) {
                ds.forEach(p -> left.add(p.getFileName().toString()));
            }
            left.sort(null);
            assertEquals(List.of("current", "function", "gen-" + current), left, fn + ": only the current generation stays");
            assertEquals("A", Files.readString(b.stablePath(fn).resolve("v")), "150 swaps (B, A, ...) end on stack A");
        }
        b.close();
        assertEquals(0, mountsUnderRoot(), "nothing mounted after close()");
        try (var ds = Files.newDirectoryStream(b.root())) {
            List<Path> left = new ArrayList<>();
            ds.forEach(left::add);
            assertEquals(List.of(), left, "nothing left under the root after close()");
        }
    }

    @Test
    void recoveryAfterAbandonedInstanceKeepsCurrentAndCleansTheRest() throws IOException {
        OverlayBackend crashed = backend(60_000, Set.of("g"));
        Path v1 = layer("v1", "ver", "1");
        Path v2 = layer("v2", "ver", "2");
        crashed.compose("f", List.of(v1));
        crashed.compose("g", List.of(v1));
        RootLease held = crashed.enter("f");
        crashed.compose("f", List.of(v2)); // gen-1 of f still leased and mounted, with held's own overlay
        RootLease heldOnCurrent = crashed.enter("f"); // an invocation overlay in the generation recovery keeps
        Files.writeString(crashed.stablePath("g").resolve("state"), "kept");
        // a half-built generation as a crash mid-compose leaves it: mounted but never flipped in
        Path half = Files.createDirectories(crashed.root().resolve("g/gen-7"));
        for (String d : List.of("upper", "work", "merged")) {
            Files.createDirectories(half.resolve(d));
        }
        NativeIO.get().mount("overlay", half.resolve("merged"), "overlay", 0,
                "lowerdir=" + v2 + ",upperdir=" + half.resolve("upper") + ",workdir=" + half.resolve("work"));
        NativeIO.get().umount2(crashed.root().resolve("g/gen-1/merged"), NativeIO.MNT_DETACH); // as after a reboot
        crashed.abandon();
        assertEquals(7, mountsUnderRoot(), "4 generation mounts, 2 invocation overlays, each on its tmpfs");

        OverlayBackend fresh = backend(0, Set.of("g"));
        GenerationalBackend.RecoveryReport r = fresh.recover();
        assertEquals(List.of(), r.problems());
        assertEquals(1, r.adopted(), r.toString());
        assertEquals(1, r.rebuilt(), r.toString());
        assertEquals(2, mountsUnderRoot());
        assertEquals("2", Files.readString(fresh.stablePath("f").resolve("ver")));
        assertEquals("kept", Files.readString(fresh.stablePath("g").resolve("state")), "re-mounted with its upper dir");
        assertFalse(Files.exists(fresh.root().resolve("g/gen-7")));
        assertFalse(Files.exists(fresh.root().resolve("f/gen-1")));
        assertFalse(Files.exists(heldOnCurrent.root().getParent()), "a crashed invocation's overlay and writes are gone");
        assertEquals(2, fresh.composed("f").orElseThrow().generation());
        assertEquals(3, fresh.compose("f", List.of(v1)).generation(), "generation numbers continue");
        held.close(); // a lease of the dead instance is harmless
        heldOnCurrent.close();
    }

    @Test
    void killMinusNineMidSwapLeavesOldOrNewStack() throws Exception {
        Path a1 = layer("a1", "x", "A");
        Path a2 = layer("a2", "y", "A");
        Path b1 = layer("b1", "x", "B");
        Path b2 = layer("b2", "y", "B");
        String stackA = a1 + "," + a2;
        String stackB = b1 + "," + b2;
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SwapLoopMain.class.getName(), root.toString(), stackA, stackB)
                    .redirectErrorStream(true).start();
            int swaps = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && swaps < 50 + 37 * round) {
                    if (line.startsWith("swapped")) {
                        swaps++;
                    }
                }
                p.destroyForcibly(); // SIGKILL mid-loop
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            }
            assertTrue(swaps > 0, "the child swapped before it was killed");
            OverlayBackend fresh = backend(0);
            fresh.recover();
            assertEquals(1, mountsUnderRoot(), "only the current generation survives recovery");
            try (RootLease l = fresh.enter("fn")) {
                List<Path> dirs = l.layerDirs();
                assertTrue(dirs.equals(List.of(a1, a2)) || dirs.equals(List.of(b1, b2)), "old or new stack: " + dirs);
                String x = Files.readString(l.root().resolve("x"));
                assertEquals(x, Files.readString(l.root().resolve("y")), "no mix of stacks");
                assertEquals(dirs.get(0).equals(a1) ? "A" : "B", x);
                assertEquals(x, Files.readString(fresh.stablePath("fn").resolve("x")));
            }
            fresh.abandon(); // leave it for the next child (which recovers it again)
            backends.remove(fresh);
            assertNotEquals(0, mountsUnderRoot());
        }
        backend(0).recover(); // @AfterEach closes it and checks that nothing is left
    }
}

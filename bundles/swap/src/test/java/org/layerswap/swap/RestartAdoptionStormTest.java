package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.layerswap.api.ComposedRoot;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.RestartReport;
import org.layerswap.api.RootLease;
import org.layerswap.fs.common.GenerationalBackend;
import org.layerswap.fs.common.MountTable;
import org.layerswap.fs.common.Trees;
import org.layerswap.fs.overlay.OverlayBackend;
import org.layerswap.testkit.Await;

/**
 * Kill -9 during a storm of swaps and prefetches, then a restart on the same directories (root only: real overlay
 * mounts; skipped with the reason otherwise). The child ({@link RestartStormMain}) holds invocations on three roots,
 * swaps three other functions in a loop and has three throttled prefetches in flight when it gets SIGKILL. After the
 * restart: the roots held before are adopted with the same generation and the same mount (mount id in
 * /proc/self/mountinfo), a swapped root is adopted when its stack is the saved one and cleaned otherwise, no mount is
 * left that no root owns, the prefetches resume from the bytes the dead process downloaded, and the report says all of
 * it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RestartAdoptionStormTest {

    private Path work;

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createTempDirectory("lsrestart");
        OverlayBackend probe = new OverlayBackend(work.resolve("probe"), 0);
        assumeTrue(probe.isAvailable(), "the restart storm needs overlay mounts (root): " + probe.unavailableReason());
        probe.close();
    }

    @AfterEach
    void tearDown() throws IOException {
        List<MountTable.Mount> left = MountTable.read().under(work);
        for (MountTable.Mount m : left) {
            org.layerswap.nativeio.NativeIO.tryGet().orElseThrow().umount2(m.mountPoint(), org.layerswap.nativeio.NativeIO.MNT_DETACH);
        }
        Trees.deleteTree(work);
        assertEquals(List.of(), left, "mounts left under " + work);
    }

    /** key → (generation, mount id) of each current generation the dead child left mounted. */
    private record Left(long generation, int mountId, List<Path> layerDirs) {
    }

    private Map<String, Left> leftMounted(List<String> keys) throws IOException {
        MountTable mt = MountTable.read();
        Map<String, Left> out = new TreeMap<>();
        Path roots = work.resolve("roots");
        for (String key : keys) {
            Path fnDir = roots.resolve(GenerationalBackend.dirName(key));
            Path current = fnDir.resolve(GenerationalBackend.CURRENT);
            if (!Files.isSymbolicLink(current)) {
                continue;
            }
            Path merged = fnDir.resolve(Files.readSymbolicLink(current)).normalize();
            Path genDir = merged.getParent();
            long gen = Long.parseLong(genDir.getFileName().toString().substring("gen-".length()));
            List<Path> dirs = Files.readAllLines(genDir.resolve("layers")).stream().filter(s -> !s.isBlank()).map(Path::of).toList();
            mt.at(merged).ifPresent(m -> out.put(key, new Left(gen, m.id(), dirs)));
        }
        return out;
    }

    @Test
    void afterAKillMinusNineTheRootsInUseAreAdoptedWithTheirMountsNothingLeaksAndPrefetchesResume() throws Exception {
        RestartStorm w = new RestartStorm(work); // blobs written before the child starts
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RestartStormMain.class.getName(), work.toString())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        int swaps = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            boolean ready = false;
            String line;
            while (System.nanoTime() < deadline && (line = in.readLine()) != null) {
                output.add(line);
                ready |= line.startsWith("READY");
                if (line.startsWith("swapped")) {
                    swaps++;
                }
                if (ready && swaps >= 40) {
                    break;
                }
            }
            p.destroyForcibly(); // SIGKILL in the middle of the storm
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child died");
            assertTrue(ready && swaps >= 40, "the child did not reach the storm: " + tail(output));
        }

        String variant = VariantRoots.key("held0", List.of(w.d("data-x").id()));
        List<String> keys = new ArrayList<>(RestartStorm.all());
        keys.add(variant);
        Map<String, Left> before = leftMounted(keys);
        for (String held : List.of("held0", "held1", variant)) {
            assertNotNull(before.get(held), held + " was mounted when the child died: " + before);
        }
        Map<String, Long> partial = new HashMap<>();
        try (Stream<Path> s = Files.list(work.resolve("store/tmp"))) {
            for (Path part : s.filter(x -> x.toString().endsWith(".part")).toList()) {
                partial.merge(part.getFileName().toString().replaceFirst("-\\d+\\.part$", ""), Files.size(part), Math::max);
            }
        }
        assertFalse(partial.isEmpty(), "a download was cut");
        Map<String, String> saved = w.catalog();

        // ---- the restart: same directories, the catalog restored from its file, a fast source ----
        try (RestartStorm.Node n = w.start(0)) {
            SwapManagerCore core = n.core();
            core.start();
            w.define(core);
            core.catalogRestored("function catalog: " + saved.size() + " function(s) from " + work.resolve("catalog.properties"));
            Await.until(Duration.ofSeconds(30), () -> core.restartReport().adopted().size() + core.restartReport().cleaned().size()
                    >= before.size() && core.restartReport().pending().isEmpty(), "every recovered root decided");
            core.awaitComposerIdle();
            RestartReport report = core.restartReport();
            MountTable mt = MountTable.read();

            for (Map.Entry<String, Left> e : before.entrySet()) {
                String key = e.getKey();
                String fn = key.equals(variant) ? "held0" : key;
                List<Path> expected = new ArrayList<>();
                List<LayerDescriptor> stack = new ArrayList<>(w.stack(saved.get(fn)));
                if (key.equals(variant)) {
                    stack.add(w.d("data-x"));
                }
                for (LayerDescriptor d : stack) {
                    expected.add(n.store().path(d.id()).orElseThrow(() -> new AssertionError(d.id() + " of " + key
                            + " is not resident after the restart; resident: " + n.store().resident())));
                }
                boolean current = expected.equals(e.getValue().layerDirs());
                boolean adopted = report.adopted().stream().anyMatch(l -> l.startsWith(key + " on overlay (generation "
                        + e.getValue().generation() + ","));
                boolean cleaned = report.cleaned().stream().anyMatch(l -> l.startsWith(key + " on overlay"));
                if (current) {
                    assertTrue(adopted && !cleaned, key + " is built from its saved stack: adopted, not cleaned: " + report);
                    ComposedRoot r = n.backend().composed(key).orElseThrow();
                    assertEquals(e.getValue().generation(), r.generation(), key + ": same generation");
                    Path merged = work.resolve("roots").resolve(GenerationalBackend.dirName(key)).resolve("gen-" + r.generation())
                            .resolve("merged");
                    assertEquals(e.getValue().mountId(), mt.at(merged).orElseThrow().id(), key + ": the same mount (mount id)");
                } else {
                    assertTrue(cleaned && !adopted, key + " was swapped but not saved when the child died: cleaned: " + report);
                }
            }
            for (String held : List.of("held0", "held1", variant)) {
                assertTrue(report.adopted().stream().anyMatch(l -> l.startsWith(held + " on overlay")), held + " adopted: " + report);
            }

            // the adopted roots run invocations without a new generation; the others are composed on use
            for (String fn : RestartStorm.all()) {
                try (RootLease l = core.enter(core.handleInvocation(fn, Map.of()), 60_000)) {
                    String own = saved.get(fn).equals("B") ? "b.txt" : "a.txt";
                    assertTrue(Files.isRegularFile(l.root().resolve(own)), fn + " sees its saved stack");
                    if (before.containsKey(fn) && report.adopted().stream().anyMatch(x -> x.startsWith(fn + " on overlay"))) {
                        assertEquals(before.get(fn).generation(), l.generation(), fn + " runs on the adopted generation");
                    }
                }
            }
            try (RootLease l = core.enter(core.handleInvocation("held0", Map.of("dataset", "x")), 60_000)) {
                assertEquals(before.get(variant).generation(), l.generation(), "the variant runs on the adopted generation");
                assertTrue(Files.isRegularFile(l.root().resolve("data-x.txt")));
            }

            // the interrupted prefetches: resumed, from the byte reached where a partial blob was left
            for (LayerDescriptor big : w.big()) {
                Await.until(Duration.ofSeconds(60), () -> n.store().isResident(big.id()), "resumed prefetch of " + big.id());
                LayerId id = big.id();
                long firstOffset = n.source().opens.stream().filter(o -> o.id().equals(id)).findFirst().orElseThrow().offset();
                assertEquals(partial.getOrDefault(id.hex(), 0L), firstOffset, "resumed from the byte the dead child reached");
            }
            core.awaitComposerIdle(); // bigfn is composed ahead once its layers are resident
            n.backend().reapNow(); // generations superseded meanwhile go now, not after the reaper's next turn
            // no mount that no root owns: one per composed root (its current generation), no invocation or stale mount
            Set<Path> owned = n.backend().composed().stream()
                    .map(r -> work.resolve("roots").resolve(GenerationalBackend.dirName(r.functionId())).resolve("gen-" + r.generation())
                            .resolve("merged"))
                    .collect(Collectors.toSet());
            List<Path> mounted = MountTable.read().under(work).stream().map(MountTable.Mount::mountPoint).toList();
            assertEquals(owned, Set.copyOf(mounted), "mounts under the work directory are exactly the roots' generations");
            assertEquals(owned.size(), mounted.size());

            assertEquals(3, core.restartReport().resumed().size(), core.restartReport().toString());
            assertEquals(partial.size(), n.store().resumesAfterRestart());
            assertTrue(report.restored().get(0).startsWith("function catalog: 5 function(s)"), report.toString());
        }
        assertEquals(List.of(), MountTable.read().under(work), "closing the manager and backend leaves no mount");
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}

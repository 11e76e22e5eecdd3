package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerLease;

/**
 * A stored layer's unpacked files modified on disk (by a function through a hard-linked copy farm, an operator, a
 * bug) are never served again: the store checks each layer against its digest tree at acquire and at start-up,
 * quarantines a modified one and fetches and verifies it again. Before the tree existed the store served whatever
 * was on disk. The check runs at most once per {@link StoreSettings#treeCheckInterval()} per layer: the tests move a
 * fake clock past it before expecting a refusal, and one shows the bounded window itself.
 */
class TamperedLayerTest {

    @TempDir
    Path dir;

    final FakeSource source = new FakeSource();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    static final Duration INTERVAL = Duration.ofSeconds(30);

    LayerDescriptor layer() throws IOException {
        return source.add(new Tars().dir("bin/", 0755).file("bin/sh", 0755, "the real shell".getBytes(StandardCharsets.UTF_8), 0, 0,
                1_600_000_000L).symlink("bin/bash", "sh").gzip());
    }

    FileLayerStore store() throws IOException {
        return store(INTERVAL);
    }

    FileLayerStore store(Duration interval) throws IOException {
        StoreSettings settings = StoreSettings.of(dir.resolve("store"), 1L << 30).withTreeCheckInterval(interval);
        return new FileLayerStore(settings, source, new TarUnpacker(settings.limits()), nanos::get);
    }

    /** Past the window of every check so far: the next acquire checks. */
    void intervalPasses() {
        nanos.addAndGet(INTERVAL.toNanos());
    }

    static Path fetch(FileLayerStore s, LayerDescriptor l) throws Exception {
        return s.fetch("r", l, FetchPriority.ON_DEMAND).get(30, TimeUnit.SECONDS);
    }

    /** Same size, same mtime: only the digest tells. */
    static void trojan(Path sh) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(sh);
        Files.writeString(sh, "the fake shell");
        Files.setLastModifiedTime(sh, mtime);
    }

    @Test
    void aLayerFileRewrittenOnDiskIsRefusedQuarantinedAndFetchedAndVerifiedAgain() throws Exception {
        LayerDescriptor l = layer();
        try (FileLayerStore s = store()) {
            Path p = fetch(s, l);
            s.acquire(l.id()).close();
            long pulled = s.stats().bytesPulled();
            trojan(p.resolve("bin/sh"));
            intervalPasses();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> s.acquire(l.id()));
            assertTrue(refused.getMessage().contains("was modified on disk ('bin/sh' differs from its digest tree (content))"),
                    refused.getMessage());
            assertFalse(s.isResident(l.id()), "out of the index");
            assertFalse(Files.exists(p), "out of layers/");
            assertEquals(1, s.quarantinedLayers());
            Path again = fetch(s, l);
            assertEquals(pulled + l.sizeBytes(), s.stats().bytesPulled(), "downloaded (and its digest verified) again");
            try (LayerLease lease = s.acquire(l.id())) {
                assertEquals("the real shell", Files.readString(lease.path().resolve("bin/sh")));
            }
            assertEquals(p, again);
        }
    }

    @Test
    void aChmodAnOwnerChangeAReplacedLinkOrAnAddedFileCountAsModified() throws Exception {
        LayerDescriptor l = layer();
        try (FileLayerStore s = store()) {
            String[] reasons = new String[4];
            for (int i = 0; i < 4; i++) {
                Path p = fetch(s, l);
                switch (i) {
                    case 0 -> Files.setAttribute(p.resolve("bin/sh"), "unix:mode", 04755);
                    case 1 -> Files.setAttribute(p.resolve("bin/sh"), "unix:uid", 4242);
                    case 2 -> {
                        Files.delete(p.resolve("bin/bash"));
                        Files.createSymbolicLink(p.resolve("bin/bash"), Path.of("/etc/shadow"));
                    }
                    default -> Files.writeString(p.resolve("bin/extra"), "x");
                }
                intervalPasses();
                reasons[i] = assertThrows(IllegalStateException.class, () -> s.acquire(l.id())).getMessage();
            }
            assertTrue(reasons[0].contains("'bin/sh' differs from its digest tree (mode 755 -> 4755)"), reasons[0]);
            assertTrue(reasons[1].contains("'bin/sh' differs from its digest tree (owner 0:0 -> 4242:0)"), reasons[1]);
            assertTrue(reasons[2].contains("'bin/bash' differs from its digest tree"), reasons[2]);
            assertTrue(reasons[3].contains("'bin/extra' was added"), reasons[3]);
            assertEquals(4, s.quarantinedLayers());
        }
    }

    @Test
    void onlyAMovedStampWithTheSameContentIsRestampedAndServed() throws Exception {
        LayerDescriptor l = layer();
        try (FileLayerStore s = store()) {
            Path p = fetch(s, l);
            Files.createLink(dir.resolve("store/tmp/hardlink"), p.resolve("bin/sh")); // moves the ctime, as a linking backend does
            Files.setLastModifiedTime(p.resolve("bin/sh"), Files.getLastModifiedTime(p.resolve("bin/sh")));
            intervalPasses();
            try (LayerLease lease = s.acquire(l.id())) {
                assertEquals("the real shell", Files.readString(lease.path().resolve("bin/sh")));
            }
            assertEquals(0, s.quarantinedLayers());
            assertTrue(s.isResident(l.id()));
        }
    }

    @Test
    void aModificationIsServedOnlyWithinTheCheckIntervalOfTheLastCheckAndRefusedOnceItHasPassed() throws Exception {
        LayerDescriptor l = layer();
        try (FileLayerStore s = store()) {
            Path p = fetch(s, l); // the commit's scan is the first check
            nanos.addAndGet(INTERVAL.toNanos() - 1);
            s.acquire(l.id()).close(); // within the window: not checked
            trojan(p.resolve("bin/sh"));
            s.acquire(l.id()).close(); // still within the window of the commit's scan: the bounded window
            assertEquals(0, s.quarantinedLayers());
            nanos.incrementAndGet(); // INTERVAL after the last check
            assertThrows(IllegalStateException.class, () -> s.acquire(l.id()));
            assertEquals(1, s.quarantinedLayers());
        }
    }

    @Test
    void aZeroIntervalChecksAtEveryAcquireWithoutTheClockMoving() throws Exception {
        LayerDescriptor l = layer();
        try (FileLayerStore s = store(Duration.ZERO)) {
            Path p = fetch(s, l);
            s.acquire(l.id()).close();
            trojan(p.resolve("bin/sh"));
            assertThrows(IllegalStateException.class, () -> s.acquire(l.id()));
            assertEquals(1, s.quarantinedLayers());
        }
    }

    @Test
    void aNegativeIntervalIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreSettings.of(dir, 1).withTreeCheckInterval(Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().contains("treeCheckInterval"), e.getMessage());
    }

    @Test
    void aLayerModifiedWhileTheStoreWasDownIsNotResidentAfterTheRestart() throws Exception {
        LayerDescriptor l = layer();
        LayerDescriptor other = source.add(new Tars().file("data", "untouched").gzip());
        Path p;
        try (FileLayerStore s = store()) {
            p = fetch(s, l);
            fetch(s, other);
        }
        trojan(p.resolve("bin/sh"));
        try (FileLayerStore s = store()) {
            assertFalse(s.isResident(l.id()), "quarantined at start-up");
            assertTrue(s.isResident(other.id()), "the intact layer stays");
            assertEquals(1, s.quarantinedLayers());
            assertEquals("the real shell", Files.readString(fetch(s, l).resolve("bin/sh")));
        }
    }

    @Test
    void theDigestTreeRoundTripsHostileNames() throws Exception {
        Path d = Files.createDirectories(dir.resolve("t/a\tb\nc"));
        Files.writeString(d.resolve("f%20"), "x");
        Files.createSymbolicLink(d.resolve("l"), Path.of("tab\there"));
        LayerTree tree = LayerTree.scan(dir.resolve("t"));
        tree.write(dir.resolve("tree"), dir);
        assertEquals(tree.nodes(), LayerTree.read(dir.resolve("tree")).nodes());
        assertEquals(LayerTree.Verdict.Kind.INTACT, LayerTree.read(dir.resolve("tree")).check(dir.resolve("t")).kind());
    }
}

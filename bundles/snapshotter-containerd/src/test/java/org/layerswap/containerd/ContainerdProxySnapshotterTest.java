package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ImageConfig;
import org.layerswap.fs.common.MountTable;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.source.oci.testing.LocalRegistry;
import org.layerswap.testkit.Await;

/**
 * End to end with the real parts (root): a loopback docker-registry holding a busybox-static image, a real
 * containerd whose private config names this snapshotter's socket as {@code [proxy_plugins.layerswap]}, and
 * {@code ctr} pulling and running through it.
 */
class ContainerdProxySnapshotterTest {

    static final Path BUSYBOX = Path.of("/bin/busybox");
    /** containerd collects right after a deletion (ContainerdHarness's gc settings); generous for a loaded machine. */
    static final java.time.Duration COLLECTED = java.time.Duration.ofSeconds(30);
    static final String GREETING = "hello from a layerswap snapshot";

    @TempDir
    Path dir;

    static void requireRoot() {
        ContainerdHarness.requireInstalled();
        assertEquals(0L, new com.sun.security.auth.module.UnixSystem().getUid(), "this test mounts (through containerd): run it as root");
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void containerdPullsAndRunsAnImageThroughTheSnapshotterAndFindsItsSnapshotsAfterARestart() throws Exception {
        requireRoot();
        Path layout = dir.resolve("layout");
        List<OciLayoutWriter.LayerBlob> built = buildImageWithFiller(layout, FILLER_BYTES);
        OciLayoutWriter.LayerBlob base = built.get(0);
        OciLayoutWriter.LayerBlob filler = built.get(1);
        ContainerdSettings settings = new ContainerdSettings(true, dir.resolve("ls.sock"), dir.resolve("snap"), false);
        SnapshotterServer server = null;
        ContainerdHarness containerd = null;
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"))) {
            registry.skopeoCopy(layout, "fn:1", "fn:1");
            String ref = registry.hostPort() + "/fn:1";
            server = SnapshotterServer.start(settings, Clock.systemUTC());
            containerd = ContainerdHarness.start(dir.resolve("cd"), settings.socket());
            assertTrue(containerd.ctr("plugins", "ls").lines().anyMatch(l -> l.matches("io\\.containerd\\.snapshotter\\.v1\\s+layerswap\\s.*\\sok\\s*")),
                    "containerd loaded the proxy plugin");

            containerd.ctr("images", "pull", "--plain-http", "--snapshotter", "layerswap", ref);
            List<SnapshotInfo> afterPull = server.snapshotter().list(s -> true);
            assertEquals(3, afterPull.size(), "one committed snapshot per layer (base, 200 MB filler, handler): " + afterPull);
            assertTrue(afterPull.stream().allMatch(s -> s.kind() == SnapshotKind.COMMITTED), afterPull.toString());

            String out = containerd.ctr("run", "--rm", "--snapshotter", "layerswap", ref, "fn-run-1");
            assertTrue(out.contains(GREETING), "the function's output: " + out);
            SnapshotterServer first = server;
            // containerd removes a deleted container's snapshot from the proxy when it collects garbage
            Await.until(COLLECTED, () -> first.snapshotter().list(s -> true).size() == 3,
                    () -> "the container's active snapshot is removed: " + first.snapshotter().list(s -> true));
            assertEquals(3, server.snapshotter().dirs().present().size(), "and its directory with it");
            assertEquals(0, MountTable.read().countUnder(settings.root()), "containerd unmounted the container's rootfs");

            // a second function's image on the same base and filler: containerd reuses both snapshots, one new layer
            OciLayoutWriter w = OciLayoutWriter.create(layout);
            var handler2 = w.addLayer(true, t -> t.directory("fn/", 0755).file("fn/handler.sh", 0755,
                    "echo \"second function\"\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            w.addImage("fn2:1", List.of(base, filler, handler2), new ImageConfig(List.of("/bin/sh", "/fn/handler.sh"), List.of(),
                    List.of("PATH=/bin"), "/fn"));
            registry.skopeoCopy(layout, "fn2:1", "fn2:1");
            String ref2 = registry.hostPort() + "/fn2:1";
            containerd.ctr("images", "pull", "--plain-http", "--snapshotter", "layerswap", ref2);
            assertEquals(4, server.snapshotter().list(s -> true).size(), "the base and filler snapshots are shared");
            assertTrue(containerd.ctr("run", "--rm", "--snapshotter", "layerswap", ref2, "fn2-run-1").contains("second function"));
            Await.until(COLLECTED, () -> first.snapshotter().list(s -> true).size() == 4,
                    () -> "the second container's snapshot is removed: " + first.snapshotter().list(s -> true));

            String listed = containerd.ctr("snapshots", "--snapshotter", "layerswap", "ls");
            server.close();
            server = SnapshotterServer.start(settings, Clock.systemUTC());
            containerd.awaitProxy();
            assertEquals(listed, containerd.ctr("snapshots", "--snapshotter", "layerswap", "ls"),
                    "the same snapshots after restarting the snapshotter");

            // an active snapshot over the image's top layer, then Remove: no mount, no directory left
            List<SnapshotInfo> now = server.snapshotter().list(s -> true);
            String top = now.stream().filter(s -> now.stream().noneMatch(c -> c.parent().equals(s.name())))
                    .findFirst().orElseThrow().name();
            String topKey = top.substring(top.lastIndexOf('/') + 1);
            containerd.ctr("snapshots", "--snapshotter", "layerswap", "prepare", "scratch", topKey);
            assertEquals(5, server.snapshotter().dirs().present().size());
            containerd.ctr("snapshots", "--snapshotter", "layerswap", "rm", "scratch");
            SnapshotterServer second = server;
            Await.until(COLLECTED, () -> {
                try {
                    return second.snapshotter().dirs().present().size() == 4;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "Remove deletes the active's directory");
            assertEquals(4, server.snapshotter().list(s -> true).size());
            assertEquals(0, MountTable.read().countUnder(dir), "nothing is mounted under the test's directory");

            containerd.close();
            containerd = ContainerdHarness.start(dir.resolve("cd"), settings.socket());
            assertEquals(listed, containerd.ctr("snapshots", "--snapshotter", "layerswap", "ls"),
                    "the same snapshots after restarting containerd");
            String again = containerd.ctr("run", "--rm", "--snapshotter", "layerswap", ref, "fn-run-2");
            assertTrue(again.contains(GREETING), "a second run after both restarts: " + again);
        } finally {
            if (containerd != null) {
                containerd.close();
            }
            if (server != null) {
                server.close();
            }
            unmountLeftovers(dir);
        }
        assertFalse(Files.exists(settings.socket()), "the socket is gone after close");
    }

    /** The filler layer of the end-to-end image (issue 18: a busybox-static image plus a 200 MB filler). */
    static final long FILLER_BYTES = 200L * 1000 * 1000;

    /**
     * {@link #buildImage}'s image with a filler layer of {@code fillerBytes} between base and handler (one file of a
     * repeated 64 KiB random block: 200 MB unpacked, little to gzip and to pull); returns base, filler, handler.
     */
    static List<OciLayoutWriter.LayerBlob> buildImageWithFiller(Path layout, long fillerBytes) throws IOException {
        List<OciLayoutWriter.LayerBlob> plain = buildImage(layout);
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        byte[] block = new byte[64 * 1024];
        new java.util.Random(18).nextBytes(block);
        var filler = w.addLayer(true, t -> t.directory("opt/", 0755).file("opt/filler", 0644, fillerBytes, new InputStream() {
            long left = fillerBytes;

            @Override
            public int read() {
                return left-- > 0 ? block[(int) ((fillerBytes - left - 1) % block.length)] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int at = (int) ((fillerBytes - left) % block.length);
                int n = (int) Math.min(Math.min(len, left), block.length - at);
                System.arraycopy(block, at, b, off, n);
                left -= n;
                return n;
            }
        }));
        w.addImage("fn:1", List.of(plain.get(0), filler, plain.get(1)),
                new ImageConfig(List.of("/bin/sh", "/fn/handler.sh"), List.of(), List.of("PATH=/bin"), "/fn"));
        return List.of(plain.get(0), filler, plain.get(1));
    }

    /** A busybox-static base layer and a handler layer printing {@link #GREETING}; returns the layers, base first. */
    static List<OciLayoutWriter.LayerBlob> buildImage(Path layout) throws IOException {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new AssertionError(BUSYBOX + " is missing: install Debian's busybox-static (.ci/prereqs does this)");
        }
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        long size = Files.size(BUSYBOX);
        var base = w.addLayer(true, t -> {
            t.directory("bin/", 0755).directory("etc/", 0755).directory("tmp/", 01777).directory("proc/", 0555)
                    .directory("sys/", 0555).directory("dev/", 0755);
            try (InputStream in = Files.newInputStream(BUSYBOX)) {
                t.file("bin/busybox", 0755, size, in);
            }
            for (String applet : List.of("sh", "cat", "echo")) {
                t.symlink("bin/" + applet, "busybox");
            }
            t.file("etc/passwd", "root:x:0:0:root:/tmp:/bin/sh\n");
        });
        var handler = w.addLayer(true, t -> t.directory("fn/", 0755)
                .file("fn/handler.sh", 0755, ("echo \"" + GREETING + "\"\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        w.addImage("fn:1", List.of(base, handler),
                new ImageConfig(List.of("/bin/sh", "/fn/handler.sh"), List.of(), List.of("PATH=/bin"), "/fn"));
        return List.of(base, handler);
    }

    /** Safety net: lazily unmounts anything a failed run left below {@code dir} (deepest first). */
    static void unmountLeftovers(Path dir) throws IOException, InterruptedException {
        for (MountTable.Mount m : MountTable.read().under(dir)) {
            new ProcessBuilder("umount", "-l", m.mountPoint().toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

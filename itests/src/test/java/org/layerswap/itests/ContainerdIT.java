package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.layerswap.api.ContainerdView;
import org.layerswap.demo.images.SampleImages;
import org.layerswap.oci.format.OciLayoutWriter;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The containerd proxy snapshotter in the appliance as built (root; Debian's containerd and runc): the opt-in feature
 * {@code layerswap-containerd} is installed and enabled (with learning) on a socket under a temp directory, a real
 * containerd is started with a private config naming that socket as {@code [proxy_plugins.layerswap]}, and an image
 * (busybox-static + a handler, as an OCI archive) is imported and run through it with {@code ctr}. The shell, REST and
 * the learning loop's event counters must then show the snapshots and the run; removing the image leaves the
 * snapshotter empty, and disabling the feature's config closes the socket.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ContainerdIT extends ApplianceTestSupport {

    private static final String CTR = "/usr/bin/ctr";
    private static final String NAMESPACE = "layerswap-itest";

    @Inject
    FeaturesService features;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Test
    public void containerdImportsAndRunsAnImageThroughTheApplianceSnapshotter() throws Exception {
        assumeTrue("containerd mounts overlay roots: the test needs root", "root".equals(System.getProperty("user.name")));
        for (String bin : List.of("/usr/bin/containerd", CTR, "/usr/sbin/runc", "/usr/bin/containerd-shim-runc-v2")) {
            assertTrue(bin + " is missing: install Debian's containerd and runc (.ci/prereqs test does this)", Files.isExecutable(Path.of(bin)));
        }
        Path dir = Files.createTempDirectory("ls-cd-it"); // short: the Unix socket path is limited to 107 bytes
        Path archive = imageArchive(dir);
        Path socket = dir.resolve("ls.sock");
        Path containerdSocket = dir.resolve("c.sock");

        features.installFeature("layerswap-containerd", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        ServiceTracker<ContainerdView, ContainerdView> tracker = new ServiceTracker<>(bundleContext, ContainerdView.class, null);
        tracker.open();
        Process containerd = null;
        try {
            ContainerdView view = tracker.waitForService(60_000);
            assertTrue("the containerd feature registers its ContainerdView", view != null);
            org.osgi.service.cm.Configuration cfg = configurationAdmin.getConfiguration("org.layerswap.containerd", "?");
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("enabled", "true");
            props.put("socket", socket.toString());
            props.put("root", dir.resolve("snap").toString());
            props.put("learn", "true");
            props.put("containerdSocket", containerdSocket.toString());
            cfg.update(props);
            assertTrue("the snapshotter serves on " + socket, waitFor(() -> serving(tracker, socket), 60, TimeUnit.SECONDS));

            containerd = startContainerd(dir, containerdSocket, socket);
            String plugins = ctr(containerdSocket, "plugins", "ls");
            assertTrue(plugins, plugins.lines().anyMatch(l -> l.matches("io\\.containerd\\.snapshotter\\.v1\\s+layerswap\\s.*\\sok\\s*")));
            assertTrue("the learning loop subscribes to containerd's events",
                    waitFor(() -> tracker.getService() != null && tracker.getService().status().connected(), 60, TimeUnit.SECONDS));

            ctr(containerdSocket, "images", "import", "--snapshotter", "layerswap", archive.toString());
            String image = ctr(containerdSocket, "images", "ls", "-q").lines().filter(l -> !l.isBlank()).findFirst().orElseThrow();
            // the sample handler reads its parameters from stdin, which ctr 1.6 keeps open: give it an empty one
            String out = ctr(containerdSocket, "run", "--rm", "--snapshotter", "layerswap", image, "ctd-run-" + System.currentTimeMillis(), "/bin/sh", "-c",
                    "/fn/handler.sh < /dev/null");
            assertTrue("the function ran over the appliance's snapshots: " + out, out.contains("image ctd-fn on") && out.contains("done"));

            ContainerdView.ContainerdStatus s = tracker.getService().status();
            assertEquals("one committed snapshot per layer: " + s, Long.valueOf(2), s.snapshotsByKind().get("COMMITTED"));
            String shell = executeCommand("layerswap:containerd");
            assertTrue(shell, shell.contains("containerd snapshotter serving on " + socket + "; learning from containerd: connected"));
            HttpResult rest = http("GET", "/layerswap/api/containerd", ADMIN);
            assertEquals(rest.body(), 200, rest.status());
            assertTrue(rest.body(), rest.body().contains("\"installed\":true,\"serving\":true") && rest.body().contains("\"COMMITTED\":2"));
            assertTrue("the task start reached the learning loop: " + tracker.getService().status(),
                    waitFor(() -> tracker.getService().status().eventsMapped() >= 1, 30, TimeUnit.SECONDS));

            ctr(containerdSocket, "images", "rm", "--sync", image);
            assertTrue("containerd's collection empties the snapshotter: " + tracker.getService().status(), waitFor(() ->
                    tracker.getService().status().snapshotsByKind().values().stream().mapToLong(Long::longValue).sum() == 0, 30, TimeUnit.SECONDS));

            cfg.delete();
            assertTrue("disabling the config closes the socket", waitFor(() -> !Files.exists(socket), 30, TimeUnit.SECONDS));
        } finally {
            if (containerd != null) {
                containerd.destroy();
                if (!containerd.waitFor(10, TimeUnit.SECONDS)) {
                    containerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            tracker.close();
            unmountUnder(dir);
            run(List.of("rm", "-rf", "--one-file-system", dir.toString()), 60);
        }
    }

    private static boolean serving(ServiceTracker<ContainerdView, ContainerdView> tracker, Path socket) {
        ContainerdView v = tracker.getService();
        return v != null && v.status().serving() && Files.exists(socket);
    }

    /** busybox-static + the sample handler for function {@code ctd-fn}, as an OCI archive ctr imports. */
    private static Path imageArchive(Path dir) throws Exception {
        Path layout = dir.resolve("layout");
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        w.addImage("ctd-fn:1", List.of(SampleImages.base(w), SampleImages.handler(w, "ctd-fn")), SampleImages.HANDLER_CONFIG);
        Path tar = dir.resolve("image.tar");
        run(List.of("tar", "-C", layout.toString(), "-cf", tar.toString(), "."), 60);
        return tar;
    }

    /**
     * containerd with a private root, state and sockets under {@code dir} (no systemd here: a child process), the CRI
     * plugin off, garbage collection after every deletion, and the appliance's socket as the {@code layerswap} proxy.
     */
    private static Process startContainerd(Path dir, Path address, Path snapshotterSocket) throws Exception {
        String config = """
                version = 2
                root = "%s"
                state = "%s"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%s"
                [ttrpc]
                  address = "%s.ttrpc"
                [plugins."io.containerd.gc.v1.scheduler"]
                  deletion_threshold = 1
                  schedule_delay = "0ms"
                  startup_delay = "0ms"
                [proxy_plugins.layerswap]
                  type = "snapshot"
                  address = "%s"
                """.formatted(dir.resolve("cd-root"), dir.resolve("cd-state"), address, address, snapshotterSocket);
        Path cfg = dir.resolve("containerd.toml");
        Files.writeString(cfg, config);
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/containerd", "--config", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("containerd.log").toFile());
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"); // runc, the shim
        Process p = pb.start();
        boolean up = waitFor(() -> {
            try {
                return p.isAlive() && Files.exists(address) && run(List.of(CTR, "-a", address.toString(), "version"), 10).exit == 0;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, 30, TimeUnit.SECONDS);
        if (!up) {
            p.destroyForcibly();
            throw new AssertionError("containerd did not answer within 30 s: " + Files.readString(dir.resolve("containerd.log")));
        }
        return p;
    }

    private static String ctr(Path address, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CTR, "-a", address.toString(), "-n", NAMESPACE));
        cmd.addAll(List.of(args));
        Result r = run(cmd, 60);
        if (r.exit != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit + ": " + r.output);
        }
        return r.output;
    }

    private record Result(int exit, String output) {
    }

    /** Runs {@code cmd} with its output in a file (a child holding the pipe open cannot block the test); fails after the timeout. */
    private static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ctr", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s: " + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Safety net after a failure: lazily unmounts what is left below {@code dir}, deepest first. */
    private static void unmountUnder(Path dir) throws IOException, InterruptedException {
        List<String> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].startsWith(dir.toString())) {
                points.add(f[4]);
            }
        }
        points.sort((a, b) -> b.length() - a.length());
        for (String m : points) {
            run(List.of("umount", "-l", m), 10);
        }
    }
}

package org.layerswap.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real containerd (Debian's 1.6) with a private config: root, state and sockets under {@code dir}, the CRI
 * plugin off (or on: {@link #criPlugin}), garbage collection after every deletion (containerd removes a deleted
 * snapshot from the proxy snapshotter only when it collects; or on containerd's own schedule), and {@code
 * [proxy_plugins.layerswap]} naming the snapshotter socket. No systemd here: the process is this harness's child,
 * killed by {@link #close()} (its shims exit with their tasks).
 */
final class ContainerdHarness implements AutoCloseable {

    static final String CONTAINERD = "/usr/bin/containerd";
    static final String CTR = "/usr/bin/ctr";
    static final String NAMESPACE = "layerswap-test";

    /** containerd's collector runs after every deletion, at once. */
    private static final String GC_AFTER_EVERY_DELETION = """
            [plugins."io.containerd.gc.v1.scheduler"]
              deletion_threshold = 1
              schedule_delay = "0ms"
              startup_delay = "0ms"
            """;

    private final Path dir;
    private final Path address;
    private final Process process;

    private ContainerdHarness(Path dir, Path address, Process process) {
        this.dir = dir;
        this.address = address;
        this.process = process;
    }

    /** Fails (never skips) when a binary the test needs is missing, naming the Debian package. */
    static void requireInstalled() {
        for (String[] bin : new String[][] {{CONTAINERD, "containerd"}, {CTR, "containerd"}, {"/usr/sbin/runc", "runc"},
                {"/usr/bin/containerd-shim-runc-v2", "containerd"}}) {
            if (!Files.isExecutable(Path.of(bin[0]))) {
                throw new AssertionError(bin[0] + " is missing: this test runs a real containerd; install Debian's " + bin[1]
                        + " (apt-get install containerd runc; .ci/prereqs test does this)");
            }
        }
    }

    static ContainerdHarness start(Path dir, Path snapshotterSocket) throws IOException, InterruptedException {
        return start(dir, snapshotterSocket, "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]", true);
    }

    /**
     * As {@link #start(Path, Path)}, with {@code plugins} (TOML of the config's top level, before its tables) instead of
     * the line that turns the CRI plugin off: e.g. {@link #criPlugin}; {@code gcAfterEveryDeletion} false keeps
     * containerd's own garbage-collection schedule (a node's: a deletion alone does not start a collection, a
     * synchronous one does, as {@code ctr images rm --sync}, CRI's RemoveImage and a lease deleted with {@code sync}).
     */
    static ContainerdHarness start(Path dir, Path snapshotterSocket, String plugins, boolean gcAfterEveryDeletion)
            throws IOException, InterruptedException {
        requireInstalled();
        Files.createDirectories(dir);
        Path address = dir.resolve("c.sock");
        String config = """
                version = 2
                root = "%s"
                state = "%s"
                %s
                [grpc]
                  address = "%s"
                [ttrpc]
                  address = "%s.ttrpc"
                [debug]
                  address = ""
                %s
                [proxy_plugins.layerswap]
                  type = "snapshot"
                  address = "%s"
                """.formatted(dir.resolve("root"), dir.resolve("state"), plugins, address, address,
                gcAfterEveryDeletion ? GC_AFTER_EVERY_DELETION : "", snapshotterSocket);
        Path cfg = dir.resolve("config.toml");
        Files.writeString(cfg, config);
        Process p = new ProcessBuilder(CONTAINERD, "--config", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("containerd.log").toFile()).start();
        ContainerdHarness h = new ContainerdHarness(dir, address, p);
        try {
            h.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException | AssertionError e) {
            h.close();
            throw e;
        }
        return h;
    }

    /**
     * The CRI plugin on, as a Kubernetes node runs it but for one registry: every image it pulls unpacked by the
     * {@code snapshotter} (its one snapshotter for all pulls in containerd 1.6), each layer's Prepare labelled with the
     * layer's digest ({@code disable_snapshot_annotations = false}; the unpacker adds {@code containerd.io/snapshot.ref}
     * anyway), {@code registryHost} ({@code 127.0.0.1:port}) reached over plain HTTP, CNI looked for under {@code cniDir}
     * (none there: only host-network pods could start), {@code sandboxImage} as the pods' pause image. Goes where
     * {@link #start(Path, Path, String, boolean)} wants it: before
     * the config's tables (the plugin's tables are dotted, so they may follow any other).
     */
    static String criPlugin(String snapshotter, String registryHost, Path cniDir, String sandboxImage) {
        return """
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "%s"
                  # pods keep the OOM score the node has: CRI lowers a sandbox's to -998 otherwise, which needs
                  # CAP_SYS_RESOURCE (a machine in a container may lack it: runc's init then dies before it reports)
                  restrict_oom_score_adj = true
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                [plugins."io.containerd.grpc.v1.cri".containerd]
                  snapshotter = "%s"
                  disable_snapshot_annotations = false
                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "%s"
                  conf_dir = "%s"
                [plugins."io.containerd.grpc.v1.cri".registry.mirrors."%s"]
                  endpoint = ["http://%s"]
                """.formatted(sandboxImage, snapshotter, cniDir.resolve("bin"), cniDir.resolve("conf"), registryHost, registryHost);
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("containerd exited with " + process.exitValue() + ": " + log());
            }
            if (Files.exists(address)) {
                Result r = run(List.of(CTR, "-a", address.toString(), "version"), 10);
                if (r.exit == 0) {
                    return;
                }
                last = r.output;
            }
            Thread.sleep(100);
        }
        throw new IOException("containerd did not answer within 30 s (" + last + "): " + log());
    }

    /** containerd's own gRPC socket (its snapshots service answers there for every snapshotter, by name). */
    Path address() {
        return address;
    }

    record Result(int exit, String output) {
    }

    /** Runs {@code ctr -a <socket> -n layerswap-test <args>}; fails naming the command and its output unless it exits 0. */
    String ctr(String... args) throws IOException, InterruptedException {
        return ctrIn(NAMESPACE, args);
    }

    /**
     * Waits (at most 30 s) until containerd reaches the proxy snapshotter again after LayerSwap's server restarted:
     * containerd's gRPC client to the proxy redials with a backoff, so a call right after the restart may still find
     * the old connection refused.
     */
    void awaitProxy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Result r = ctrResult("snapshots", "--snapshotter", "layerswap", "ls");
        while (r.exit != 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = ctrResult("snapshots", "--snapshotter", "layerswap", "ls");
        }
        if (r.exit != 0) {
            throw new AssertionError("containerd did not reach the proxy snapshotter again within 30 s: " + r.output);
        }
    }

    Result ctrResult(String... args) throws IOException, InterruptedException {
        return ctrResultIn(NAMESPACE, args);
    }

    /** {@link #ctrResult} in another containerd namespace (CRI's is {@code k8s.io}). */
    Result ctrResultIn(String namespace, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CTR, "-a", address.toString(), "-n", namespace));
        cmd.addAll(List.of(args));
        return run(cmd, 120);
    }

    /** {@link #ctr} in another containerd namespace. */
    String ctrIn(String namespace, String... args) throws IOException, InterruptedException {
        Result r = ctrResultIn(namespace, args);
        if (r.exit != 0) {
            throw new AssertionError("ctr -n " + namespace + " " + String.join(" ", args) + " exited " + r.exit + ": " + r.output
                    + "\ncontainerd log:\n" + log());
        }
        return r.output;
    }

    /** A timed {@code ctr} run: ms from launching it to the first output line holding the marker (-1: none), to its exit. */
    record Timed(double toMarkerMs, double toExitMs, String output) {
    }

    /**
     * Runs {@code ctr -a <socket> -n layerswap-test <args>} and times it: when its output first shows {@code marker}
     * (a function's first output line: its first instruction ran) and when it exits. Fails unless it exits 0 within
     * 300 s.
     */
    Timed ctrTimed(String marker, String... args) throws IOException, InterruptedException {
        return ctrTimedIn(NAMESPACE, marker, args);
    }

    /** {@link #ctrTimed} in another containerd namespace. */
    Timed ctrTimedIn(String namespace, String marker, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CTR, "-a", address.toString(), "-n", namespace));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        StringBuilder out = new StringBuilder();
        long atMarker = -1;
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ctr-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (atMarker < 0 && line.contains(marker)) {
                    atMarker = System.nanoTime();
                }
                out.append(line).append('\n');
            }
        }
        int exit = p.waitFor();
        long atExit = System.nanoTime();
        if (exit != 0) {
            throw new AssertionError("ctr " + String.join(" ", args) + " exited " + exit + ": " + out + "\ncontainerd log:\n" + log());
        }
        return new Timed(atMarker < 0 ? -1 : (atMarker - t0) / 1e6, (atExit - t0) / 1e6, out.toString());
    }

    private static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ctr", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s: " + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    String log() throws IOException {
        Path log = dir.resolve("containerd.log");
        if (!Files.exists(log)) {
            return "";
        }
        String s = Files.readString(log);
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }

    /** Kills containerd (TERM, then KILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

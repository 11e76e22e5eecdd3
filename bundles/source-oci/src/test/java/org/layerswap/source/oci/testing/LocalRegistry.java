package org.layerswap.source.oci.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Distribution registry (Debian's {@code docker-registry}) on 127.0.0.1:&lt;free port&gt; with a
 * temporary storage directory, optionally behind htpasswd basic auth. Required by the tests: when the
 * binary is absent {@link #start} throws an {@link AssertionError} telling what to install.
 */
public final class LocalRegistry implements AutoCloseable {

    public static final String BINARY = "/usr/bin/docker-registry";
    public static final String SKOPEO = "/usr/bin/skopeo";

    private final Process process;
    private final int port;
    private final Path storage;
    private final Path log;

    private LocalRegistry(Process process, int port, Path storage, Path log) {
        this.process = process;
        this.port = port;
        this.storage = storage;
        this.log = log;
    }

    public static void requireInstalled(String binary, String debianPackage) {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new AssertionError(binary + " is missing: these tests need a real registry and skopeo. Install them with "
                    + "`apt-get update && apt-get install -y docker-registry skopeo apache2-utils` (.ci/run does this); "
                    + "package: " + debianPackage);
        }
    }

    public static LocalRegistry start(Path workDir) throws IOException, InterruptedException {
        return start(workDir, null, null);
    }

    /** Starts a registry; with a user, it requires htpasswd basic auth (bcrypt entry made with {@code htpasswd -B}). */
    public static LocalRegistry start(Path workDir, String user, String password) throws IOException, InterruptedException {
        requireInstalled(BINARY, "docker-registry");
        Path storage = Files.createDirectories(workDir.resolve("registry-storage"));
        int port = freePort();
        StringBuilder yml = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(storage).append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append("\n  secret: layerswap-test\n");
        if (user != null) {
            requireInstalled("/usr/bin/htpasswd", "apache2-utils");
            Process h = new ProcessBuilder("/usr/bin/htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
            String line = new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!h.waitFor(30, TimeUnit.SECONDS) || h.exitValue() != 0) {
                throw new IOException("htpasswd failed: " + line);
            }
            Path htpasswd = workDir.resolve("htpasswd");
            Files.writeString(htpasswd, line + "\n");
            yml.append("auth:\n  htpasswd:\n    realm: layerswap-test\n    path: ").append(htpasswd).append('\n');
        }
        Path cfg = workDir.resolve("registry-config.yml");
        Files.writeString(cfg, yml.toString());
        Path log = workDir.resolve("registry.log");
        Process p = new ProcessBuilder(BINARY, "serve", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LocalRegistry r = new LocalRegistry(p, port, storage, log);
        try {
            r.awaitReady(Duration.ofSeconds(20));
        } catch (IOException | RuntimeException | InterruptedException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void awaitReady(Duration max) throws IOException, InterruptedException {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + max.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                int s = c.send(HttpRequest.newBuilder(URI.create(url() + "/v2/")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (s == 200 || s == 401) {
                    return;
                }
                last = "HTTP " + s;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new IOException("docker-registry on port " + port + " did not answer /v2/ within " + max + " (" + last + "): "
                + Files.readString(log));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Where the filesystem driver keeps a blob's bytes (to corrupt it in tests). */
    public Path blobData(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return storage.resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    /** Runs {@code skopeo copy oci:LAYOUT:REF docker://127.0.0.1:PORT/REPO:TAG} and returns its output. */
    public String skopeoCopy(Path layout, String ref, String repoTag, String... extraArgs) throws IOException, InterruptedException {
        requireInstalled(SKOPEO, "skopeo");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(SKOPEO, "--insecure-policy", "copy", "--quiet",
                "--dest-tls-verify=false"));
        cmd.addAll(java.util.List.of(extraArgs));
        cmd.add("oci:" + layout + ":" + ref);
        cmd.add("docker://" + hostPort() + "/" + repoTag);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("skopeo copy failed: " + out);
        }
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

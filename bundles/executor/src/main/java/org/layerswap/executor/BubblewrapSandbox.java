package org.layerswap.executor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.layerswap.api.ImageConfig;

/**
 * Runs an image's entrypoint with a composed root filesystem as {@code /}, isolated by bubblewrap.
 *
 * <p>Why bubblewrap rather than an OCI runtime (crun/runc): the root is already composed and pinned by the
 * swap manager, so all that is left is namespaces plus a handful of mounts. bubblewrap does exactly that from
 * its command line, with no per-invocation bundle directory or config.json to write and no container state
 * to clean up (crun keeps state under /run until {@code delete}); {@code --die-with-parent} and a private PID
 * namespace mean killing the bwrap process kills the whole function. A sandbox starts in about 3 ms.
 *
 * <p>Inside: the root is bind-mounted read-write (writes land in the function's private upper layer), fresh
 * {@code /proc}, a minimal {@code /dev}, a tmpfs {@code /tmp}; every namespace unshared (the network too unless
 * configured otherwise); the environment is exactly the image's plus the invocation's parameters as
 * {@code LS_PARAM_<NAME>} variables and as a JSON object on stdin.
 */
public final class BubblewrapSandbox implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxSettings settings;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "layerswap-exec-output");
        t.setDaemon(true);
        return t;
    });

    public BubblewrapSandbox(SandboxSettings settings) {
        this.settings = settings;
    }

    public SandboxSettings settings() {
        return settings;
    }

    /** "" when bubblewrap can run sandboxes here, else why not (what to install or enable). */
    public String unavailableReason() {
        if (!Files.isExecutable(settings.bwrap())) {
            return settings.bwrap() + " is missing: install Debian's bubblewrap package (apt-get install bubblewrap)";
        }
        try {
            Process p = new ProcessBuilder(probeCommand()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "bubblewrap did not finish a trivial sandbox within 10 s";
            }
            return p.exitValue() == 0 ? "" : "bubblewrap cannot create namespaces here (exit " + p.exitValue() + "): " + out;
        } catch (IOException e) {
            return "cannot start " + settings.bwrap() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing bubblewrap";
        }
    }

    /**
     * A trivial sandbox over the host's /usr only: binding all of / would copy every host mount, and one that
     * vanishes meanwhile (another function's superseded root) fails the probe for no real reason.
     */
    private List<String> probeCommand() {
        List<String> argv = new ArrayList<>(List.of(settings.bwrap().toString(), "--unshare-all", "--die-with-parent",
                "--ro-bind", "/usr", "/usr"));
        for (String d : List.of("/bin", "/lib", "/lib64", "/sbin")) {
            Path p = Path.of(d);
            try {
                if (Files.isSymbolicLink(p)) {
                    argv.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), d));
                } else if (Files.isDirectory(p)) {
                    argv.addAll(List.of("--ro-bind", d, d));
                }
            } catch (IOException e) {
                // unreadable link: the probe then says what failed
            }
        }
        argv.addAll(List.of("--", "/usr/bin/true"));
        return argv;
    }

    /** The command line for one execution (visible for tests). */
    public List<String> command(String functionId, Path root, ImageConfig config, Map<String, String> params) {
        List<String> argv = new ArrayList<>();
        argv.add(settings.bwrap().toString());
        argv.addAll(List.of("--bind", root.toString(), "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--unshare-all"));
        if (!settings.isolateNetwork()) {
            argv.add("--share-net");
        }
        argv.addAll(List.of("--die-with-parent", "--new-session", "--hostname", hostname(functionId), "--clearenv"));
        for (Map.Entry<String, String> e : environment(functionId, config, params).entrySet()) {
            argv.addAll(List.of("--setenv", e.getKey(), e.getValue()));
        }
        argv.addAll(List.of("--chdir", config.workingDir(), "--"));
        argv.addAll(config.entrypoint());
        argv.addAll(config.cmd());
        return argv;
    }

    /** The image's environment, PATH defaulted as container runtimes do, plus the invocation's parameters. */
    static Map<String, String> environment(String functionId, ImageConfig config, Map<String, String> params) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String kv : config.env()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        env.put("LS_FUNCTION", functionId);
        for (Map.Entry<String, String> p : params.entrySet()) {
            env.put("LS_PARAM_" + envName(p.getKey()), p.getValue());
        }
        return env;
    }

    /** A parameter name as an environment variable name: upper case, anything but [A-Z0-9_] as '_'. */
    static String envName(String param) {
        StringBuilder b = new StringBuilder(param.length());
        for (char c : param.toUpperCase(Locale.ROOT).toCharArray()) {
            b.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return b.toString();
    }

    private static String hostname(String functionId) {
        String h = functionId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return h.isEmpty() ? "function" : h.substring(0, Math.min(63, h.length()));
    }

    /** Runs one execution and waits for it, at most the configured timeout. Never throws for the function's failures. */
    public SandboxRun run(String functionId, Path root, ImageConfig config, Map<String, String> params) {
        if (config.entrypoint().isEmpty() && config.cmd().isEmpty()) {
            return new SandboxRun(-1, false, "", "", false, 0, 0,
                    "the image of " + functionId + " has neither an entrypoint nor a cmd: nothing to run");
        }
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(command(functionId, root, config, params)).start();
        } catch (IOException e) {
            return new SandboxRun(-1, false, "", "", false, 0, 0, "cannot start " + settings.bwrap() + ": " + e.getMessage());
        }
        AtomicLong firstByte = new AtomicLong(-1);
        Future<Capture> out = pumps.submit(() -> capture(p.getInputStream(), firstByte));
        Future<Capture> err = pumps.submit(() -> capture(p.getErrorStream(), firstByte));
        writeParams(p.getOutputStream(), params);
        boolean exited;
        try {
            exited = p.waitFor(settings.timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        long end = System.nanoTime();
        if (!exited) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        Capture o = collect(out);
        Capture e = collect(err);
        long first = firstByte.get() < 0 ? end : Math.min(firstByte.get(), end);
        return new SandboxRun(exited ? p.exitValue() : -1, !exited, o.text(), e.text(), o.truncated() || e.truncated(),
                (first - t0) / 1000, (end - first) / 1000, "");
    }

    private record Capture(String text, boolean truncated) {
    }

    private Capture capture(InputStream in, AtomicLong firstByte) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean truncated = false;
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                firstByte.compareAndSet(-1, System.nanoTime());
                int room = settings.maxOutputBytes() - kept.size();
                if (n > room) {
                    truncated = true; // keep draining so the function never blocks on a full pipe
                }
                kept.write(buf, 0, Math.max(0, Math.min(n, room)));
            }
        }
        return new Capture(kept.toString(StandardCharsets.UTF_8), truncated);
    }

    private static Capture collect(Future<Capture> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            f.cancel(true);
            return new Capture("", true);
        }
    }

    /** The invocation's parameters as one line of JSON (an object, keys sorted) on the function's stdin. */
    private static void writeParams(OutputStream stdin, Map<String, String> params) {
        try (stdin) {
            stdin.write(JSON.writeValueAsBytes(new TreeMap<>(params)));
            stdin.write('\n');
        } catch (IOException e) {
            // the function closed stdin without reading it: its choice
        }
    }

    @Override
    public void close() {
        pumps.shutdownNow();
    }
}

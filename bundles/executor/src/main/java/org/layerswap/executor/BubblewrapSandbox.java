package org.layerswap.executor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * Runs an image's entrypoint with a composed root filesystem as {@code /}, isolated by bubblewrap, as an
 * unprivileged user without capabilities, under a seccomp filter and inside its own cgroup.
 *
 * <p>Why bubblewrap rather than an OCI runtime (crun/runc): the root is already composed and pinned by the
 * swap manager, so all that is left is namespaces plus a handful of mounts. bubblewrap does exactly that from
 * its command line, with no per-invocation bundle directory or config.json to write and no container state
 * to clean up; {@code --die-with-parent} and a private PID namespace mean killing the bwrap process kills the
 * whole function. A sandbox starts in a few ms.
 *
 * <p>Inside (the appliance runs as root, so each of these stands between a hostile image and the host):
 * <ul>
 *   <li>a new user namespace ({@code --unshare-user}, required: see {@link SandboxProbe}) in which the function
 *       runs as {@link SandboxSettings#uid()}/{@link SandboxSettings#gid()} (default 65534) with every
 *       capability dropped ({@code --cap-drop ALL}), and cannot make further user namespaces
 *       ({@code --disable-userns} and the seccomp filter);</li>
 *   <li>new pid, ipc, uts, cgroup and (unless configured otherwise) network namespaces; {@code --new-session}
 *       (no TIOCSTI into the caller's terminal); {@code --die-with-parent};</li>
 *   <li>the {@link SeccompFilter} ({@code --seccomp}): mount, ptrace, keyctl, bpf, userfaultfd, module loading,
 *       new namespaces and other escape syscalls fail with EPERM; foreign architectures are killed;</li>
 *   <li>its own {@link Cgroup} with memory, pids and CPU limits ({@link SandboxLimits}), joined by the
 *       launcher before bubblewrap starts ({@link SandboxProcess}); a run that hits the memory or pids limit is
 *       ended and reported as such; the group is removed after every run;</li>
 *   <li>bubblewrap itself runs as the unprivileged {@link SandboxSettings#sandboxHostUid()} (not root), so the function's
 *       uid maps onto that host user and every file it writes is that user's; a run whose root file system is
 *       full (the invocation's bounded upper, {@link RootSpace}) is ended and reported as {@code DISK};</li>
 *   <li>the root bind-mounted read-write (writes land in the function's private upper layer), fresh
 *       {@code /proc}, a minimal {@code /dev}, a size-limited tmpfs {@code /tmp}; the environment is exactly the
 *       image's plus the invocation's parameters as {@code LS_PARAM_<NAME>} variables and as a JSON object on
 *       stdin (written by its own thread, within the timeout).</li>
 * </ul>
 */
public final class BubblewrapSandbox implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often a running sandbox's cgroup is checked for a limit hit. */
    private static final long POLL_MILLIS = 20;

    private volatile SandboxSettings settings;
    private final Cgroups cgroups;
    /** JVM-wide, so that two sandboxes of one JVM (a reconfigured executor, tests) never name a group alike. */
    private static final AtomicLong RUNS = new AtomicLong();
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "layerswap-exec-io");
        t.setDaemon(true);
        return t;
    });
    private Path filterDir;
    private Path filter;

    public BubblewrapSandbox(SandboxSettings settings) {
        this(settings, Cgroups.host());
    }

    public BubblewrapSandbox(SandboxSettings settings, Cgroups cgroups) {
        this.settings = settings;
        this.cgroups = cgroups;
    }

    public SandboxSettings settings() {
        return settings;
    }

    /** New settings for the runs that start from now on (runs in progress keep theirs). */
    public void update(SandboxSettings newSettings) {
        this.settings = java.util.Objects.requireNonNull(newSettings);
    }

    /** The seccomp program in a root-only file (the launcher opens it as fd 3), written once. */
    synchronized Path seccompFilter() throws IOException {
        if (filter == null) {
            filterDir = Files.createTempDirectory("layerswap-sandbox-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            filter = Files.write(filterDir.resolve("seccomp.bpf"), SeccompFilter.program());
        }
        return filter;
    }

    /**
     * "" when sandboxes can run here, else why not (what to install or which kernel setting to change). Runs a
     * trivial sandbox with every restriction a function gets, within {@link SandboxSettings#probeTimeoutMillis()}.
     */
    public String unavailableReason() {
        return new SandboxProbe(this, cgroups, pumps).unavailableReason();
    }

    Cgroups cgroups() {
        return cgroups;
    }

    /** A name for one run's cgroup, unique on this host while this JVM lives. */
    String cgroupName(String kind) {
        return kind + "-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
    }

    /** What every sandbox gets, whatever it runs: namespaces, uid/gid, capabilities, seccomp. */
    List<String> isolation() {
        List<String> argv = new ArrayList<>(List.of("--unshare-user", "--uid", Integer.toString(settings.uid()),
                "--gid", Integer.toString(settings.gid()), "--disable-userns", "--unshare-pid", "--unshare-ipc",
                "--unshare-uts", "--unshare-cgroup"));
        if (settings.isolateNetwork()) {
            argv.add("--unshare-net");
        }
        argv.addAll(List.of("--cap-drop", "ALL", "--die-with-parent", "--new-session",
                "--seccomp", Integer.toString(SandboxProcess.SECCOMP_FD)));
        return argv;
    }

    /** The bubblewrap command line for one execution (visible for tests). */
    public List<String> command(String functionId, Path root, ImageConfig config, Map<String, String> params) {
        List<String> argv = new ArrayList<>();
        argv.add(settings.bwrap().toString());
        argv.addAll(List.of("--bind", root.toString(), "/", "--proc", "/proc", "--dev", "/dev",
                "--size", Long.toString(settings.limitsFor(functionId).tmpfsBytes()), "--tmpfs", "/tmp"));
        argv.addAll(isolation());
        argv.addAll(List.of("--hostname", hostname(functionId), "--clearenv"));
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

    /**
     * Runs one execution in its own cgroup and waits for it: at most the configured timeout, less when it hits a
     * cgroup limit. Never throws for the function's failures; the cgroup is gone when this returns.
     */
    public SandboxRun run(String functionId, Path root, ImageConfig config, Map<String, String> params) {
        if (config.entrypoint().isEmpty() && config.cmd().isEmpty()) {
            return SandboxRun.notStarted("the image of " + functionId + " has neither an entrypoint nor a cmd: nothing to run");
        }
        SandboxSettings s = settings;
        Path rebind = SandboxReach.reachable(root, s.sandboxHostUid(), s.sandboxHostGid()) ? null : root;
        if (rebind != null) {
            try {
                Files.createDirectories(SandboxProcess.REBOUND_ROOT);
            } catch (IOException e) {
                return SandboxRun.notStarted("the sandbox user cannot reach " + root + " by its path and "
                        + SandboxProcess.REBOUND_ROOT + " cannot be made to bind it at: " + e.getMessage());
            }
        }
        List<String> bwrapArgv = command(functionId, rebind == null ? root : SandboxProcess.REBOUND_ROOT, config, params);
        try (Cgroup cgroup = cgroups.create(cgroupName("run"), s.limitsFor(functionId))) {
            return run(cgroup, RootSpace.of(root), rebind, bwrapArgv, params, s);
        } catch (IOException e) {
            return SandboxRun.notStarted("cannot create the sandbox's cgroup: " + e.getMessage());
        }
    }

    private SandboxRun run(Cgroup cgroup, RootSpace space, Path rebind, List<String> bwrapArgv, Map<String, String> params,
            SandboxSettings s) throws IOException {
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(SandboxProcess.launcher(seccompFilter(), rebind, cgroup.procsFiles(), s.sandboxHostUid(),
                    s.sandboxHostGid(), bwrapArgv)).start();
        } catch (IOException e) {
            return SandboxRun.notStarted("cannot start " + settings.bwrap() + ": " + e.getMessage());
        }
        AtomicLong firstByte = new AtomicLong(-1);
        Future<Capture> out = pumps.submit(() -> capture(p.getInputStream(), firstByte));
        Future<Capture> err = pumps.submit(() -> capture(p.getErrorStream(), firstByte));
        // its own thread: a function that never reads stdin must not hold this slot past the timeout
        pumps.submit(() -> writeParams(p.getOutputStream(), params));
        Ended ended = await(p, cgroup, space, t0 + s.timeoutMillis() * 1_000_000);
        long end = System.nanoTime();
        if (ended != Ended.EXITED) {
            p.destroyForcibly(); // bwrap's death takes its pid namespace with it (--die-with-parent)
            cgroup.killAll();
        }
        Cgroup.LimitHit limit = limitHit(cgroup, space); // also after an exit: the OOM killer may have ended it
        Capture o = collect(out);
        Capture e = collect(err);
        long first = firstByte.get() < 0 ? end : Math.min(firstByte.get(), end);
        return new SandboxRun(ended == Ended.EXITED ? p.exitValue() : -1, ended == Ended.TIMED_OUT, o.text(), e.text(),
                o.truncated() || e.truncated(), (first - t0) / 1000, (end - first) / 1000, "", limit);
    }

    private enum Ended { EXITED, TIMED_OUT, LIMIT }

    /** A cgroup limit, else DISK when the root's file system is full, else NONE. */
    private static Cgroup.LimitHit limitHit(Cgroup cgroup, RootSpace space) {
        Cgroup.LimitHit hit = cgroup.limitHit();
        return hit == Cgroup.LimitHit.NONE && space.full() ? Cgroup.LimitHit.DISK : hit;
    }

    /** Waits for the exit, the deadline, a cgroup limit hit or a full root, whichever comes first. */
    private static Ended await(Process p, Cgroup cgroup, RootSpace space, long deadlineNanos) {
        try {
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return p.isAlive() ? Ended.TIMED_OUT : Ended.EXITED;
                }
                if (p.waitFor(Math.min(left, POLL_MILLIS * 1_000_000), TimeUnit.NANOSECONDS)) {
                    return Ended.EXITED;
                }
                if (limitHit(cgroup, space) != Cgroup.LimitHit.NONE) {
                    return Ended.LIMIT;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Ended.TIMED_OUT;
        }
    }

    record Capture(String text, boolean truncated) {
    }

    Capture capture(InputStream in, AtomicLong firstByte) throws IOException {
        return capture(in, firstByte, settings.maxOutputBytes());
    }

    /** Reads a stream to its end, keeping its first {@code limit} bytes. */
    static Capture capture(InputStream in, AtomicLong firstByte, int limit) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean truncated = false;
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                firstByte.compareAndSet(-1, System.nanoTime());
                int room = limit - kept.size();
                if (n > room) {
                    truncated = true; // keep draining so the function never blocks on a full pipe
                }
                kept.write(buf, 0, Math.max(0, Math.min(n, room)));
            }
        }
        return new Capture(kept.toString(StandardCharsets.UTF_8), truncated);
    }

    static Capture collect(Future<Capture> f) {
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
    public synchronized void close() {
        pumps.shutdownNow();
        try {
            if (filter != null) {
                Files.deleteIfExists(filter);
                Files.deleteIfExists(filterDir);
            }
        } catch (IOException e) {
            // a leftover root-only temporary file: harmless
        }
    }
}

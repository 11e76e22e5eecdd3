package org.layerswap.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checked once at activation: can sandboxes run here with every restriction a function gets? The answer is ""
 * or what to install or which kernel setting to change; the executor refuses to run functions otherwise (it
 * never falls back to a weaker sandbox). The trial sandbox is killed at {@link SandboxSettings#probeTimeoutMillis()}.
 */
final class SandboxProbe {

    static final Path PROC_SYS = Path.of("/proc/sys");

    private final BubblewrapSandbox sandbox;
    private final Cgroups cgroups;
    private final ExecutorService pumps;

    SandboxProbe(BubblewrapSandbox sandbox, Cgroups cgroups, ExecutorService pumps) {
        this.sandbox = sandbox;
        this.cgroups = cgroups;
        this.pumps = pumps;
    }

    String unavailableReason() {
        SandboxSettings s = sandbox.settings();
        if (!Files.isExecutable(s.bwrap())) {
            return s.bwrap() + " is missing: install Debian's bubblewrap package (apt-get install bubblewrap)";
        }
        if (!Files.isExecutable(SandboxProcess.SETPRIV)) {
            return SandboxProcess.SETPRIV + " is missing: bubblewrap is started as an unprivileged user through util-linux's setpriv";
        }
        if (!Files.isExecutable(SandboxProcess.SH)) {
            return SandboxProcess.SH + " is missing: the sandbox launcher needs a POSIX shell";
        }
        if (!cgroups.unavailableReason().isEmpty()) {
            return cgroups.unavailableReason();
        }
        String userns = userNamespaceProblem(PROC_SYS);
        if (!userns.isEmpty()) {
            return userns;
        }
        cgroups.removeStale();
        try (Cgroup cgroup = cgroups.create(sandbox.cgroupName("probe"), SandboxLimits.defaults())) {
            return trial(cgroup);
        } catch (IOException e) {
            return "cannot create a sandbox cgroup: " + e.getMessage();
        }
    }

    /** "" unless the kernel settings under {@code procSys} forbid user namespaces; then which one to change. */
    static String userNamespaceProblem(Path procSys) {
        if (read(procSys.resolve("user/max_user_namespaces")).equals("0")) {
            return "user namespaces are disabled (sysctl user.max_user_namespaces = 0): functions run only inside a user "
                    + "namespace; set user.max_user_namespaces to a positive value (e.g. in /etc/sysctl.d/)";
        }
        return "";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private String trial(Cgroup cgroup) throws IOException {
        SandboxSettings s = sandbox.settings();
        Process p;
        try {
            p = new ProcessBuilder(SandboxProcess.launcher(sandbox.seccompFilter(), cgroup.procsFiles(), s.sandboxHostUid(), s.sandboxHostGid(),
                    command()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return "cannot start " + s.bwrap() + ": " + e.getMessage();
        }
        p.getOutputStream().close();
        Future<BubblewrapSandbox.Capture> out = pumps.submit(() -> BubblewrapSandbox.capture(p.getInputStream(), new AtomicLong(), 4096));
        boolean exited;
        try {
            exited = p.waitFor(s.probeTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            p.destroyForcibly();
            cgroup.killAll();
            BubblewrapSandbox.collect(out);
            return "bubblewrap did not finish a trivial sandbox within " + s.probeTimeoutMillis() + " ms";
        }
        String text = BubblewrapSandbox.collect(out).text().trim();
        if (p.exitValue() == 0) {
            return "";
        }
        String why = "bubblewrap cannot create the sandbox (exit " + p.exitValue() + "): " + text;
        if (text.contains("namespace") || text.contains("uid map") || text.contains("Operation not permitted")) {
            why += " — functions run only in a user namespace: check sysctl user.max_user_namespaces (> 0) and, on kernels "
                    + "that have it, kernel.unprivileged_userns_clone (= 1)";
        }
        return why;
    }

    /**
     * A trivial sandbox over the host's /usr only, with the functions' isolation: binding all of / would copy
     * every host mount, and one that vanishes meanwhile (another function's superseded root) fails the probe for
     * no real reason.
     */
    private List<String> command() {
        List<String> argv = new ArrayList<>(List.of(sandbox.settings().bwrap().toString(), "--ro-bind", "/usr", "/usr",
                "--proc", "/proc"));
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
        argv.addAll(sandbox.isolation());
        argv.addAll(List.of("--", "/usr/bin/true"));
        return argv;
    }
}

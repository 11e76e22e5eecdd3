package org.layerswap.executor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host-side launcher of a sandbox: {@code /bin/sh} (root) writes its own pid into the sandbox's cgroup (every
 * hierarchy), opens the seccomp program on fd 3 and execs {@code setpriv}, which drops to the unprivileged host
 * user ({@link SandboxSettings#sandboxHostUid()}, no supplementary groups, no capabilities) and execs bubblewrap. So
 * bubblewrap, and everything the function starts, is inside the cgroup before the function's first instruction,
 * bwrap's {@code --seccomp 3} finds the filter (opened by root from a root-only file), and bubblewrap itself is
 * not root: its user namespace maps the function's uid onto that host user, so nothing the function writes is
 * root's on the host. A failed cgroup write ends the launcher with status 125 before bubblewrap runs.
 * <p>bubblewrap resolves the root it binds by its path, as the host user: a root below a directory that user cannot
 * pass (an operator's 0700 home or temporary folder) is first bound by root at {@link #REBOUND_ROOT} inside a
 * private mount namespace of the launcher ({@code unshare --mount}), and bubblewrap binds it from there. The binding
 * lives and dies with that namespace: nothing is mounted on the host.
 */
final class SandboxProcess {

    static final Path SH = Path.of("/bin/sh");
    /** util-linux's setpriv. */
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    /** util-linux's unshare and mount, for a root the host user cannot reach by its path. */
    static final Path UNSHARE = Path.of("/usr/bin/unshare");
    static final Path MOUNT = Path.of("/usr/bin/mount");
    /** Where such a root appears in the launcher's private mount namespace (an empty directory on the host). */
    static final Path REBOUND_ROOT = Path.of("/run/layerswap/sandbox-root");
    static final int LAUNCH_FAILED = 125;
    static final int SECCOMP_FD = 3;

    private static final String SCRIPT = "f=$1; r=$2; n=$3; shift 3; "
            + "while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit " + LAUNCH_FAILED + "; shift; n=$((n-1)); done; "
            + "if [ -n \"$r\" ]; then " + MOUNT + " --bind \"$r\" " + REBOUND_ROOT + " || exit " + LAUNCH_FAILED + "; fi; "
            + "exec \"$@\" " + SECCOMP_FD + "<\"$f\"";

    private SandboxProcess() {
    }

    /** The launcher's command line around a bubblewrap command line, bubblewrap running as {@code hostUid:hostGid}. */
    static List<String> launcher(Path seccompFilter, List<Path> cgroupProcs, int hostUid, int hostGid, List<String> bwrapArgv) {
        return launcher(seccompFilter, null, cgroupProcs, hostUid, hostGid, bwrapArgv);
    }

    /**
     * As {@link #launcher(Path, List, int, int, List)}, first binding {@code rebind} (when not null) at
     * {@link #REBOUND_ROOT} in a private mount namespace; {@code bwrapArgv} then binds {@link #REBOUND_ROOT}.
     */
    static List<String> launcher(Path seccompFilter, Path rebind, List<Path> cgroupProcs, int hostUid, int hostGid,
            List<String> bwrapArgv) {
        List<String> argv = new ArrayList<>();
        if (rebind != null) {
            argv.addAll(List.of(UNSHARE.toString(), "--mount", "--propagation", "private"));
        }
        argv.addAll(List.of(SH.toString(), "-c", SCRIPT, "layerswap-sandbox", seccompFilter.toString(),
                rebind == null ? "" : rebind.toString(), Integer.toString(cgroupProcs.size())));
        cgroupProcs.forEach(p -> argv.add(p.toString()));
        argv.addAll(List.of(SETPRIV.toString(), "--reuid=" + hostUid, "--regid=" + hostGid, "--clear-groups",
                "--inh-caps=-all", "--"));
        argv.addAll(bwrapArgv);
        return argv;
    }
}

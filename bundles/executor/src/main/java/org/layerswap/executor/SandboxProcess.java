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
 */
final class SandboxProcess {

    static final Path SH = Path.of("/bin/sh");
    /** util-linux's setpriv. */
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    static final int LAUNCH_FAILED = 125;
    static final int SECCOMP_FD = 3;

    private static final String SCRIPT = "f=$1; n=$2; shift 2; "
            + "while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit " + LAUNCH_FAILED + "; shift; n=$((n-1)); done; "
            + "exec \"$@\" " + SECCOMP_FD + "<\"$f\"";

    private SandboxProcess() {
    }

    /** The launcher's command line around a bubblewrap command line, bubblewrap running as {@code hostUid:hostGid}. */
    static List<String> launcher(Path seccompFilter, List<Path> cgroupProcs, int hostUid, int hostGid, List<String> bwrapArgv) {
        List<String> argv = new ArrayList<>(List.of(SH.toString(), "-c", SCRIPT, "layerswap-sandbox", seccompFilter.toString(),
                Integer.toString(cgroupProcs.size())));
        cgroupProcs.forEach(p -> argv.add(p.toString()));
        argv.addAll(List.of(SETPRIV.toString(), "--reuid=" + hostUid, "--regid=" + hostGid, "--clear-groups",
                "--inh-caps=-all", "--"));
        argv.addAll(bwrapArgv);
        return argv;
    }
}

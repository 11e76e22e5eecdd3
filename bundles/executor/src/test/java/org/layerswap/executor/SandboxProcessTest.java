package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher joins every cgroup before it execs the command, and hands it the filter on fd 3. */
class SandboxProcessTest {

    @TempDir
    Path dir;

    private static Process start(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).start();
        p.getOutputStream().close();
        return p;
    }

    @Test
    void theLauncherWritesItsPidIntoEachGroupThenExecsAsTheHostUserWithTheFilterOnFd3() throws Exception {
        Path filter = Files.writeString(dir.resolve("filter"), "BPF");
        Path a = Files.createFile(dir.resolve("a.procs"));
        Path b = Files.createFile(dir.resolve("b.procs"));
        Process p = start(SandboxProcess.launcher(filter, List.of(a, b), 4242, 4343,
                List.of("/bin/sh", "-c", "echo $$; cat <&3; echo; id -u; id -G; grep CapEff /proc/self/status")));
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor());
        String pid = Long.toString(p.pid());
        assertEquals(List.of(pid, "BPF", "4242", "4343", "CapEff:\t0000000000000000"), out,
                "exec keeps the launcher's pid; fd 3 reads the root-only filter; the command runs as the host user, no root");
        assertEquals(pid + "\n", Files.readString(a));
        assertEquals(pid + "\n", Files.readString(b));
    }

    @Test
    void aGroupThatCannotBeJoinedStopsTheLaunchBeforeTheCommandRuns() throws Exception {
        Path filter = Files.writeString(dir.resolve("filter"), "BPF");
        Path ran = dir.resolve("ran");
        Process p = start(SandboxProcess.launcher(filter, List.of(dir.resolve("no/such/group/cgroup.procs")), 65534, 65534,
                List.of("/bin/sh", "-c", "echo yes > " + ran)));
        p.getInputStream().readAllBytes();
        assertEquals(SandboxProcess.LAUNCH_FAILED, p.waitFor());
        assertEquals(false, Files.exists(ran));
    }
}

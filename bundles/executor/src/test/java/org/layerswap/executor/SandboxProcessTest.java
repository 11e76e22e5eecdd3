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
    void theLauncherWritesItsPidIntoEachGroupThenExecsWithTheFilterOnFd3() throws Exception {
        Path filter = Files.writeString(dir.resolve("filter"), "BPF");
        Path a = Files.createFile(dir.resolve("a.procs"));
        Path b = Files.createFile(dir.resolve("b.procs"));
        Process p = start(SandboxProcess.launcher(filter, List.of(a, b), List.of("/bin/sh", "-c", "echo $$; cat <&3")));
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor());
        String pid = Long.toString(p.pid());
        assertEquals(List.of(pid, "BPF"), out, "exec keeps the launcher's pid; fd 3 reads the filter");
        assertEquals(pid + "\n", Files.readString(a));
        assertEquals(pid + "\n", Files.readString(b));
    }

    @Test
    void aGroupThatCannotBeJoinedStopsTheLaunchBeforeTheCommandRuns() throws Exception {
        Path filter = Files.writeString(dir.resolve("filter"), "BPF");
        Path ran = dir.resolve("ran");
        Process p = start(SandboxProcess.launcher(filter, List.of(dir.resolve("no/such/group/cgroup.procs")),
                List.of("/bin/sh", "-c", "echo yes > " + ran)));
        p.getInputStream().readAllBytes();
        assertEquals(SandboxProcess.LAUNCH_FAILED, p.waitFor());
        assertEquals(false, Files.exists(ran));
    }
}

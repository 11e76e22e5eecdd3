package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxProbeTest {

    @TempDir
    Path dir;

    /** bubblewrap runs as the unprivileged host user: a fake one must be reachable and executable by it. */
    private void executableByTheHostUser(Path fake) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theProbePassesHereWithEveryRestrictionAFunctionGets() {
        TestRoots.requireTools();
        try (BubblewrapSandbox s = new BubblewrapSandbox(new SandboxSettings(TestRoots.BWRAP, true, 1000, 10))) {
            assertEquals("", s.unavailableReason());
        }
        assertEquals(java.util.List.of(), SandboxHardeningTest.leftoverCgroups());
    }

    @Test
    void aHangingBubblewrapFailsTheProbeAtItsTimeout() throws IOException {
        Path fake = Files.writeString(dir.resolve("bwrap"), "#!/bin/sh\nexec sleep 38.25\n");
        executableByTheHostUser(fake);
        try (BubblewrapSandbox s = new BubblewrapSandbox(new SandboxSettings(fake, true, 1000, 10).withProbeTimeoutMillis(300))) {
            String reason = assertTimeoutPreemptively(Duration.ofSeconds(8), s::unavailableReason);
            assertEquals("bubblewrap did not finish a trivial sandbox within 300 ms", reason);
        }
        assertEquals(java.util.List.of(), SandboxHardeningTest.leftoverCgroups(), "the hung probe's cgroup is removed too");
    }

    @Test
    void disabledUserNamespacesAreNamedByTheirKernelSetting() throws IOException {
        Files.createDirectories(dir.resolve("user"));
        Files.writeString(dir.resolve("user/max_user_namespaces"), "0\n");
        String reason = SandboxProbe.userNamespaceProblem(dir);
        assertTrue(reason.startsWith("user namespaces are disabled (sysctl user.max_user_namespaces = 0)"), reason);
        Files.writeString(dir.resolve("user/max_user_namespaces"), "15000\n");
        assertEquals("", SandboxProbe.userNamespaceProblem(dir));
    }

    @Test
    void aBubblewrapThatCannotMakeTheSandboxIsReportedWithItsOutput() throws IOException {
        Path fake = Files.writeString(dir.resolve("bwrap"), "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n");
        executableByTheHostUser(fake);
        try (BubblewrapSandbox s = new BubblewrapSandbox(new SandboxSettings(fake, true, 1000, 10))) {
            String reason = s.unavailableReason();
            assertTrue(reason.startsWith("bubblewrap cannot create the sandbox (exit 1): bwrap: No permissions to creating new namespace"),
                    reason);
            assertTrue(reason.contains("user.max_user_namespaces") && reason.contains("kernel.unprivileged_userns_clone"), reason);
        }
    }
}

package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether the sandbox's host user can walk to a root by its path (root-only: chown). */
class SandboxReachTest {

    @TempDir
    Path dir;

    @Test
    void eachDirectoryIsJudgedByTheBitsOfTheClassTheUserFallsIn() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a/b"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(dir.resolve("a"), PosixFilePermissions.fromString("rwx--x--x"));
        assertTrue(SandboxReach.reachable(a, 4242, 4343), "others may search every directory");

        Files.setPosixFilePermissions(dir.resolve("a"), PosixFilePermissions.fromString("rwx--x---"));
        assertFalse(SandboxReach.reachable(a, 4242, 4343), "a 0710 directory of another group stops the user");
        Files.setAttribute(dir.resolve("a"), "unix:gid", 4343);
        assertTrue(SandboxReach.reachable(a, 4242, 4343), "the group's x lets it through");

        Files.setAttribute(dir.resolve("a"), "unix:uid", 4242);
        Files.setPosixFilePermissions(dir.resolve("a"), PosixFilePermissions.fromString("---rwxrwx"));
        assertFalse(SandboxReach.reachable(a, 4242, 4343), "the owner gets the owner's bits only, as in the kernel");
    }

    @Test
    void aPrivateFolderAboveStopsTheUserAndAMissingPathIsNotReachable() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertFalse(SandboxReach.reachable(Files.createDirectories(dir.resolve("x")), 65534, 65534));
        assertFalse(SandboxReach.reachable(dir.resolve("missing"), 65534, 65534));
    }
}

package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.RootLease;
import org.layerswap.fs.common.SandboxAccess;
import org.layerswap.fs.overlay.OverlayBackend;
import org.layerswap.fs.overlay.UpperLimits;

/**
 * bubblewrap runs as an unprivileged host user (root-only test: real overlay mounts, real sandboxes). On the sandbox
 * that bubblewrap started as root, the function's uid mapped onto root: everything it wrote was root's on the host.
 */
class SandboxHostUserTest {

    private static final int HOST_UID = 4242;
    private static final int HOST_GID = 4343;

    @TempDir
    Path dir;

    private static int uid(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue();
    }

    @Test
    void filesAFunctionWritesAreOwnedByTheUnprivilegedHostUserAndLayerFilesStayUnwritable() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        runAsTheHostUser();
    }

    @Test
    void aBackendRootBelowAFolderTheSandboxUserCannotPassIsServedAllTheSame() throws IOException {
        // dir is the test's 0700 temporary directory, owned by root: an operator's private folder
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        runAsTheHostUser();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), "left as it was");
    }

    private void runAsTheHostUser() throws IOException {
        Path layer = TestRoots.busyboxRoot(Files.createDirectories(dir.resolve("layers")).resolve("base"));
        Files.setAttribute(layer, "unix:uid", 0); // an image's '/' is root's
        Files.setAttribute(layer, "unix:gid", 0);
        TestRoots.script(layer, """
                echo mine > /mine
                mkdir /made && echo in > /made/file
                echo x >> /bin/busybox; echo "busybox $?"
                echo x > /fn/dropped; echo "fn $?"
                id -u
                """);
        byte[] busybox = Files.readAllBytes(layer.resolve("bin/busybox"));
        BubblewrapSandbox sandbox = new BubblewrapSandbox(new SandboxSettings(TestRoots.BWRAP, true, 20_000, 64 * 1024)
                .withHostUser(HOST_UID, HOST_GID));
        try (sandbox; OverlayBackend backend = new OverlayBackend(dir.resolve("fs"), 0, Set.of(), UpperLimits.defaults(),
                new SandboxAccess(HOST_UID, HOST_GID))) {
            assertEquals("", sandbox.unavailableReason());
            assertEquals("", backend.unavailableReason());
            backend.compose("fn", List.of(layer));
            try (RootLease lease = backend.enter("fn")) {
                SandboxRun r = sandbox.run("fn", lease.root(), BubblewrapSandboxTest.HANDLER, Map.of());
                assertEquals(0, r.exitCode(), r.toString());
                List<String> out = r.stdout().lines().toList();
                assertTrue(out.get(0).startsWith("busybox ") && !out.get(0).equals("busybox 0"), "a layer file is not writable: " + out);
                assertTrue(out.get(1).startsWith("fn ") && !out.get(1).equals("fn 0"), "nor a layer's root-owned directory: " + out);
                assertEquals("65534", out.get(2), "inside, the function is still nobody");
                Path root = lease.root();
                assertEquals(HOST_UID, uid(root.resolve("mine")), "on the host, its file is the sandbox user's, not root's");
                assertEquals(HOST_UID, uid(root.resolve("made")));
                assertEquals(HOST_UID, uid(root.resolve("made/file")));
                assertEquals(HOST_UID, uid(root), "its '/' is its own");
                assertFalse(Files.exists(root.resolve("fn/dropped")));
            }
        }
        assertTrue(java.util.Arrays.equals(busybox, Files.readAllBytes(layer.resolve("bin/busybox"))), "the layer file is unchanged");
        assertEquals(0, uid(layer.resolve("bin/busybox")));
    }

    @Test
    void theBackendsDirectoriesLetOnlyTheSandboxGroupThrough() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path layer = TestRoots.busyboxRoot(Files.createDirectories(dir.resolve("layers")).resolve("base"));
        try (OverlayBackend backend = new OverlayBackend(dir.resolve("fs"), 0, Set.of(), UpperLimits.defaults(),
                new SandboxAccess(HOST_UID, HOST_GID))) {
            backend.compose("fn", List.of(layer));
            try (RootLease lease = backend.enter("fn")) {
                Path inv = lease.root().getParent();
                for (Path d = inv.getParent(); !d.equals(dir); d = d.getParent()) {
                    assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
                    assertEquals(0, uid(d), d.toString());
                    assertEquals(HOST_GID, ((Number) Files.getAttribute(d, "unix:gid")).intValue(), d.toString());
                }
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(inv)), "the invocation's tmpfs");
                assertEquals(HOST_UID, uid(inv));
            }
        }
    }
}

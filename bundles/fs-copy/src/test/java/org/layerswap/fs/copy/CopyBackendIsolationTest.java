package org.layerswap.fs.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.RootLease;
import org.layerswap.fs.common.SandboxAccess;
import org.layerswap.fs.copy.internal.CopyBackendComponent;
import org.layerswap.nativeio.NativeIO;

/** What a hostile function must not get through a copy-farm root: shared layer files, other functions' writes, setuid, devices. */
class CopyBackendIsolationTest {

    private static final int OTHER_UID = 12345;

    @TempDir
    Path dir;

    private static boolean defaultLinkFiles() throws NoSuchMethodException {
        return (Boolean) CopyBackendComponent.Config.class.getMethod("linkFiles").getDefaultValue();
    }

    private static Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private Path layer() throws IOException {
        Path l = Files.createDirectories(dir.resolve("layers/base/bin"));
        Files.writeString(l.resolve("sh"), "shell");
        return l.getParent();
    }

    @Test
    void byDefaultAFunctionsWriteToALayerFileReachesNeitherTheStoreNorAnotherFunction() throws Exception {
        assertFalse(defaultLinkFiles(), "hard links are an explicit opt-in");
        Path base = layer();
        try (CopyBackend b = new CopyBackend(dir.resolve("r"), 0, defaultLinkFiles(), List.of("tmp"))) {
            b.compose("f1", List.of(base));
            b.compose("f2", List.of(base));
            try (RootLease l1 = b.enter("f1"); RootLease l2 = b.enter("f2")) {
                assertNotEquals(inode(base.resolve("bin/sh")), inode(l1.root().resolve("bin/sh")), "a copy, not a link");
                Files.writeString(l1.root().resolve("bin/sh"), "trojan");
                assertEquals("shell", Files.readString(base.resolve("bin/sh")), "the store's layer tree is untouched");
                assertEquals("shell", Files.readString(l2.root().resolve("bin/sh")), "another function does not see it");
            }
            assertEquals(0, b.filesLinked());
        }
    }

    @Test
    void theBackendsDirectoriesAreReachableByTheOwnerAlone() throws IOException {
        try (CopyBackend b = new CopyBackend(dir.resolve("r"), 0, false, List.of())) {
            b.compose("f", List.of(layer()));
            for (Path p : List.of(b.root(), b.root().resolve("f"), b.root().resolve("f/gen-1"))) {
                assertEquals("rwx------", mode(p), p.toString());
            }
        }
    }

    @Test
    void withASandboxUserEachFarmsRootIsItsAndOnlyItsGroupPassesTheDirectories() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        try (CopyBackend b = new CopyBackend(dir.resolve("r"), 0, false, List.of(), new SandboxAccess(4242, 4343))) {
            assertEquals("", b.unavailableReason());
            b.compose("f", List.of(layer()));
            for (Path p : List.of(b.root(), b.root().resolve("f"), b.root().resolve("f/gen-1"))) {
                assertEquals("rwx--x---", mode(p), p.toString());
                assertEquals(4343, Files.getAttribute(p, "unix:gid"), p.toString());
            }
            try (RootLease l = b.enter("f")) {
                assertEquals(4242, Files.getAttribute(l.root(), "unix:uid"), "the function's '/' is the sandbox user's");
                assertEquals(0, Files.getAttribute(l.root().resolve("bin/sh"), "unix:uid"), "layer files keep their owner");
            }
        }
    }

    @Test
    void aRootBelowAFolderTheSandboxUserCannotPassStaysAvailableAndTheFolderIsLeftAlone() throws IOException {
        // dir is the test's 0700 temporary directory: the executor binds such roots through a private mount namespace
        try (CopyBackend b = new CopyBackend(dir.resolve("r"), 0, false, List.of(), new SandboxAccess(4242, 4343))) {
            assertEquals("", b.unavailableReason());
            assertTrue(b.isAvailable());
            assertEquals("rwx--x---", mode(b.root()));
            assertEquals("rwx------", mode(dir), "the operator's folder keeps its mode");
        }
    }

    @Test
    void setuidBitsAreDroppedEvenWithLinksAndDeviceNodesAreNotRecreated() throws Exception {
        var nio = NativeIO.tryGet();
        assumeTrue(nio.isPresent() && nio.get().isRoot(), "setuid files owned by another user and device nodes need root");
        Path base = layer();
        Path id = base.resolve("bin/id");
        Files.copy(Path.of("/usr/bin/id"), id);
        nio.get().lchown(id, OTHER_UID, OTHER_UID);
        nio.get().chmod(id, 06755);
        Files.createDirectories(base.resolve("dev"));
        nio.get().mknod(base.resolve("dev/null2"), NativeIO.S_IFCHR | 0666, 1, 3);
        assertEquals(Integer.toString(OTHER_UID), effectiveUid(id), "control: the bit works in the layer itself");
        for (boolean link : new boolean[] {false, true}) {
            try (CopyBackend b = new CopyBackend(dir.resolve("r-" + link), 0, link, List.of())) {
                b.compose("f", List.of(base));
                try (RootLease l = b.enter("f")) {
                    Path copy = l.root().resolve("bin/id");
                    assertNotEquals(inode(id), inode(copy), "linkFiles=" + link + ": a setuid file is never linked");
                    assertEquals(0, (Integer) Files.getAttribute(copy, "unix:mode") & 06000, "linkFiles=" + link);
                    assertEquals("0", effectiveUid(copy), "linkFiles=" + link + ": no privilege from the copy");
                    assertFalse(Files.exists(l.root().resolve("dev/null2"), LinkOption.NOFOLLOW_LINKS), "no device node");
                }
            }
        }
    }

    private static String effectiveUid(Path idBinary) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(idBinary.toString(), "-u").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}

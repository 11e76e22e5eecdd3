package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.nativeio.NativeIO;

/** The sandbox host user's way through a backend's directories (root-only: chown). */
class SandboxAccessTest {

    @TempDir
    Path dir;

    final SandboxAccess access = new SandboxAccess(4242, 4343);

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static int attr(Path p, String name) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:" + name)).intValue();
    }

    @Test
    void traversalIsForTheSandboxGroupAloneAndTheTreeTopIsTheUsers() throws IOException {
        Optional<NativeIO> io = NativeIO.tryGet();
        Path d = GenerationLayout.createPrivateDirectory(dir.resolve("fn"));
        access.grantTraversal(d, io);
        assertEquals("rwx--x---", mode(d));
        assertEquals(0, attr(d, "uid"));
        assertEquals(4343, attr(d, "gid"));
        Path top = Files.createDirectory(dir.resolve("upper"));
        access.own(top, io);
        assertEquals(4242, attr(top, "uid"));
        assertEquals(4343, attr(top, "gid"));
    }

    @Test
    void withoutASandboxUserNothingChanges() throws IOException {
        Path d = GenerationLayout.createPrivateDirectory(dir.resolve("fn"));
        SandboxAccess.ROOT.grantTraversal(d, Optional.empty());
        SandboxAccess.ROOT.own(d, Optional.empty());
        assertEquals("rwx------", mode(d));
        assertEquals("", SandboxAccess.ROOT.prepareRoot(dir.resolve("r"), Optional.empty()));
    }

    @Test
    void theRootIsPreparedForTheGroupWhateverTheOperatorsDirectoriesAboveIt() throws IOException {
        // dir is the test's 0700 temporary directory: the executor rebinds such roots, the backend leaves dir alone
        assertEquals("", access.prepareRoot(dir.resolve("backend"), NativeIO.tryGet()));
        assertEquals("rwx--x---", mode(dir.resolve("backend")), "the root itself is the backend's: let the group through");
        assertEquals(4343, attr(dir.resolve("backend"), "gid"));
        assertEquals("rwx------", mode(dir), "the operator's directory keeps its mode");
    }

    @Test
    void halfARootUserIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SandboxAccess(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new SandboxAccess(5, 0));
        assertThrows(IllegalArgumentException.class, () -> new SandboxAccess(-1, 5));
        assertTrue(SandboxAccess.ROOT.isRoot());
    }
}

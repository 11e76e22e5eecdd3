package org.layerswap.fs.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.RootLease;
import org.layerswap.fs.common.GenerationalBackend;
import org.layerswap.fs.common.MountTable;
import org.layerswap.nativeio.NativeIO;

/**
 * What a hostile image must not get through an overlay root (the appliance runs as root): privileges
 * from setuid files, access to devices, writes that reach shared layers, other functions or later
 * invocations. Real mounts (see {@link OverlayTestBase}).
 */
class OverlayHardeningTest extends OverlayTestBase {

    private static final int OTHER_UID = 12345;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** A copy of id(1) owned by {@link #OTHER_UID} with the setuid bit: run by root it prints that uid where setuid works. */
    private static void setuidId(Path layer) throws IOException {
        Path id = Files.createDirectories(layer.resolve("bin")).resolve("id");
        Files.copy(Path.of("/usr/bin/id"), id);
        NativeIO.get().lchown(id, OTHER_UID, OTHER_UID);
        NativeIO.get().chmod(id, 04755);
    }

    private static String effectiveUid(Path idBinary) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(idBinary.toString(), "-u").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static MountTable.Mount mountAt(Path p) throws IOException {
        return MountTable.read().at(p).orElseThrow(() -> new AssertionError(p + " is not a mount point"));
    }

    @Test
    void everyMountIsNosuidAndNodevAndTheGenerationsOwnTreeIsReadOnly() throws IOException {
        OverlayBackend b = backend(0);
        b.compose("f", List.of(layer("base", "etc/os", "base")));
        MountTable.Mount gen = mountAt(b.root().resolve("f/gen-1/merged"));
        assertTrue(gen.hasOption("nosuid") && gen.hasOption("nodev") && gen.hasOption("ro"), gen.mountOptions());
        try (RootLease l = b.enter("f")) {
            MountTable.Mount inv = mountAt(l.root());
            assertEquals("overlay", inv.fsType());
            assertTrue(inv.hasOption("nosuid") && inv.hasOption("nodev") && inv.hasOption("rw"), inv.mountOptions());
        }
        IOException e = assertThrows(IOException.class, () -> Files.writeString(b.stablePath("f").resolve("x"), "x"));
        assertTrue(e.getMessage().contains("Read-only"), e.toString());
    }

    @Test
    void aSetuidFileFromALayerGivesNoPrivilege() throws Exception {
        Path base = layer("base", "etc/os", "base");
        setuidId(base);
        assertEquals(Integer.toString(OTHER_UID), effectiveUid(base.resolve("bin/id")), "control: the bit works outside a function root");
        OverlayBackend b = backend(0, Set.of("persistent"));
        b.compose("f", List.of(base));
        b.compose("persistent", List.of(base));
        for (String fn : List.of("f", "persistent")) {
            try (RootLease l = b.enter(fn)) {
                assertEquals("0", effectiveUid(l.root().resolve("bin/id")), fn + ": the setuid bit has no effect");
            }
        }
    }

    @Test
    void aDeviceNodeFromALayerOrMadeByTheFunctionCannotBeOpened() throws IOException {
        Path base = layer("base", "etc/os", "base");
        Path dev = Files.createDirectories(base.resolve("dev")).resolve("null2");
        NativeIO.get().mknod(dev, NativeIO.S_IFCHR | 0666, 1, 3); // same device as /dev/null
        try (InputStream in = Files.newInputStream(dev)) {
            assertEquals(-1, in.read(), "control: the node opens outside a function root");
        }
        OverlayBackend b = backend(0);
        b.compose("f", List.of(base));
        try (RootLease l = b.enter("f")) {
            assertThrows(AccessDeniedException.class, () -> Files.newInputStream(l.root().resolve("dev/null2")).close());
            Path made = l.root().resolve("dev/made");
            NativeIO.get().mknod(made, NativeIO.S_IFCHR | 0666, 1, 3);
            assertThrows(AccessDeniedException.class, () -> Files.newInputStream(made).close());
        }
    }

    @Test
    void eachInvocationWritesIntoItsOwnUpperThatIsGoneAfterwards() throws IOException {
        OverlayBackend b = backend(0);
        Path base = layer("base", "app/main", "v1");
        b.compose("f", List.of(base));
        b.compose("g", List.of(base));
        Path firstUpper;
        try (RootLease a = b.enter("f"); RootLease concurrent = b.enter("f"); RootLease other = b.enter("g")) {
            assertNotEquals(a.root(), concurrent.root());
            Files.writeString(a.root().resolve("app/main"), "patched");
            Files.writeString(a.root().resolve("new-file"), "mine");
            firstUpper = a.root().resolveSibling("upper");
            assertTrue(Files.exists(firstUpper.resolve("new-file")));
            assertEquals("v1", Files.readString(concurrent.root().resolve("app/main")), "not in a concurrent invocation");
            assertEquals("v1", Files.readString(other.root().resolve("app/main")), "not in another function");
            assertEquals("v1", Files.readString(b.stablePath("f").resolve("app/main")), "not in the generation");
            assertEquals("v1", Files.readString(base.resolve("app/main")), "not in the store's layer");
            assertFalse(Files.exists(base.resolve("new-file")));
        }
        assertFalse(Files.exists(firstUpper.getParent()), "the invocation's directory is deleted with its lease");
        assertEquals(2, mountsUnderRoot(), "only the generations stay mounted");
        try (RootLease next = b.enter("f")) {
            assertEquals("v1", Files.readString(next.root().resolve("app/main")), "gone at the next invocation");
            assertFalse(Files.exists(next.root().resolve("new-file")));
            Files.writeString(next.root().resolve("new-file"), "again");
            b.composeKeepingWrites("f", List.of(base));
        }
        try (RootLease later = b.enter("f")) {
            assertEquals(2, later.generation());
            assertFalse(Files.exists(later.root().resolve("new-file")), "nothing is carried into a later generation");
        }
    }

    @Test
    void theBackendsDirectoriesArePrivateWhileTheFunctionsRootKeepsItsLayersMode() throws IOException {
        OverlayBackend b = backend(0);
        Path base = layer("base", "etc/os", "base");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        b.compose("f", List.of(base));
        try (RootLease l = b.enter("f")) {
            Path inv = l.root().getParent();
            for (Path p : List.of(b.root(), b.root().resolve("f"), b.root().resolve("f/gen-1"), b.root().resolve("f/gen-1/work"), inv,
                    inv.resolve("work"))) {
                assertEquals("rwx------", mode(p), p.toString());
            }
            assertEquals("rwxr-xr-x", mode(inv.resolve("upper")), "the upper is the function's /: the top layer's mode");
            assertEquals("rwxr-xr-x", mode(l.root()), "an unprivileged function can still walk its /");
        }
    }

    @Test
    void recoveryRemountsAnOlderMountWithoutNosuidAndDropsTheWritesInIt() throws IOException {
        OverlayBackend older = backend(60_000);
        Path base = layer("base", "etc/os", "base");
        older.compose("f", List.of(base));
        Path gen = older.root().resolve("f/gen-1");
        NativeIO.get().umount2(gen.resolve("merged"), NativeIO.MNT_DETACH);
        NativeIO.get().mount("overlay", gen.resolve("merged"), "overlay", 0, // as an earlier version mounted it: flags 0, writable
                "lowerdir=" + base + ",upperdir=" + gen.resolve("upper") + ",workdir=" + gen.resolve("work"));
        Files.writeString(older.stablePath("f").resolve("left-by-an-invocation"), "x");
        older.abandon();

        OverlayBackend fresh = backend(0);
        GenerationalBackend.RecoveryReport r = fresh.recover();
        assertEquals(List.of(), r.problems());
        assertEquals(1, r.rebuilt(), r.toString());
        MountTable.Mount m = mountAt(gen.resolve("merged"));
        assertTrue(m.hasOption("nosuid") && m.hasOption("nodev") && m.hasOption("ro"), m.mountOptions());
        assertFalse(Files.exists(fresh.stablePath("f").resolve("left-by-an-invocation")), "an upper is not carried over");
        assertEquals("base", Files.readString(fresh.stablePath("f").resolve("etc/os")));
    }
}

package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.RootLease;

class GenerationalBackendTest {

    @TempDir
    Path dir;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theBackendsOwnDirectoriesAreReachableByTheOwnerAlone() throws IOException {
        Path layer = Files.createDirectories(dir.resolve("layer"));
        try (DirBackend b = new DirBackend(dir.resolve("new/root"), 0)) {
            b.compose("fn", List.of(layer));
            assertEquals("rwx------", mode(b.root()), "a backend root it creates");
            assertEquals("rwx------", mode(b.root().resolve("fn")));
            assertEquals("rwx------", mode(b.root().resolve("fn/gen-1")));
        }
    }

    /** Records the per-invocation hooks: each invocation gets its own tree, released before the generation can go. */
    private static final class PerInvocation extends DirBackend {
        final List<String> events = new ArrayList<>();
        int next;

        PerInvocation(Path root) {
            super(root, 0);
        }

        @Override
        protected synchronized Path openInvocation(Generation gen) {
            Path p = gen.dir().resolve("inv-" + ++next);
            events.add("open " + gen.dir().relativize(p));
            return p;
        }

        @Override
        protected synchronized void closeInvocation(Generation gen, Path root) {
            events.add("close " + gen.dir().relativize(root) + " destroyed=" + generationsDestroyed());
        }
    }

    @Test
    void everyEnterGetsTheTreeTheBackendOpensForItAndItIsReleasedBeforeTeardown() throws IOException {
        Path v1 = Files.createDirectories(dir.resolve("v1"));
        try (PerInvocation b = new PerInvocation(dir.resolve("r"))) {
            b.compose("fn", List.of(v1));
            RootLease a = b.enter("fn");
            RootLease c = b.enter("fn");
            assertEquals(b.root().resolve("fn/gen-1/inv-1"), a.root());
            assertEquals(b.root().resolve("fn/gen-1/inv-2"), c.root());
            b.compose("fn", List.of(v1)); // gen-1 retired, still pinned by both
            a.close();
            c.close();
            b.reapNow();
            assertEquals(List.of("open inv-1", "open inv-2", "close inv-1 destroyed=0", "close inv-2 destroyed=0"), b.events);
            assertEquals(1, b.generationsDestroyed());
        }
    }

    @Test
    void aFailureToOpenTheInvocationsTreeUnpinsTheGeneration() throws IOException {
        Path v1 = Files.createDirectories(dir.resolve("v1"));
        try (DirBackend b = new DirBackend(dir.resolve("r"), 0) {
            @Override
            protected Path openInvocation(Generation gen) throws IOException {
                throw new IOException("no mount for you");
            }
        }) {
            b.compose("fn", List.of(v1));
            IOException e = assertThrows(IOException.class, () -> b.enter("fn"));
            assertEquals("no mount for you", e.getMessage());
            assertEquals(0, b.composed("fn").orElseThrow().activeLeases(), "the failed enter holds no lease");
        }
    }

    @Test
    void aRootThatWouldBreakOverlayMountOptionsIsRefused() {
        for (String bad : new String[] {"/tmp/a:b", "/tmp/a,b", "/tmp/a\\b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DirBackend(Path.of(bad), 0), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void aNegativeGracePeriodIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DirBackend(Path.of("/tmp/ok"), -1));
        assertEquals("grace period -1 ms is negative", e.getMessage());
    }
}

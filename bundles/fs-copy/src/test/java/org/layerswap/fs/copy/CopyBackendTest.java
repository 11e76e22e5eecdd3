package org.layerswap.fs.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.RootLease;
import org.layerswap.fs.common.GenerationalBackend;
import org.layerswap.fs.common.Trees;
import org.layerswap.nativeio.NativeIO;

class CopyBackendTest {

    private Path dir;
    private Path root;
    private Path layers;
    private final List<CopyBackend> backends = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("lscp");
        root = dir.resolve("r");
        layers = Files.createDirectories(dir.resolve("layers"));
    }

    @AfterEach
    void tearDown() throws IOException {
        for (CopyBackend b : backends) {
            b.close();
        }
        boolean leftovers = Files.exists(root) && Files.list(root).findAny().isPresent();
        Trees.deleteTree(dir);
        assertFalse(leftovers, "function directories left under " + root);
    }

    private CopyBackend backend(boolean link, String... copyPrefixes) {
        CopyBackend b = new CopyBackend(root, 0, link, List.of(copyPrefixes));
        backends.add(b);
        return b;
    }

    private Path layer(String name, String... fileAndContent) throws IOException {
        Path l = Files.createDirectories(layers.resolve(name));
        for (int i = 0; i < fileAndContent.length; i += 2) {
            Path f = l.resolve(fileAndContent[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, fileAndContent[i + 1]);
        }
        return l;
    }

    private static Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void withTheUnsafeLinkOptInReadOnlyFilesAreLinkedAndWritableOnesCopied() throws IOException {
        CopyBackend b = backend(true, "var", "/tmp");
        Path base = layer("base", "etc/os", "base", "bin/sh", "shell", "var/log/x", "log");
        Path app = layer("app", "etc/os", "app", "app/main", "v1");
        Files.createSymbolicLink(app.resolve("link"), Path.of("app/main"));
        b.compose("f", List.of(base, app));
        Path s = b.stablePath("f");
        assertEquals("app", Files.readString(s.resolve("etc/os")));
        assertEquals("shell", Files.readString(s.resolve("bin/sh")));
        assertEquals("v1", Files.readString(s.resolve("link")));
        assertTrue(Files.isSymbolicLink(s.resolve("link")));
        assertEquals(inode(app.resolve("app/main")), inode(s.resolve("app/main")), "read-only files are hard links");
        assertNotEquals(inode(base.resolve("var/log/x")), inode(s.resolve("var/log/x")), "files under var are copied");
        Files.writeString(s.resolve("var/log/x"), "written by f");
        assertEquals("log", Files.readString(base.resolve("var/log/x")), "a write to a copied file stays in the function");
        assertTrue(b.filesLinked() >= 3 && b.filesCopied() == 1, b.filesLinked() + " linked, " + b.filesCopied() + " copied");
    }

    @Test
    void copyModeDuplicatesEverything() throws IOException {
        CopyBackend b = backend(false);
        Path base = layer("base", "bin/sh", "shell");
        b.compose("f", List.of(base));
        assertNotEquals(inode(base.resolve("bin/sh")), inode(b.stablePath("f").resolve("bin/sh")));
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesHideLowerEntries() throws IOException {
        var nio = NativeIO.tryGet();
        assumeTrue(nio.isPresent() && nio.get().isRoot(), "whiteouts (0/0 char devices) and trusted.* xattrs need root");
        CopyBackend b = backend(true);
        Path base = layer("base", "a/keep", "k", "a/gone", "g", "opq/old1", "o", "opq/sub/old2", "o", "file-to-dir", "f");
        Path top = layer("top", "opq/new", "n", "file-to-dir/inner", "i");
        Files.createDirectories(top.resolve("a"));
        nio.get().makeWhiteout(top.resolve("a").resolve("gone"));
        nio.get().setxattr(top.resolve("opq"), NativeIO.OVERLAY_OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
        b.compose("f", List.of(base, top));
        Path s = b.stablePath("f");
        assertTrue(Files.exists(s.resolve("a/keep")));
        assertFalse(Files.exists(s.resolve("a/gone"), LinkOption.NOFOLLOW_LINKS), "the whiteout deleted the lower file");
        assertFalse(Files.exists(s.resolve("opq/old1")), "the opaque dir hides lower contents");
        assertFalse(Files.exists(s.resolve("opq/sub")));
        assertEquals("n", Files.readString(s.resolve("opq/new")));
        assertEquals("i", Files.readString(s.resolve("file-to-dir/inner")), "a dir replaces a lower file");
    }

    @Test
    void swapsAtomicallyUnderReadersAndLeasesPinGenerations() throws Exception {
        CopyBackend b = new CopyBackend(root, 200, true, List.of()); // grace covers stable-path lookups
        backends.add(b);
        Path va = layer("va", "a", "A", "b", "A");
        Path vb = layer("vb", "a", "B", "b", "B");
        b.compose("f", List.of(va));
        Path stable = b.stablePath("f");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            boolean lease = r % 2 == 0;
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (lease) {
                            try (RootLease l = b.enter("f")) {
                                if (!Files.readString(l.root().resolve("a")).equals(Files.readString(l.root().resolve("b")))) {
                                    failures.incrementAndGet();
                                }
                            }
                        } else {
                            String x = Files.readString(stable.resolve("a"));
                            if (!x.equals("A") && !x.equals("B")) {
                                failures.incrementAndGet();
                            }
                        }
                        reads.incrementAndGet();
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }
            });
            t.start();
            readers.add(t);
        }
        try {
            for (int i = 0; i < 200; i++) {
                b.compose("f", List.of(i % 2 == 0 ? vb : va));
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
        assertTrue(reads.get() > 0);
        RootLease held = b.enter("f");
        b.compose("f", List.of(vb));
        b.reapNow();
        assertEquals("A", Files.readString(held.root().resolve("a")));
        held.close();
        b.reapNow();
        assertFalse(Files.exists(held.root()));
        assertEquals(0, failures.get(), "failed or mixed reads");
    }

    @Test
    void recoveryKeepsCurrentGenerationAndDropsHalfBuiltOnes() throws IOException {
        CopyBackend crashed = backend(true);
        Path v1 = layer("v1", "ver", "1");
        Path v2 = layer("v2", "ver", "2");
        crashed.compose("f", List.of(v1));
        crashed.compose("f", List.of(v2));
        Files.createDirectories(root.resolve("f/gen-9/merged")); // half-built: no complete marker, not current
        Files.createDirectories(root.resolve("orphan/gen-1/merged")); // no function file, no current link
        crashed.abandon();
        CopyBackend fresh = backend(true);
        GenerationalBackend.RecoveryReport r = fresh.recover();
        assertEquals(1, r.adopted());
        assertEquals(1, r.removedFunctions());
        assertEquals("2", Files.readString(fresh.stablePath("f").resolve("ver")));
        assertFalse(Files.exists(root.resolve("f/gen-9")));
        assertEquals(10, fresh.compose("f", List.of(v1)).generation());
    }

    @Test
    void rejectsMissingLayersAndUnknownFunctions() throws IOException {
        CopyBackend b = backend(true);
        IOException e = assertThrows(IOException.class, () -> b.compose("f", List.of(dir.resolve("nope"))));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> b.enter("unknown"));
        assertTrue(e2.getMessage().contains("unknown"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.compose("f", List.of()));
        assertEquals("a%2Fb", GenerationalBackend.dirName("a/b"));
        assertEquals("%2E.", GenerationalBackend.dirName(".."));
    }
}

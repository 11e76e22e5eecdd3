package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerswap.nativeio.NativeIO;

/**
 * The hostile-input corpus (issue 14): every tar below is generated here, unpacked as root into a
 * fresh layer root next to a canary tree (files, a directory, a copy of a binary that could be made
 * setuid, a symlink), and must either be refused with an {@link UnsafeLayerException} naming what
 * was wrong or unpack safely. In EVERY case the stat data (type, mode, uid, gid, size, mtime, ctime,
 * inode, link count) and content of everything outside the layer root are identical before and after.
 */
class HostileCorpusTest {

    /** Builds a hostile tar; {@code canary} is the absolute canary directory, {@code up} the relative path to it from the layer root. */
    interface TarSource {
        byte[] build(String canary, String up) throws IOException;
    }

    /** What the unpacked layer must look like when the case is expected to unpack (null: no check). */
    interface Inside {
        void check(Path layer) throws IOException;
    }

    /** {@code refusal} null: unpacks safely (then {@code inside} is checked); else the refusal message must contain it. */
    record Case(String name, TarSource tar, UnpackLimits limits, String refusal, Inside inside) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final UnpackLimits DEF = UnpackLimits.DEFAULT;
    static final UnpackLimits ABS = UnpackLimits.DEFAULT.withAbsoluteSymlinks(true);
    static final UnpackLimits DEV = ABS.withDeviceNodes(true);

    static Case refused(String name, UnpackLimits l, String msg, TarSource t) {
        return new Case(name, t, l, msg, null);
    }

    static Case safe(String name, UnpackLimits l, Inside inside, TarSource t) {
        return new Case(name, t, l, null, inside);
    }

    static int mode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
    }

    static List<Case> corpus() {
        List<Case> c = new ArrayList<>();
        // --- issue 14 item 1: a directory replaced by a symlink, then its metadata applied to the link's target
        c.add(refused("dir then absolute symlink to a canary dir (chmod 0777 through the link)", ABS, "directory",
                (k, u) -> new Tars().dir("x", 0777).symlink("x", k + "/dir").tar()));
        c.add(refused("setuid dir then symlink to a canary binary (setuid through the link)", ABS, "directory",
                (k, u) -> new Tars().dir("x", 04755).symlink("x", k + "/bin/true").tar()));
        c.add(refused("dir then symlink chain k -> . , x -> k/k/../../canary", DEF, "directory",
                (k, u) -> new Tars().symlink("k", ".").dir("x", 0777).symlink("x", "k/k/" + u).tar()));
        c.add(refused("dir with content then symlink over it", ABS, "directory",
                (k, u) -> new Tars().dir("x", 0777).file("x/f", "1").symlink("x", k).tar()));
        c.add(refused("dir then file replacing it", DEF, "directory",
                (k, u) -> new Tars().dir("x", 0755).file("x", "f").tar()));
        c.add(refused("dir then hardlink replacing it", DEF, "directory",
                (k, u) -> new Tars().file("f", "1").dir("x", 0755).hardlink("x", "f").tar()));
        c.add(refused("dir then whiteout of it", DEF, "directory",
                (k, u) -> new Tars().dir("x", 0755).file(".wh.x", "").tar()));
        c.add(refused("root dir entry then symlink named .", ABS, "layer root",
                (k, u) -> new Tars().dir("./", 0777).symlink(".", k).tar()));
        // --- symlink chains and loops are stored, never followed
        c.add(refused("file through a chain symlink k -> . , j -> k/k/../../canary", DEF, "through symlink",
                (k, u) -> new Tars().symlink("k", ".").symlink("j", "k/k/" + u).file("j/secret", "pwned").tar()));
        c.add(refused("dir through a chain symlink", DEF, "through symlink",
                (k, u) -> new Tars().symlink("k", ".").symlink("j", "k/k/" + u).dir("j/dir", 0777).tar()));
        c.add(refused("hardlink through a chain symlink", DEF, "symlink",
                (k, u) -> new Tars().symlink("k", ".").symlink("j", "k/k/" + u).hardlink("h", "j/secret").tar()));
        c.add(refused("symlink loop a -> b -> a, then a file below it", DEF, "through symlink",
                (k, u) -> new Tars().symlink("a", "b").symlink("b", "a").file("a/x", "x").tar()));
        c.add(safe("self loop a -> a replaced by a directory", DEF, l -> assertTrue(Files.isDirectory(l.resolve("a"), LinkOption.NOFOLLOW_LINKS)),
                (k, u) -> new Tars().symlink("a", "a").dir("a", 0755).file("a/f", "f").tar()));
        c.add(safe("symlink to a canary dir replaced by a 0777 directory", ABS, l -> assertEquals(0777, mode(l.resolve("x")) & 07777),
                (k, u) -> new Tars().symlink("x", k + "/dir").dir("x", 0777).tar()));
        c.add(safe("symlink to a canary file replaced by a file", ABS, l -> assertEquals("inside", Files.readString(l.resolve("x"))),
                (k, u) -> new Tars().symlink("x", k + "/secret").file("x", "inside").tar()));
        c.add(safe("symlink to the canary binary replaced by a setuid file (stripped)", ABS, l -> assertEquals(0755, mode(l.resolve("x")) & 07777),
                (k, u) -> new Tars().symlink("x", k + "/bin/true").file("x", 04755, "x".getBytes(), 0, 0, 1).tar()));
        c.add(safe("absolute symlinks are stored verbatim", ABS, l -> assertEquals(Path.of("/etc/passwd"), Files.readSymbolicLink(l.resolve("p"))),
                (k, u) -> new Tars().symlink("p", "/etc/passwd").symlink("c", k).tar()));
        c.add(refused("absolute symlink with absolute links disallowed", DEF, "absolute target",
                (k, u) -> new Tars().symlink("etc", k).tar()));
        c.add(refused("relative symlink climbing out of the root", DEF, "outside the layer root",
                (k, u) -> new Tars().dir("a", 0755).symlink("a/up", "../" + u).tar()));
        c.add(refused("file through an absolute symlink", ABS, "through symlink",
                (k, u) -> new Tars().symlink("etc", k).file("etc/evil", "x").tar()));
        c.add(refused("device node through an absolute symlink", DEV, "through symlink",
                (k, u) -> new Tars().symlink("d", k).device("d/mem", TarConstants.LF_CHR, 1, 1).tar()));
        c.add(safe("device node replacing a symlink to a canary file", DEV, l -> assertEquals(NativeIO.S_IFIFO, mode(l.resolve("n")) & 0170000),
                (k, u) -> new Tars().symlink("n", k + "/secret").device("n", TarConstants.LF_FIFO, 0, 0).tar()));
        // --- hard links
        c.add(refused("hardlink with .. to a canary file", DEF, "outside the layer root",
                (k, u) -> new Tars().hardlink("h", u + "/secret").tar()));
        c.add(refused("hardlink with an absolute canary path", DEF, "outside the layer root",
                (k, u) -> new Tars().hardlink("h", k + "/secret").tar()));
        c.add(refused("hardlink to a symlink pointing at a canary file", ABS, "regular file",
                (k, u) -> new Tars().symlink("s", k + "/secret").hardlink("h", "s").tar()));
        c.add(refused("hardlink below an absolute symlink", ABS, "symlink",
                (k, u) -> new Tars().symlink("s", k).hardlink("h", "s/secret").tar()));
        c.add(refused("hardlink to a directory", DEF, "regular file",
                (k, u) -> new Tars().dir("d", 0755).hardlink("h", "d").tar()));
        c.add(refused("hardlink to a file not extracted yet", DEF, "regular file",
                (k, u) -> new Tars().hardlink("h", "later").file("later", "x").tar()));
        c.add(refused("hardlink to itself", DEF, "itself",
                (k, u) -> new Tars().file("a", "1").hardlink("a", "a").tar()));
        c.add(safe("file written over a hardlinked name does not write through the link", DEF,
                l -> assertEquals("1", Files.readString(l.resolve("a"))),
                (k, u) -> new Tars().file("a", "1").hardlink("b", "a").file("b", "2").tar()));
        // --- names
        c.add(refused(".. traversal", DEF, "'..'", (k, u) -> new Tars().file("../../canary/evil", "x").tar()));
        c.add(refused(".. in the middle", DEF, "'..'", (k, u) -> new Tars().file("a/b/../../../../canary/secret", "x").tar()));
        c.add(refused("absolute name into the canary", DEF, "absolute path", (k, u) -> new Tars().file(k + "/evil", "x").tar()));
        c.add(refused("absolute dir name", DEF, "absolute path", (k, u) -> new Tars().dir(k + "/dir", 0777).tar()));
        c.add(refused("path through a regular file", DEF, "to be a directory", (k, u) -> new Tars().file("a", "1").file("a/b", "2").tar()));
        c.add(refused("name component longer than 255 bytes", DEF, "255", (k, u) -> new Tars().file("x".repeat(300), "1").tar()));
        c.add(safe("long but legal names (200-byte components, 3000-byte path)", DEF,
                l -> assertTrue(Files.isRegularFile(l.resolve(("d".repeat(199) + "/").repeat(15) + "f".repeat(200)))),
                (k, u) -> new Tars().file(("d".repeat(199) + "/").repeat(15) + "f".repeat(200), "1").tar()));
        // --- setuid/setgid are stripped unless kept
        c.add(safe("setuid root file is stripped", DEF, l -> assertEquals(0755, mode(l.resolve("su")) & 07777),
                (k, u) -> new Tars().file("su", 04755, "x".getBytes(), 0, 0, 1).tar()));
        c.add(safe("setuid+setgid 06777 file is stripped", DEF, l -> assertEquals(0777, mode(l.resolve("s")) & 07777),
                (k, u) -> new Tars().file("s", 06777, "x".getBytes(), 0, 0, 1).tar()));
        c.add(safe("setgid dir is stripped, sticky kept", DEF, l -> assertEquals(01775, mode(l.resolve("d")) & 07777),
                (k, u) -> new Tars().dir("d", 03775).tar()));
        c.add(safe("root entry ./ with 07777 is stripped", DEF, l -> assertEquals(01777, mode(l) & 07777),
                (k, u) -> new Tars().dir("./", 07777).file("f", "1").tar()));
        // --- devices
        c.add(refused("char device /dev/mem", DEF, "device node", (k, u) -> new Tars().device("dev/mem", TarConstants.LF_CHR, 1, 1).tar()));
        c.add(refused("block device /dev/sda", DEF, "device node", (k, u) -> new Tars().device("dev/sda", TarConstants.LF_BLK, 8, 0).tar()));
        c.add(refused("fifo", DEF, "device node", (k, u) -> new Tars().device("p", TarConstants.LF_FIFO, 0, 0).tar()));
        // --- whiteouts
        c.add(refused("whiteout through an absolute symlink", ABS, "through symlink",
                (k, u) -> new Tars().symlink("s", k).file("s/.wh.secret", "").tar()));
        c.add(refused("opaque whiteout through an absolute symlink", ABS, "through symlink",
                (k, u) -> new Tars().symlink("s", k + "/dir").file("s/.wh..wh..opq", "").tar()));
        c.add(refused("whiteout of ..", DEF, "malformed whiteout", (k, u) -> new Tars().file(".wh..", "").tar()));
        c.add(refused("whiteout with .. above it", DEF, "'..'", (k, u) -> new Tars().file("../.wh.canary", "").tar()));
        c.add(safe("whiteout replacing a symlink to a canary file", ABS, l -> assertEquals(NativeIO.S_IFCHR, mode(l.resolve("w")) & 0170000),
                (k, u) -> new Tars().symlink("w", k + "/secret").file(".wh.w", "").tar()));
        // --- sizes and counts
        c.add(refused("huge declared size", DEF.withSizes(64L << 20, 1L << 30), "declares", (k, u) -> Tars.hugeDeclaredSize("big", 077777777777L)));
        c.add(refused("huge sparse entry", DEF, "sparse", (k, u) -> new Tars().sparse("sparse").tar()));
        c.add(refused("gzip bomb across entries (40 x 1 MiB)", DEF.withSizes(2L << 20, 16L << 20), "16777216-byte", (k, u) -> Tars.gzipBomb(40, 1 << 20)));
        c.add(refused("gzip bomb in one entry (64 MiB)", DEF.withSizes(8L << 20, 1L << 30), "8388608-byte", (k, u) -> Tars.gzipBomb(1, 64L << 20)));
        c.add(refused("100 k entries above an entry limit", new UnpackLimits(1 << 20, 1 << 20, 50_000, false, false, true), "50000 entries",
                (k, u) -> many(100_000)));
        c.add(safe("100 k entries unpack", DEF, l -> assertEquals(100_000, Files.list(l.resolve("m")).count()), (k, u) -> many(100_000)));
        return c;
    }

    static byte[] many(int n) throws IOException {
        Tars t = new Tars().dir("m", 0755);
        for (int i = 1; i < n; i++) {
            t.file("m/" + i, "");
        }
        return t.file("m/0", "").tar();
    }

    @TempDir
    Path sandbox;

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void hostileTarIsRefusedOrUnpackedSafelyAndNothingOutsideTheLayerRootChanges(Case c) throws Exception {
        Assumptions.assumeTrue(NativeIO.get().isRoot(), "the hostile corpus runs as root (the appliance does): euid " + NativeIO.get().geteuid());
        Path canary = sandbox.resolve("canary");
        Files.createDirectories(canary.resolve("dir"));
        Files.createDirectories(canary.resolve("bin"));
        Files.writeString(canary.resolve("secret"), "do not touch");
        Files.writeString(canary.resolve("dir/f"), "inner");
        Files.copy(Path.of("/bin/true"), canary.resolve("bin/true"));
        Files.createSymbolicLink(canary.resolve("link"), Path.of("secret"));
        Path layer = Files.createDirectories(sandbox.resolve("work/layer"));
        byte[] tar = c.tar().build(canary.toString(), "../../canary");
        Map<String, String> before = snapshot(layer);
        Throwable outcome = null;
        try {
            new TarUnpacker(c.limits()).unpack(new ByteArrayInputStream(tar), layer);
        } catch (IOException | RuntimeException e) {
            outcome = e;
        }
        // first and in every case: nothing outside the layer root changed, whatever the outcome
        assertEquals(before, snapshot(layer), "nothing outside the layer root was written or had its metadata changed");
        assertFalse(Files.exists(sandbox.resolve("evil")) || Files.exists(canary.resolve("evil")));
        if (c.refusal() != null) {
            Throwable e = outcome;
            assertTrue(e instanceof UnsafeLayerException, () -> "should be refused as unsafe, was " + (e == null ? "unpacked" : e.toString()));
            assertTrue(e.getMessage().contains(c.refusal()), "'" + e.getMessage() + "' should mention '" + c.refusal() + "'");
        } else {
            if (outcome != null) {
                throw new AssertionError("should unpack safely, failed with " + outcome, outcome);
            }
            if (c.inside() != null) {
                c.inside().check(layer);
            }
        }
    }

    /** Stat data and content hash of everything below the sandbox except the layer root and its content. */
    static Map<String, String> snapshot(Path layer) throws IOException {
        Path sandbox = layer.getParent().getParent();
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(sandbox)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.startsWith(layer)) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,ctime,ino,nlink", LinkOption.NOFOLLOW_LINKS);
                String extra = Files.isSymbolicLink(p) ? "->" + Files.readSymbolicLink(p)
                        : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "#" + sha256(Files.readAllBytes(p)) : "";
                m.put(sandbox.relativize(p).toString(), new TreeMap<>(a) + extra);
            }
        }
        return m;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

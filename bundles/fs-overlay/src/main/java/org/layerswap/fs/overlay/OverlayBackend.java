package org.layerswap.fs.overlay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.layerswap.fs.common.GenerationalBackend;
import org.layerswap.fs.common.MountTable;
import org.layerswap.fs.common.Trees;
import org.layerswap.nativeio.NativeIO;

/**
 * Function roots as real OverlayFS mounts (mount(2) through JNR-FFI). Each generation is
 * {@code gen-<n>/{upper/, work/, merged/}} plus, when the store paths are too long for the one-page
 * option limit (or contain ':' ','), {@code l/<i>}: short symlinks to the store's layer directories, so
 * {@code lowerdir=} stays short with many layers. Lower dirs are read-only and never written;
 * {@code upper/} and {@code work/} belong to this generation alone
 * (copy-on-write: a function's writes never reach a shared layer). Teardown is umount2(MNT_DETACH).
 */
public class OverlayBackend extends GenerationalBackend {

    public static final String NAME = "overlay";
    /** mount(2) copies at most one page of option data. */
    static final int MAX_OPTIONS = 4095;

    private volatile String unavailable;

    public OverlayBackend(Path root, long graceMillis) {
        super(root, graceMillis);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    /** Checks euid 0, overlay in /proc/filesystems and a trial mount under the root; the answer is cached. */
    @Override
    public String unavailableReason() {
        String u = unavailable;
        if (u == null) {
            u = probe();
            unavailable = u;
        }
        return u;
    }

    private String probe() {
        if (nativeIo.isEmpty()) {
            return "the native libc binding (JNR-FFI) cannot be loaded";
        }
        if (!nativeIo.get().isRoot()) {
            return "not running as root (euid " + nativeIo.get().geteuid() + "): mount(2) needs CAP_SYS_ADMIN";
        }
        try {
            String fs = Files.readString(Path.of("/proc/filesystems"), StandardCharsets.US_ASCII);
            if (fs.lines().map(String::trim).noneMatch(l -> l.equals("overlay") || l.endsWith("\toverlay") || l.endsWith(" overlay"))) {
                return "the kernel has no overlay file system (not in /proc/filesystems; try modprobe overlay)";
            }
        } catch (IOException e) {
            return "cannot read /proc/filesystems: " + e.getMessage();
        }
        Path probe = root.resolve(".probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(probe);
            Path lower = Files.createDirectories(probe.resolve("l"));
            Path upper = Files.createDirectories(probe.resolve("u"));
            Path work = Files.createDirectories(probe.resolve("w"));
            Path merged = Files.createDirectories(probe.resolve("m"));
            Files.writeString(lower.resolve("f"), "x");
            nativeIo.get().mount("overlay", merged, "overlay", 0,
                    "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work);
            try {
                if (!Files.exists(merged.resolve("f"))) {
                    return "a trial overlay mount under " + root + " did not show its lower layer";
                }
            } finally {
                nativeIo.get().umount2(merged, NativeIO.MNT_DETACH);
            }
            return "";
        } catch (IOException e) {
            return "a trial overlay mount under " + root + " failed: " + e.getMessage();
        } finally {
            try {
                Trees.deleteTree(probe);
            } catch (IOException e) {
                log.warn("cannot delete the overlay probe directory {}: {}", probe, e.toString());
            }
        }
    }

    @Override
    protected void build(Generation gen, List<Path> layerDirs, Generation keepWritesFrom) throws IOException {
        NativeIO n = requireNative("mount an overlay");
        if (directOptions(gen).length() > MAX_OPTIONS || !layerDirs.stream().allMatch(OverlayBackend::plainPath)) {
            // long or unusual store paths: lowerdir names short per-generation links instead
            Path links = Files.createDirectory(gen.dir().resolve("l"));
            for (int i = 0; i < layerDirs.size(); i++) {
                Files.createSymbolicLink(links.resolve(Integer.toString(i)), layerDirs.get(i));
            }
        }
        Path upper = Files.createDirectory(gen.dir().resolve("upper"));
        Files.createDirectory(gen.dir().resolve("work"));
        Files.createDirectory(gen.merged());
        if (keepWritesFrom != null) {
            Trees.copyUpperTree(keepWritesFrom.dir().resolve("upper"), upper, Optional.of(n));
        }
        mount(n, gen);
    }

    private void mount(NativeIO n, Generation gen) throws IOException {
        String options = options(gen);
        n.mount("overlay", gen.merged(), "overlay", 0, options);
        gen.setMounted(true);
    }

    /** Paths that can appear in lowerdir= as they are (no separators or escapes). */
    static boolean plainPath(Path p) {
        String s = p.toString();
        return s.indexOf(':') < 0 && s.indexOf(',') < 0 && s.indexOf('\\') < 0 && s.indexOf('\n') < 0;
    }

    private static String directOptions(Generation gen) {
        StringBuilder b = new StringBuilder("lowerdir=");
        for (int i = gen.layerDirs().size() - 1; i >= 0; i--) {
            b.append(gen.layerDirs().get(i));
            if (i > 0) {
                b.append(':');
            }
        }
        return tail(b, gen);
    }

    private static String tail(StringBuilder b, Generation gen) {
        return b.append(",upperdir=").append(gen.dir().resolve("upper"))
                .append(",workdir=").append(gen.dir().resolve("work"))
                .append(",index=off").toString();
    }

    /**
     * The mount options, top layer first (overlay's order): the store's directories themselves, or the
     * generation's short links {@code l/<i>} when the generation has them.
     */
    String options(Generation gen) throws IOException {
        Path links = gen.dir().resolve("l");
        String o;
        if (Files.isDirectory(links)) {
            StringBuilder b = new StringBuilder("lowerdir=");
            for (int i = gen.layerDirs().size() - 1; i >= 0; i--) {
                b.append(links.resolve(Integer.toString(i)));
                if (i > 0) {
                    b.append(':');
                }
            }
            o = tail(b, gen);
        } else {
            o = directOptions(gen);
        }
        if (o.length() > MAX_OPTIONS) {
            throw new IOException("function " + gen.functionId() + ": overlay options for " + gen.layerDirs().size()
                    + " layers are " + o.length() + " bytes, over the " + MAX_OPTIONS
                    + "-byte mount(2) limit; use a shorter backend root directory");
        }
        return o;
    }

    @Override
    protected void teardown(Generation gen) throws IOException {
        if (gen.isMounted() || MountTable.read().isMountPoint(gen.merged())) {
            requireNative("unmount an overlay").umount2(gen.merged(), NativeIO.MNT_DETACH);
            gen.setMounted(false);
        }
    }

    @Override
    protected boolean isIntact(Generation gen, MountTable mounts) {
        return mounts.isMountPoint(gen.merged(), "overlay");
    }

    @Override
    protected void rebuild(Generation gen) throws IOException {
        for (Path p : gen.layerDirs()) {
            if (!Files.isDirectory(p)) {
                throw new IOException("layer directory " + p + " is gone");
            }
        }
        if (!Files.isDirectory(gen.dir().resolve("upper"))) {
            throw new IOException("generation directory " + gen.dir() + " lacks upper/");
        }
        Files.createDirectories(gen.dir().resolve("work"));
        Files.createDirectories(gen.merged());
        mount(requireNative("re-mount an overlay"), gen);
    }
}

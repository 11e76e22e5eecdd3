package org.layerswap.fs.overlay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.fs.common.GenerationLayout;
import org.layerswap.fs.common.GenerationalBackend;
import org.layerswap.fs.common.MountTable;
import org.layerswap.fs.common.SandboxAccess;
import org.layerswap.fs.common.Trees;
import org.layerswap.nativeio.NativeIO;

/**
 * Function roots as real OverlayFS mounts (mount(2) through JNR-FFI). Each generation is
 * {@code gen-<n>/{upper/, work/, merged/}} plus, when the store paths are too long for the one-page
 * option limit (or contain ':' ','), {@code l/<i>}: short symlinks to the store's layer directories, so
 * {@code lowerdir=} stays short with many layers. Lower dirs are read-only and never written.
 *
 * <p>Hardening (a hostile image must not take the host, which runs this as root):
 * <ul>
 * <li>every mount is {@code MS_NOSUID|MS_NODEV}: a setuid/setgid file in a layer gives no privilege,
 * a device node in a layer (or one a function creates) cannot be opened;</li>
 * <li>the generation, invocation, work directories (and the root and function directories, see
 * {@link GenerationLayout#createPrivateDirectory}) are 0700; an upper dir itself carries the top
 * layer's root mode and owner, because the merged root ({@code /} of the function) takes its
 * attributes from it;</li>
 * <li>per-invocation uppers: unless the function is listed in {@code persistentUpperFunctions}, every
 * {@link #enter} mounts a fresh overlay {@code gen-<n>/inv-<k>/{upper,work,merged}} over the same
 * lower dirs, and closing the lease unmounts and deletes it: an invocation's writes are gone at the
 * next one, and other functions (and other invocations running at the same time) never see them.
 * The generation's own mount ({@code current}) is then read-only and {@code composeKeepingWrites}
 * carries nothing. A function listed there keeps the earlier behaviour: its invocations share the
 * generation's writable upper, carried into the next generation by {@code composeKeepingWrites}.</li>
 * <li>bounded uppers: {@code inv-<k>/} is a tmpfs of the function's {@link UpperLimits} size, so an
 * invocation writes that many bytes (and files) and no more; the executor ends a run whose root is full
 * as {@code DISK_EXHAUSTED};</li>
 * <li>with a {@link SandboxAccess} user: every upper is that user's (the function's {@code /} is its own,
 * files it writes are never root's), and the backend's directories let only that user's group through.</li>
 * </ul>
 * Teardown is umount2(MNT_DETACH).
 */
public class OverlayBackend extends GenerationalBackend {

    public static final String NAME = "overlay";
    /** mount(2) copies at most one page of option data. */
    static final int MAX_OPTIONS = 4095;
    /** mount(2) flags (linux/fs.h); NativeIO only names MS_RDONLY and MS_BIND. */
    static final long MS_NOSUID = 2L;
    static final long MS_NODEV = 4L;
    /** Flags of every overlay mount this backend makes. */
    static final long HARDENED = MS_NOSUID | MS_NODEV;
    static final String INVOCATION_PREFIX = "inv-";
    /** Room kept in the option page for an invocation's longer upperdir/workdir paths. */
    private static final int INVOCATION_MARGIN = 2 * (INVOCATION_PREFIX.length() + 20 + 1);

    private final Set<String> persistentUpperFunctions;
    private final UpperLimits upperLimits;
    private final AtomicLong invocations = new AtomicLong();
    private volatile String unavailable;

    /** Every function gets per-invocation uppers of {@link UpperLimits#defaults()}; sandboxes as root. */
    public OverlayBackend(Path root, long graceMillis) {
        this(root, graceMillis, Set.of());
    }

    /**
     * @param persistentUpperFunctions function ids whose invocations share the generation's writable
     *                                 upper (opt-in; their writes persist between invocations)
     */
    public OverlayBackend(Path root, long graceMillis, Set<String> persistentUpperFunctions) {
        this(root, graceMillis, persistentUpperFunctions, UpperLimits.defaults(), SandboxAccess.ROOT);
    }

    /**
     * @param upperLimits the bytes one invocation may write (each per-invocation upper is a tmpfs of that size)
     * @param access      the unprivileged host user sandboxes run as: owner of every upper, let through the
     *                    backend's directories ({@link SandboxAccess})
     */
    public OverlayBackend(Path root, long graceMillis, Set<String> persistentUpperFunctions, UpperLimits upperLimits,
                          SandboxAccess access) {
        super(root, graceMillis);
        this.persistentUpperFunctions = Set.copyOf(persistentUpperFunctions);
        this.upperLimits = java.util.Objects.requireNonNull(upperLimits);
        sandboxAccess(access);
    }

    public UpperLimits upperLimits() {
        return upperLimits;
    }

    /** Whether {@code functionId} opted into a persistent upper (shared by its invocations, carried over). */
    public boolean hasPersistentUpper(String functionId) {
        return persistentUpperFunctions.contains(functionId);
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
        String reach = sandboxReachProblem();
        if (!reach.isEmpty()) {
            return reach;
        }
        Path probe = root.resolve(".probe-" + ProcessHandle.current().pid());
        try {
            GenerationLayout.ensurePrivateDirectory(probe);
            Path lower = Files.createDirectories(probe.resolve("l"));
            Path upper = Files.createDirectories(probe.resolve("u"));
            Path work = Files.createDirectories(probe.resolve("w"));
            Path merged = Files.createDirectories(probe.resolve("m"));
            Files.writeString(lower.resolve("f"), "x");
            nativeIo.get().mount("overlay", merged, "overlay", HARDENED,
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
        if (directLowerdir(gen).length() + tail(gen.dir()).length() + INVOCATION_MARGIN > MAX_OPTIONS
                || !layerDirs.stream().allMatch(OverlayBackend::plainPath)) {
            // long or unusual store paths: lowerdir names short per-generation links instead
            Path links = Files.createDirectory(gen.dir().resolve("l"));
            for (int i = 0; i < layerDirs.size(); i++) {
                Files.createSymbolicLink(links.resolve(Integer.toString(i)), layerDirs.get(i));
            }
        }
        Path upper = createUpperAndWork(gen, gen.dir());
        Files.createDirectory(gen.merged());
        if (keepWritesFrom != null && hasPersistentUpper(gen.functionId())) {
            Trees.copyUpperTree(keepWritesFrom.dir().resolve("upper"), upper, Optional.of(n));
        }
        mount(n, gen);
    }

    /**
     * {@code upper/} with the top layer's root mode (it is the function's {@code /}) and the sandbox
     * user as owner (the top layer's owner when sandboxes run as root), and a 0700 {@code work/}, both
     * in {@code dir} (itself private).
     */
    private Path createUpperAndWork(Generation gen, Path dir) throws IOException {
        Path upper = Files.createDirectory(dir.resolve("upper"));
        Path top = gen.layerDirs().get(gen.layerDirs().size() - 1);
        Files.setPosixFilePermissions(upper, Files.getPosixFilePermissions(top));
        if (!sandboxAccess().isRoot()) {
            sandboxAccess().own(upper, nativeIo);
        } else if (nativeIo.isPresent() && nativeIo.get().isRoot()) {
            nativeIo.get().lchown(upper, (Integer) Files.getAttribute(top, "unix:uid"), (Integer) Files.getAttribute(top, "unix:gid"));
        }
        GenerationLayout.createPrivateDirectory(dir.resolve("work"));
        return upper;
    }

    /** The generation's own mount: read-only unless the function keeps a persistent upper. */
    private void mount(NativeIO n, Generation gen) throws IOException {
        long flags = HARDENED | (hasPersistentUpper(gen.functionId()) ? 0 : NativeIO.MS_RDONLY);
        n.mount("overlay", gen.merged(), "overlay", flags, options(gen, gen.dir()));
        gen.setMounted(true);
    }

    /**
     * A fresh writable overlay for one invocation over the generation's lower dirs, or the generation's
     * own tree for a function with a persistent upper. {@code gen-<n>/inv-<k>/} is a tmpfs of the
     * function's {@link UpperLimits} (0700, the sandbox user's) holding {@code upper/}, {@code work/} and
     * the mount point {@code merged/}: the invocation can write that many bytes and no more.
     */
    @Override
    protected Path openInvocation(Generation gen) throws IOException {
        if (hasPersistentUpper(gen.functionId())) {
            return gen.merged();
        }
        NativeIO n = requireNative("mount an invocation's overlay");
        Path inv = null;
        while (inv == null) {
            try {
                inv = GenerationLayout.createPrivateDirectory(gen.dir().resolve(INVOCATION_PREFIX + invocations.incrementAndGet()));
            } catch (FileAlreadyExistsException e) {
                // left by an earlier instance in this directory: take the next number
            }
        }
        Path merged = inv.resolve("merged");
        boolean bounded = false;
        try {
            n.mount("tmpfs", inv, "tmpfs", HARDENED, upperLimits.tmpfsOptions(gen.functionId(), sandboxAccess()));
            bounded = true;
            createUpperAndWork(gen, inv);
            Files.createDirectory(merged);
            n.mount("overlay", merged, "overlay", HARDENED, options(gen, inv));
            return merged;
        } catch (IOException | RuntimeException e) {
            try {
                if (bounded) {
                    n.umount2(inv, NativeIO.MNT_DETACH); // the overlay is the last step: only the tmpfs is mounted
                }
                Trees.deleteTree(inv);
            } catch (IOException d) {
                e.addSuppressed(d);
            }
            throw e;
        }
    }

    /** Unmounts the invocation's overlay and its tmpfs (the invocation's writes go with it) and deletes the directory. */
    @Override
    protected void closeInvocation(Generation gen, Path invocationRoot) {
        if (invocationRoot.equals(gen.merged())) {
            return;
        }
        Path inv = invocationRoot.getParent();
        for (Path mountPoint : List.of(invocationRoot, inv)) {
            try {
                requireNative("unmount an invocation's overlay").umount2(mountPoint, NativeIO.MNT_DETACH);
            } catch (IOException e) {
                if (Files.exists(mountPoint, LinkOption.NOFOLLOW_LINKS)) {
                    log.warn("overlay backend: cannot unmount {} of function {}: {}", mountPoint, gen.functionId(), e.toString());
                }
            }
        }
        try {
            Trees.deleteTree(inv);
        } catch (IOException e) {
            log.warn("overlay backend: cannot delete {} of function {} (the generation's teardown retries): {}", inv,
                    gen.functionId(), e.toString());
        }
    }

    /** Paths that can appear in lowerdir= as they are (no separators or escapes). */
    static boolean plainPath(Path p) {
        String s = p.toString();
        return s.indexOf(':') < 0 && s.indexOf(',') < 0 && s.indexOf('\\') < 0 && s.indexOf('\n') < 0;
    }

    private static String directLowerdir(Generation gen) {
        StringBuilder b = new StringBuilder("lowerdir=");
        for (int i = gen.layerDirs().size() - 1; i >= 0; i--) {
            b.append(gen.layerDirs().get(i));
            if (i > 0) {
                b.append(':');
            }
        }
        return b.toString();
    }

    private static String tail(Path upperAndWorkIn) {
        return ",upperdir=" + upperAndWorkIn.resolve("upper") + ",workdir=" + upperAndWorkIn.resolve("work") + ",index=off";
    }

    /**
     * The mount options, top layer first (overlay's order): the store's directories themselves, or the
     * generation's short links {@code l/<i>} when the generation has them; upper and work dirs in
     * {@code upperAndWorkIn} (the generation's or an invocation's directory).
     */
    String options(Generation gen, Path upperAndWorkIn) throws IOException {
        Path links = gen.dir().resolve("l");
        String lower;
        if (Files.isDirectory(links)) {
            StringBuilder b = new StringBuilder("lowerdir=");
            for (int i = gen.layerDirs().size() - 1; i >= 0; i--) {
                b.append(links.resolve(Integer.toString(i)));
                if (i > 0) {
                    b.append(':');
                }
            }
            lower = b.toString();
        } else {
            lower = directLowerdir(gen);
        }
        String o = lower + tail(upperAndWorkIn);
        if (o.length() > MAX_OPTIONS) {
            throw new IOException("function " + gen.functionId() + ": overlay options for " + gen.layerDirs().size()
                    + " layers are " + o.length() + " bytes, over the " + MAX_OPTIONS
                    + "-byte mount(2) limit; use a shorter backend root directory");
        }
        return o;
    }

    /** Unmounts the generation and any invocation overlay a failed close left in it (deepest first). */
    @Override
    protected void teardown(Generation gen) throws IOException {
        NativeIO n = requireNative("unmount an overlay");
        if (gen.isMounted() || MountTable.read().isMountPoint(gen.merged())) {
            n.umount2(gen.merged(), NativeIO.MNT_DETACH);
            gen.setMounted(false);
        }
        if (hasInvocationDirs(gen.dir())) {
            for (MountTable.Mount m : MountTable.read().under(gen.dir())) {
                n.umount2(m.mountPoint(), NativeIO.MNT_DETACH);
            }
        }
    }

    private static boolean hasInvocationDirs(Path genDir) throws IOException {
        try (var entries = Files.newDirectoryStream(genDir, INVOCATION_PREFIX + "*")) {
            return entries.iterator().hasNext();
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Intact: mounted as overlay with nosuid and nodev, read-only exactly when the function has no
     * persistent upper (a mount an older version made without them is re-made by {@link #rebuild}).
     */
    @Override
    protected boolean isIntact(Generation gen, MountTable mounts) {
        return mounts.at(gen.merged()).filter(m -> m.fsType().equals("overlay") && m.hasOption("nosuid") && m.hasOption("nodev")
                && m.hasOption("ro") != hasPersistentUpper(gen.functionId())).isPresent();
    }

    /** Re-mounts; a function without a persistent upper starts from an empty upper (nothing carried over). */
    @Override
    protected void rebuild(Generation gen) throws IOException {
        for (Path p : gen.layerDirs()) {
            if (!Files.isDirectory(p)) {
                throw new IOException("layer directory " + p + " is gone");
            }
        }
        Path upper = gen.dir().resolve("upper");
        if (!Files.isDirectory(upper)) {
            throw new IOException("generation directory " + gen.dir() + " lacks upper/");
        }
        deleteInvocationDirs(gen.dir());
        Files.setPosixFilePermissions(gen.dir(), GenerationLayout.PRIVATE);
        if (!hasPersistentUpper(gen.functionId())) {
            Trees.deleteTree(upper);
            Trees.deleteTree(gen.dir().resolve("work"));
            createUpperAndWork(gen, gen.dir());
        }
        if (!Files.isDirectory(gen.dir().resolve("work"))) {
            GenerationLayout.createPrivateDirectory(gen.dir().resolve("work"));
        }
        Files.createDirectories(gen.merged());
        mount(requireNative("re-mount an overlay"), gen);
    }

    /**
     * Start-up recovery (see {@link GenerationalBackend#recover}); afterwards the invocation
     * directories left in kept generations by a crash (their mounts are detached by then) are deleted:
     * their writes never outlive the invocation.
     */
    @Override
    public RecoveryReport recover() throws IOException {
        RecoveryReport r = super.recover();
        for (var c : composed()) {
            Path genDir = stablePath(c.functionId()).getParent().resolve("gen-" + c.generation());
            try {
                deleteInvocationDirs(genDir);
            } catch (IOException e) {
                log.warn("overlay backend recovery: cannot delete invocation directories of {}: {}", genDir, e.toString());
            }
        }
        return r;
    }

    private static void deleteInvocationDirs(Path genDir) throws IOException {
        if (!Files.isDirectory(genDir)) {
            return;
        }
        try (var entries = Files.newDirectoryStream(genDir, INVOCATION_PREFIX + "*")) {
            for (Path inv : entries) {
                Trees.deleteTree(inv);
            }
        }
    }
}

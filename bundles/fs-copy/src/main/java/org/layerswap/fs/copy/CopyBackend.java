package org.layerswap.fs.copy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.fs.common.GenerationalBackend;
import org.layerswap.fs.common.MountTable;
import org.layerswap.fs.common.SandboxAccess;
import org.layerswap.fs.common.Trees;
import org.layerswap.nativeio.NativeIO;

/**
 * The portable backend: no mounts. Each generation's {@code merged/} is a farm built by applying the
 * layers base first with OverlayFS semantics (a 0/0 character device deletes the lower entry, a
 * directory carrying {@code trusted.overlay.opaque=y} hides the lower directory's contents).
 *
 * <p>Isolation (a hostile function must not reach shared layers or other functions): by default every
 * regular file is <em>copied</em> into the generation (a reflink where the file system shares extents
 * copy-on-write, btrfs or xfs; the bytes elsewhere: {@link FileCopier}), so a function's writes stay in its own farm and
 * never reach the store's layer tree or another function's root. Copies lose setuid/setgid bits (there
 * is no {@code nosuid} mount to neutralise them, unlike the overlay backend) and device nodes of a layer
 * are never recreated (only whiteouts are applied). The generation directory is 0700.
 *
 * <p>{@code linkFiles=true} is an opt-in, UNSAFE for untrusted functions: regular files are then
 * hard-linked from the layer directory (no bytes duplicated) unless their path starts with one of the
 * {@code copyPrefixes} (directories a function is expected to write, e.g. {@code tmp}, {@code var}),
 * they carry setuid/setgid bits, or the link fails (another file system, protected_hardlinks): those
 * are copied. A hard link shares its inode with the store's layer file, so a function that writes into
 * a linked file changes the shared layer for every function using it.
 *
 * <p>Unlike the overlay backend the invocations of one generation share its farm: a write persists
 * until the next swap (each compose builds a fresh farm, nothing is carried over).
 * The same stable-path flip as the overlay backend makes swaps atomic.
 */
public class CopyBackend extends GenerationalBackend {

    public static final String NAME = "copy";

    private final boolean linkFiles;
    private final List<String> copyPrefixes;
    private final AtomicLong linked = new AtomicLong();
    private final AtomicLong copied = new AtomicLong();
    private final AtomicLong reflinked = new AtomicLong();

    /**
     * @param linkFiles    hard-link files from the store (UNSAFE for untrusted functions; see the class comment)
     * @param copyPrefixes with {@code linkFiles}: path prefixes whose files are copied all the same
     */
    public CopyBackend(Path root, long graceMillis, boolean linkFiles, List<String> copyPrefixes) {
        this(root, graceMillis, linkFiles, copyPrefixes, SandboxAccess.ROOT);
    }

    /**
     * @param access the unprivileged host user sandboxes run as: owner of each farm's root directory, let
     *               through the backend's directories ({@link SandboxAccess})
     */
    public CopyBackend(Path root, long graceMillis, boolean linkFiles, List<String> copyPrefixes, SandboxAccess access) {
        super(root, graceMillis);
        sandboxAccess(access);
        this.linkFiles = linkFiles;
        List<String> p = new ArrayList<>();
        for (String s : copyPrefixes) {
            String t = s.trim();
            while (t.startsWith("/")) {
                t = t.substring(1);
            }
            if (!t.isEmpty()) {
                p.add(t);
            }
        }
        this.copyPrefixes = List.copyOf(p);
    }

    @Override
    public String name() {
        return NAME;
    }

    private volatile String unavailable;

    @Override
    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    /** "" unless the sandbox user cannot reach trees under the root (checked once). */
    @Override
    public String unavailableReason() {
        String u = unavailable;
        if (u == null) {
            u = sandboxReachProblem();
            unavailable = u;
        }
        return u;
    }

    public long filesLinked() {
        return linked.get();
    }

    /** Files copied (reflinked or byte-copied). */
    public long filesCopied() {
        return copied.get();
    }

    /** Of {@link #filesCopied()}, those made as reflinks (extents shared copy-on-write, no bytes duplicated). */
    public long filesReflinked() {
        return reflinked.get();
    }

    @Override
    protected void build(Generation gen, List<Path> layerDirs, Generation keepWritesFrom) throws IOException {
        Path merged = Files.createDirectory(gen.merged());
        for (Path layer : layerDirs) {
            apply(layer, merged);
        }
        Path top = layerDirs.get(layerDirs.size() - 1);
        Files.setPosixFilePermissions(merged, Files.getPosixFilePermissions(top)); // the function's '/'
        sandboxAccess().own(merged, nativeIo);
    }

    @Override
    protected void teardown(Generation gen) {
        // nothing mounted: the caller deletes the directory
    }

    @Override
    protected boolean isIntact(Generation gen, MountTable mounts) {
        return Files.isDirectory(gen.merged(), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    protected void rebuild(Generation gen) throws IOException {
        Trees.deleteTree(gen.merged());
        build(gen, gen.layerDirs(), null);
    }

    private boolean shouldCopy(String rel) {
        if (!linkFiles) {
            return true;
        }
        for (String p : copyPrefixes) {
            if (rel.equals(p) || rel.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    /** Applies one layer onto {@code target} with overlay semantics. */
    void apply(Path layer, Path target) throws IOException {
        List<Path[]> dirTimes = new ArrayList<>();
        FileCopier copier = new FileCopier(nativeIo);
        Files.walkFileTree(layer, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = layer.relativize(dir).toString();
                if (rel.isEmpty()) {
                    return FileVisitResult.CONTINUE;
                }
                Path dst = target.resolve(rel);
                boolean opaque = isOpaque(dir);
                boolean exists = Files.exists(dst, LinkOption.NOFOLLOW_LINKS);
                if (exists && (opaque || !Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS))) {
                    Trees.deleteTree(dst);
                    exists = false;
                }
                if (!exists) {
                    Files.createDirectory(dst);
                }
                copyMetadata(dir, dst);
                dirTimes.add(new Path[] {dir, dst});
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = layer.relativize(file).toString();
                Path dst = target.resolve(rel);
                if (attrs.isOther() && Trees.isWhiteout(file)) {
                    Trees.deleteTree(dst);
                    return FileVisitResult.CONTINUE;
                }
                if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
                    Trees.deleteTree(dst);
                }
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(dst, Files.readSymbolicLink(file));
                    owner(file, dst);
                } else if (attrs.isRegularFile()) {
                    if (!shouldCopy(rel) && !setIds(file) && tryLink(dst, file)) {
                        linked.incrementAndGet();
                    } else {
                        if (copier.copy(file, dst) == FileCopier.How.REFLINK) {
                            reflinked.incrementAndGet();
                        }
                        owner(file, dst);
                        // after the chown: rwx bits only, so no setuid/setgid bit survives the copy
                        Files.setPosixFilePermissions(dst, Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
                        copied.incrementAndGet();
                    }
                } else {
                    log.warn("copy backend: skipping special file {} of layer {} (only whiteouts are applied)", rel, layer);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (int i = dirTimes.size() - 1; i >= 0; i--) { // children first, so creating entries does not bump the times again
            Path[] d = dirTimes.get(i);
            FileTime t = Files.getLastModifiedTime(d[0], LinkOption.NOFOLLOW_LINKS);
            Files.setLastModifiedTime(d[1], t);
        }
    }

    /** Whether a file carries setuid or setgid bits (never linked: the bit would stay effective). */
    private static boolean setIds(Path file) throws IOException {
        return (((Number) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 06000) != 0;
    }

    private boolean tryLink(Path dst, Path src) {
        try {
            Files.createLink(dst, src);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // EXDEV (another file system), EPERM (protected_hardlinks): copy instead
        }
    }

    private boolean isOpaque(Path dir) throws IOException {
        if (nativeIo.isEmpty()) {
            return false;
        }
        try {
            return nativeIo.get().lgetxattr(dir, NativeIO.OVERLAY_OPAQUE_XATTR).map(v -> v.length > 0 && v[0] == 'y').orElse(false);
        } catch (IOException e) {
            return false; // trusted.* xattrs are invisible without CAP_SYS_ADMIN, or unsupported by the file system
        }
    }

    private void copyMetadata(Path src, Path dst) throws IOException {
        try {
            Files.setPosixFilePermissions(dst, Files.getPosixFilePermissions(src, LinkOption.NOFOLLOW_LINKS));
        } catch (UnsupportedOperationException e) {
            // non-POSIX file system
        }
        owner(src, dst);
    }

    private void owner(Path src, Path dst) throws IOException {
        if (nativeIo.isPresent() && nativeIo.get().isRoot()) {
            nativeIo.get().lchown(dst, (Integer) Files.getAttribute(src, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                    (Integer) Files.getAttribute(src, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        }
    }
}

package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;

import org.layerswap.nativeio.NativeIO;

/** File tree helpers that never follow symlinks and never cross into another mount. */
public final class Trees {

    private Trees() {
    }

    /** The device id of {@code p} itself (not following a symlink). */
    public static long device(Path p) throws IOException {
        Object dev = Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        return ((Number) dev).longValue();
    }

    /** True when {@code p} is a 0/0 character device: an OverlayFS whiteout. */
    public static boolean isWhiteout(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        int mode = ((Number) a.get("mode")).intValue();
        long rdev = ((Number) a.get("rdev")).longValue();
        return (mode & 0170000) == NativeIO.S_IFCHR && rdev == 0;
    }

    /**
     * Deletes {@code root} and everything below it; absent is a no-op. Symlinks are removed, never
     * followed (a symlink {@code root} is removed itself). Refuses (IOException) to descend into a
     * directory on another device than {@code root}: a mount point left below would otherwise have its
     * contents (possibly shared layers, or the host's files through a bind mount) deleted; what was
     * deleted before reaching it stays deleted. Directories on {@code root}'s device are made
     * writable for their owner first, so trees unpacked read-only (mode 0555) can be emptied without
     * root. Entries that vanish meanwhile are fine. The one delete of trees in the project: the layer
     * store uses it too.
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        final long dev = device(root);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (device(dir) != dev) {
                    throw new IOException("refusing to delete " + dir + ": it is on another device (a mount point is still there)");
                }
                dir.toFile().setWritable(true, true); // preVisitDirectory only sees real directories, never a link
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Copies an OverlayFS upper tree (a function's own writes) to {@code dst}: regular files, dirs,
     * symlinks, whiteouts (0/0 char devices, recreated with mknod) and the opaque-directory xattr.
     * Whiteouts and opaque xattrs need root; without {@code nativeIo} they are skipped.
     */
    public static void copyUpperTree(Path src, Path dst, Optional<NativeIO> nativeIo) throws IOException {
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path d = dst.resolve(src.relativize(dir).toString());
                if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(d);
                }
                Files.setPosixFilePermissions(d, Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
                if (nativeIo.isPresent()) {
                    Optional<byte[]> opaque = nativeIo.get().lgetxattr(dir, NativeIO.OVERLAY_OPAQUE_XATTR);
                    if (opaque.isPresent()) {
                        nativeIo.get().lsetxattr(d, NativeIO.OVERLAY_OPAQUE_XATTR, opaque.get());
                    }
                    Object uid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                    Object gid = Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                    if (nativeIo.get().isRoot()) {
                        nativeIo.get().lchown(d, (Integer) uid, (Integer) gid);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path d = dst.resolve(src.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(d, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    Files.copy(file, d, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } else if (isWhiteout(file)) {
                    if (nativeIo.isPresent()) {
                        nativeIo.get().makeWhiteout(d);
                    }
                    return FileVisitResult.CONTINUE;
                } else {
                    return FileVisitResult.CONTINUE; // sockets, fifos, devices written by a function are not carried over
                }
                if (nativeIo.isPresent() && nativeIo.get().isRoot()) {
                    nativeIo.get().lchown(d, (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                            (Integer) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

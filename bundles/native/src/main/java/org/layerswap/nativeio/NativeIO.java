package org.layerswap.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

import org.layerswap.nativeio.internal.LibC;

/**
 * A few Linux libc calls through JNR-FFI: device nodes, extended attributes, ownership, times,
 * mount/umount and {@code renameat2}. Every failure becomes an {@link IOException} naming the
 * call, the path(s) and the errno text. Thread-safe; {@link #get()} loads libc once.
 */
public final class NativeIO {

    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int XATTR_CREATE = 1;
    public static final int XATTR_REPLACE = 2;
    public static final int RENAME_NOREPLACE = 1;
    public static final int RENAME_EXCHANGE = 2;
    public static final int MNT_DETACH = 2;
    public static final long MS_RDONLY = 1L;
    public static final long MS_BIND = 4096L;
    public static final int ENODATA = 61;
    public static final int EPERM = 1;
    public static final int EXDEV = 18;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int EOPNOTSUPP = 95;
    /** {@code _IOW(0x94, 9, int)}: share the source descriptor's extents with the destination (linux/fs.h). */
    static final long FICLONE = 0x40049409L;

    /** The overlay whiteout xattr marking a directory opaque. */
    public static final String OVERLAY_OPAQUE_XATTR = "trusted.overlay.opaque";

    private static volatile NativeIO instance;
    private static volatile Throwable loadFailure;

    private final LibC libc;
    private final Runtime runtime;

    private final FdOps fd;

    private NativeIO(LibC libc) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
        this.fd = new FdOps(this, libc, runtime);
    }

    /** Descriptor-relative, never-following operations (the tar unpacker's only way to touch a layer). */
    public FdOps fd() {
        return fd;
    }

    /** libc, loaded on first use; throws {@link IOException} explaining why when it cannot be loaded. */
    public static NativeIO get() throws IOException {
        NativeIO n = instance;
        if (n != null) {
            return n;
        }
        synchronized (NativeIO.class) {
            if (instance == null) {
                if (loadFailure != null) {
                    throw new IOException("native libc binding unavailable: " + loadFailure, loadFailure);
                }
                try {
                    ClassLoader previous = Thread.currentThread().getContextClassLoader();
                    Thread.currentThread().setContextClassLoader(NativeIO.class.getClassLoader());
                    try {
                        instance = new NativeIO(LibraryLoader.create(LibC.class).load("c"));
                    } finally {
                        Thread.currentThread().setContextClassLoader(previous);
                    }
                } catch (Throwable t) { // UnsatisfiedLinkError, LinkageError: report, do not kill the caller
                    loadFailure = t;
                    throw new IOException("native libc binding unavailable: " + t, t);
                }
            }
            return instance;
        }
    }

    /** {@link #get()} or empty when the binding cannot load (non-Linux, missing native library). */
    public static Optional<NativeIO> tryGet() {
        try {
            return Optional.of(get());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public int geteuid() {
        return libc.geteuid();
    }

    public boolean isRoot() {
        return geteuid() == 0;
    }

    /** {@code mknod(path, mode, makedev(major, minor))}; {@code mode} includes the file type bits. */
    public void mknod(Path path, int mode, int major, int minor) throws IOException {
        check(libc.mknod(path.toString(), mode, makedev(major, minor)), "mknod", path);
    }

    /** An OverlayFS whiteout: a character device with device number 0/0. */
    public void makeWhiteout(Path path) throws IOException {
        mknod(path, S_IFCHR, 0, 0);
    }

    public void setxattr(Path path, String name, byte[] value) throws IOException {
        check(libc.setxattr(path.toString(), name, value, value.length, 0), "setxattr " + name, path);
    }

    /** Like {@link #setxattr} but on a symlink itself, not its target. */
    public void lsetxattr(Path path, String name, byte[] value) throws IOException {
        check(libc.lsetxattr(path.toString(), name, value, value.length, 0), "lsetxattr " + name, path);
    }

    /** The attribute's value, or empty when the file does not carry it. */
    public Optional<byte[]> getxattr(Path path, String name) throws IOException {
        return xattr(path, name, false);
    }

    public Optional<byte[]> lgetxattr(Path path, String name) throws IOException {
        return xattr(path, name, true);
    }

    private Optional<byte[]> xattr(Path path, String name, boolean noFollow) throws IOException {
        byte[] buf = new byte[256];
        while (true) {
            long n = noFollow ? libc.lgetxattr(path.toString(), name, buf, buf.length)
                    : libc.getxattr(path.toString(), name, buf, buf.length);
            if (n >= 0) {
                return Optional.of(Arrays.copyOf(buf, (int) n));
            }
            int errno = runtime.getLastError();
            if (errno == ENODATA) {
                return Optional.empty();
            }
            if (errno == 34 /* ERANGE */ && buf.length < (1 << 20)) {
                buf = new byte[buf.length * 4];
                continue;
            }
            throw failure(errno, (noFollow ? "lgetxattr " : "getxattr ") + name, path.toString());
        }
    }

    /** Changes owner and group without following a symlink. */
    public void lchown(Path path, int uid, int gid) throws IOException {
        check(libc.lchown(path.toString(), uid, gid), "lchown " + uid + ":" + gid, path);
    }

    /**
     * Full mode including setuid/setgid/sticky bits. FOLLOWS symlinks: never use it on a path an untrusted
     * archive could have shaped; {@link FdOps#fchmod} / {@link FdOps#fchmodatNoFollow} are the safe forms.
     */
    public void chmod(Path path, int mode) throws IOException {
        check(libc.chmod(path.toString(), mode & 07777), "chmod " + Integer.toOctalString(mode & 07777), path);
    }

    /** Sets access and modification times (epoch nanoseconds) of {@code path} itself, symlinks included. */
    public void setTimesNoFollow(Path path, long atimeNanos, long mtimeNanos) throws IOException {
        check(libc.utimensat(AT_FDCWD, path.toString(), timespecs(atimeNanos, mtimeNanos), AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    /** Two {@code struct timespec} (atime, mtime) from epoch nanoseconds. */
    static long[] timespecs(long atimeNanos, long mtimeNanos) {
        return new long[] {
            Math.floorDiv(atimeNanos, 1_000_000_000L), Math.floorMod(atimeNanos, 1_000_000_000L),
            Math.floorDiv(mtimeNanos, 1_000_000_000L), Math.floorMod(mtimeNanos, 1_000_000_000L)};
    }

    public void mount(String source, Path target, String fsType, long flags, String data) throws IOException {
        int rc = libc.mount(source, target.toString(), fsType, flags, data);
        if (rc != 0) {
            throw failure(runtime.getLastError(), "mount -t " + fsType + " " + source + " (options " + data + ")",
                    target.toString());
        }
    }

    public void umount2(Path target, int flags) throws IOException {
        check(libc.umount2(target.toString(), flags), "umount2", target);
    }

    /** {@code renameat2(AT_FDCWD, from, AT_FDCWD, to, flags)}; with {@link #RENAME_EXCHANGE} swaps both atomically. */
    public void renameat2(Path from, Path to, int flags) throws IOException {
        int rc = libc.renameat2(AT_FDCWD, from.toString(), AT_FDCWD, to.toString(), flags);
        if (rc != 0) {
            throw failure(runtime.getLastError(), "renameat2(flags=" + flags + ")", from + " -> " + to);
        }
    }

    /**
     * Space of the file system holding {@code path} ({@code statvfs(3)}): through an overlay mount this is the
     * file system of its upper layer.
     */
    public FileSystemSpace statvfs(Path path) throws IOException {
        long[] b = new long[14];
        check(libc.statvfs(path.toString(), b), "statvfs", path);
        long frsize = b[1] == 0 ? b[0] : b[1];
        return new FileSystemSpace(b[2] * frsize, b[4] * frsize, b[5], b[7]);
    }

    /**
     * Creates {@code dst} (exclusively, never through a symlink, with {@code mode}'s rwx bits) as a reflink of
     * {@code src}: {@code ioctl(FICLONE)} shares the source's extents, copy-on-write (btrfs, xfs with reflink,
     * bcachefs, ...). Returns false, with {@code dst} not left behind, when the file system refuses to clone
     * (EOPNOTSUPP, EXDEV, EINVAL, ENOTTY: tmpfs, ext4, different file systems): the caller then copies the bytes.
     * Any other failure is thrown.
     */
    public boolean reflink(Path src, Path dst, int mode) throws IOException {
        int in = libc.openat(AT_FDCWD, src.toString(), FdOps.O_RDONLY | FdOps.O_NOFOLLOW | FdOps.O_CLOEXEC, 0);
        if (in < 0) {
            throw failure(runtime.getLastError(), "open", src.toString());
        }
        try {
            int out = libc.openat(AT_FDCWD, dst.toString(), FdOps.O_WRONLY | FdOps.O_CREAT | FdOps.O_EXCL | FdOps.O_NOFOLLOW
                    | FdOps.O_CLOEXEC, mode & 0777);
            if (out < 0) {
                throw failure(runtime.getLastError(), "create", dst.toString());
            }
            int errno = 0;
            try {
                if (libc.ioctl(out, FICLONE, in) != 0) {
                    errno = runtime.getLastError();
                }
            } finally {
                libc.close(out);
            }
            if (errno == 0) {
                return true;
            }
            libc.unlinkat(AT_FDCWD, dst.toString(), 0);
            if (refusesClone(errno)) {
                return false;
            }
            throw failure(errno, "ioctl(FICLONE) from " + src, dst.toString());
        } finally {
            libc.close(in);
        }
    }

    /** The errno values with which a file system says "no reflink here" (not a real I/O failure). */
    static boolean refusesClone(int errno) {
        return errno == EOPNOTSUPP || errno == EXDEV || errno == EINVAL || errno == ENOTTY;
    }

    /** The C library's message for an errno value. */
    public String strerror(int errno) {
        String s = libc.strerror(errno);
        return s == null ? "errno " + errno : s;
    }

    private void check(int rc, String op, Path path) throws IOException {
        if (rc != 0) {
            throw failure(runtime.getLastError(), op, path.toString());
        }
    }

    NativeErrnoException failure(int errno, String op, String what) {
        return new NativeErrnoException(op + " failed on " + what + ": " + strerror(errno) + " (errno " + errno + ")", errno);
    }

    /** glibc's {@code makedev}. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0x00000fffL) << 8) | ((ma & 0xfffff000L) << 32) | (mi & 0x000000ffL) | ((mi & 0xffffff00L) << 12);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package org.layerswap.nativeio;

import java.io.IOException;

import jnr.ffi.Runtime;

import org.layerswap.nativeio.internal.LibC;

/**
 * Descriptor-relative file operations ({@code openat}, {@code openat2}, {@code mkdirat},
 * {@code symlinkat}, {@code linkat}, {@code mknodat}, {@code unlinkat}, {@code fchmod[at]},
 * {@code fchown[at]}, {@code futimens}/{@code utimensat}, {@code fsetxattr}, {@code write}).
 * Invariant: nothing here follows a symlink: every {@code *at} call that could follow one is made
 * with {@code AT_SYMLINK_NOFOLLOW} / {@code O_NOFOLLOW}, and {@link #openBeneath} refuses any symlink
 * and any escape from its starting directory, so a caller that resolves every path from a directory
 * descriptor cannot be redirected outside it. Obtain through {@link NativeIO#fd()}.
 */
public final class FdOps {

    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    public static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;
    public static final int AT_REMOVEDIR = 0x200;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08;
    static final long SYS_OPENAT2 = 437; // same number on x86_64 and aarch64
    public static final int ENOENT = 2;
    public static final int ENOSYS = 38;

    private final LibC libc;
    private final Runtime runtime;
    private final NativeIO io;
    /** null until the first call; false once openat2 answered ENOSYS (old kernel): component-wise openat from then on. */
    private volatile Boolean openat2Works;

    FdOps(NativeIO io, LibC libc, Runtime runtime) {
        this.io = io;
        this.libc = libc;
        this.runtime = runtime;
    }

    /** Opens a directory the caller trusts (e.g. the layer root it created) with {@code O_DIRECTORY|O_NOFOLLOW}. */
    public int openDirectory(String path) throws IOException {
        return fd(libc.openat(NativeIO.AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0), "open directory", path);
    }

    /**
     * Opens {@code rel} ('/'-separated, no {@code ..}) below the directory {@code dirfd} without following
     * any symlink and without leaving it: {@code openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS)}
     * where the kernel has it (5.6+), else one {@code openat(O_NOFOLLOW)} per component. A symlink on the
     * way fails with ELOOP (or ENOTDIR), never resolves.
     */
    public int openBeneath(int dirfd, String rel, int flags) throws IOException {
        flags |= O_NOFOLLOW | O_CLOEXEC;
        if (rel.isEmpty() || rel.equals(".")) {
            return fd(libc.openat(dirfd, ".", flags, 0), "openat", ".");
        }
        if (!Boolean.FALSE.equals(openat2Works)) {
            long[] how = {flags & 0xffffffffL, 0, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
            long rc = libc.syscall(SYS_OPENAT2, dirfd, rel, how, 24);
            if (rc >= 0) {
                openat2Works = true;
                return (int) rc;
            }
            int errno = runtime.getLastError();
            if (errno != ENOSYS) {
                throw io.failure(errno, "openat2 (beneath, no symlinks)", rel);
            }
            openat2Works = false;
        }
        return openComponentWise(dirfd, rel, flags);
    }

    /** Whether {@link #openBeneath} uses openat2 (known after its first call). */
    public boolean usesOpenat2() {
        return Boolean.TRUE.equals(openat2Works);
    }

    int openComponentWise(int dirfd, String rel, int flags) throws IOException {
        String[] parts = rel.split("/");
        int cur = -1;
        try {
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.equals(".") || p.equals("..")) {
                    throw new NativeErrnoException("openat component-wise failed on " + rel + ": component '" + p
                            + "' is not allowed", 18 /* EXDEV, as openat2 RESOLVE_BENEATH */);
                }
                boolean last = i == parts.length - 1;
                int from = cur < 0 ? dirfd : cur;
                int next = fd(libc.openat(from, p, last ? flags : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0), "openat", rel);
                if (cur >= 0) {
                    libc.close(cur);
                }
                cur = next;
            }
            int result = cur;
            cur = -1;
            return result;
        } finally {
            if (cur >= 0) {
                libc.close(cur);
            }
        }
    }

    public void close(int fd) {
        if (fd >= 0) {
            libc.close(fd);
        }
    }

    /** Creates {@code name} in {@code dirfd} exclusively ({@code O_CREAT|O_EXCL|O_NOFOLLOW}) for writing. */
    public int createExclusive(int dirfd, String name, int mode) throws IOException {
        return fd(libc.openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode), "openat O_CREAT|O_EXCL", name);
    }

    /** Writes all {@code len} bytes of {@code buf}. */
    public void writeFully(int fd, byte[] buf, int len) throws IOException {
        int off = 0;
        byte[] b = buf;
        while (off < len) {
            if (off > 0) {
                b = java.util.Arrays.copyOfRange(buf, off, len); // rare partial write
            }
            long n = libc.write(fd, b, len - off);
            if (n <= 0) {
                throw io.failure(runtime.getLastError(), "write", "fd " + fd);
            }
            off += (int) n;
        }
    }

    public void mkdirat(int dirfd, String name, int mode) throws IOException {
        check(libc.mkdirat(dirfd, name, mode), "mkdirat", name);
    }

    public void symlinkat(String target, int dirfd, String name) throws IOException {
        check(libc.symlinkat(target, dirfd, name), "symlinkat -> " + target, name);
    }

    /** Hard link {@code toName} in {@code toDir} to {@code fromName} in {@code fromDir}; flags 0: a symlink is linked itself, never followed. */
    public void linkat(int fromDir, String fromName, int toDir, String toName) throws IOException {
        check(libc.linkat(fromDir, fromName, toDir, toName, 0), "linkat " + fromName, toName);
    }

    /** {@code mode} includes the file type bits. */
    public void mknodat(int dirfd, String name, int mode, int major, int minor) throws IOException {
        check(libc.mknodat(dirfd, name, mode, NativeIO.makedev(major, minor)), "mknodat", name);
    }

    /** Removes {@code name} (a directory with {@link #AT_REMOVEDIR}); false when it did not exist. Never follows. */
    public boolean unlinkat(int dirfd, String name, int flags) throws IOException {
        if (libc.unlinkat(dirfd, name, flags) == 0) {
            return true;
        }
        int errno = runtime.getLastError();
        if (errno == ENOENT) {
            return false;
        }
        throw io.failure(errno, "unlinkat", name);
    }

    public void fchmod(int fd, int mode) throws IOException {
        check(libc.fchmod(fd, mode & 07777), "fchmod " + Integer.toOctalString(mode & 07777), "fd " + fd);
    }

    public void fchown(int fd, int uid, int gid) throws IOException {
        check(libc.fchown(fd, uid, gid), "fchown " + uid + ":" + gid, "fd " + fd);
    }

    public void futimens(int fd, long atimeNanos, long mtimeNanos) throws IOException {
        check(libc.futimens(fd, NativeIO.timespecs(atimeNanos, mtimeNanos)), "futimens", "fd " + fd);
    }

    /** {@code fchmodat(AT_SYMLINK_NOFOLLOW)}: on a symlink it fails (EOPNOTSUPP) instead of changing the target. */
    public void fchmodatNoFollow(int dirfd, String name, int mode) throws IOException {
        check(libc.fchmodat(dirfd, name, mode & 07777, NativeIO.AT_SYMLINK_NOFOLLOW), "fchmodat nofollow " + Integer.toOctalString(mode & 07777), name);
    }

    public void fchownatNoFollow(int dirfd, String name, int uid, int gid) throws IOException {
        check(libc.fchownat(dirfd, name, uid, gid, NativeIO.AT_SYMLINK_NOFOLLOW), "fchownat nofollow " + uid + ":" + gid, name);
    }

    public void utimensatNoFollow(int dirfd, String name, long atimeNanos, long mtimeNanos) throws IOException {
        check(libc.utimensat(dirfd, name, NativeIO.timespecs(atimeNanos, mtimeNanos), NativeIO.AT_SYMLINK_NOFOLLOW), "utimensat nofollow", name);
    }

    public void fsetxattr(int fd, String name, byte[] value) throws IOException {
        check(libc.fsetxattr(fd, name, value, value.length, 0), "fsetxattr " + name, "fd " + fd);
    }

    private int fd(int rc, String op, String what) throws IOException {
        if (rc < 0) {
            throw io.failure(runtime.getLastError(), op, what);
        }
        return rc;
    }

    private void check(int rc, String op, String what) throws IOException {
        if (rc != 0) {
            throw io.failure(runtime.getLastError(), op, what);
        }
    }
}

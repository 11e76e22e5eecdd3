package org.layerswap.nativeio.internal;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/** The libc calls LayerSwap needs (x86_64/aarch64 Linux, glibc >= 2.33 for a real {@code mknod} symbol). */
public interface LibC {

    @SaveError
    int mknod(String path, int mode, long dev);

    @SaveError
    int setxattr(String path, String name, @In byte[] value, long size, int flags);

    @SaveError
    int lsetxattr(String path, String name, @In byte[] value, long size, int flags);

    @SaveError
    long getxattr(String path, String name, @Out byte[] value, long size);

    @SaveError
    long lgetxattr(String path, String name, @Out byte[] value, long size);

    @SaveError
    int lchown(String path, int uid, int gid);

    @SaveError
    int chmod(String path, int mode);

    @SaveError
    int utimensat(int dirfd, String path, @In long[] times, int flags);

    @SaveError
    int mount(String source, String target, String fstype, long flags, String data);

    @SaveError
    int umount2(String target, int flags);

    @SaveError
    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    // --- descriptor-relative calls: the tar unpacker never hands a path to the kernel to re-resolve

    @SaveError
    int openat(int dirfd, String path, int flags, int mode);

    /** Raw {@code syscall(2)}, used for {@code openat2(dirfd, path, struct open_how *, size)} (no glibc wrapper). */
    @SaveError
    long syscall(long number, int dirfd, String path, @In long[] how, long size);

    @SaveError
    int close(int fd);

    @SaveError
    long write(int fd, @In byte[] buf, long count);

    @SaveError
    int mkdirat(int dirfd, String path, int mode);

    @SaveError
    int symlinkat(String target, int newdirfd, String linkpath);

    @SaveError
    int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    @SaveError
    int mknodat(int dirfd, String path, int mode, long dev);

    @SaveError
    int unlinkat(int dirfd, String path, int flags);

    @SaveError
    int fchmod(int fd, int mode);

    @SaveError
    int fchmodat(int dirfd, String path, int mode, int flags);

    @SaveError
    int fchown(int fd, int uid, int gid);

    @SaveError
    int fchownat(int dirfd, String path, int uid, int gid, int flags);

    @SaveError
    int futimens(int fd, @In long[] times);

    @SaveError
    int fsetxattr(int fd, String name, @In byte[] value, long size, int flags);

    /** {@code ioctl(fd, request, int arg)}: used for {@code FICLONE} (the argument is the source descriptor). */
    @SaveError
    int ioctl(int fd, long request, int arg);

    /** {@code struct statvfs} on 64-bit Linux: 11 longs (bsize, frsize, blocks, bfree, bavail, files, ffree, favail, fsid, flag, namemax) + spare. */
    @SaveError
    int statvfs(String path, @Out long[] buf);

    String strerror(int errnum);

    int geteuid();
}

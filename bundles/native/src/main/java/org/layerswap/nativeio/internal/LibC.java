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

    String strerror(int errnum);

    int geteuid();
}

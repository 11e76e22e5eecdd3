package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

import org.layerswap.nativeio.NativeIO;

/**
 * The unprivileged host user sandboxes run as (the executor starts bubblewrap under this uid/gid, so every file a
 * function writes is owned by it, never by root), and how that user reaches a function's root through the backend's
 * directories without anyone else doing so:
 * <ul>
 * <li>the backend's own directories (root, function, generation) stay owned by root, group {@link #gid()}, mode
 * 0710 ({@link #grantTraversal}): the sandbox's group may pass through them, but not list or change them; other
 * host users still get nothing;</li>
 * <li>the tree a function runs in has its top directory owned by {@link #uid()}:{@link #gid()} ({@link #own}): its
 * {@code /} is its own, as in a container; files of its layers keep their owners (root's stay unwritable).</li>
 * </ul>
 * {@link #ROOT} keeps the earlier layout (0700 directories, the top layer's owner on {@code /}) for backends used
 * without sandboxes.
 */
public record SandboxAccess(int uid, int gid) {

    /** No unprivileged sandbox user: directories 0700, roots keep the top layer's owner. */
    public static final SandboxAccess ROOT = new SandboxAccess(0, 0);
    /** rwx--x---: the owner (root) may do anything, the sandbox's group may only pass through. */
    public static final Set<PosixFilePermission> TRAVERSE = PosixFilePermissions.fromString("rwx--x---");

    public SandboxAccess {
        if (uid < 0 || gid < 0 || (uid == 0) != (gid == 0)) {
            throw new IllegalArgumentException("the sandbox user must be uid > 0 and gid > 0 (or both 0 for none), got "
                    + uid + ":" + gid);
        }
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /** Lets the sandbox's group pass through {@code dir} (root:gid 0710); nothing for {@link #ROOT}. */
    public void grantTraversal(Path dir, Optional<NativeIO> nativeIo) throws IOException {
        if (isRoot()) {
            return;
        }
        nativeIo.orElseThrow(() -> new IOException("cannot give " + dir + " to the sandbox group " + gid
                + ": the native libc binding is unavailable")).lchown(dir, 0, gid);
        Files.setPosixFilePermissions(dir, TRAVERSE);
    }

    /** Makes {@code dir} (the top of a function's tree) the sandbox user's; nothing for {@link #ROOT}. */
    public void own(Path dir, Optional<NativeIO> nativeIo) throws IOException {
        if (isRoot()) {
            return;
        }
        nativeIo.orElseThrow(() -> new IOException("cannot give " + dir + " to the sandbox user " + uid
                + ": the native libc binding is unavailable")).lchown(dir, uid, gid);
    }

    /**
     * Makes the backend {@code root} exist and lets the sandbox group through it; "" when done, else why not. The
     * directories above the root are the operator's and are left as they are: the executor binds a root that the
     * sandbox user cannot reach by its path into the sandbox through a private mount namespace.
     */
    public String prepareRoot(Path root, Optional<NativeIO> nativeIo) {
        if (isRoot()) {
            return "";
        }
        try {
            GenerationLayout.ensurePrivateDirectory(root);
            grantTraversal(root, nativeIo);
        } catch (IOException e) {
            return "cannot prepare " + root + " for the sandbox user: " + e.getMessage();
        }
        return "";
    }
}

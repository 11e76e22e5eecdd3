package org.layerswap.containerd;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The snapshotter's settings (PID {@code org.layerswap.containerd}), resolved: absolute paths.
 *
 * @param enabled     serve the socket at all (off by default: containerd must be configured to use it)
 * @param socket      the Unix socket containerd's {@code [proxy_plugins.layerswap] address} names
 * @param root        snapshot metadata and directories
 * @param groupAccess socket mode 0660 (root and the socket's group) instead of 0600 (root only)
 */
public record ContainerdSettings(boolean enabled, Path socket, Path root, boolean groupAccess) {

    /** Defaults under the data directory; the shipped cfg and the Metatype form state the same. */
    public static final String DEFAULT_SOCKET = "containerd/layerswap.sock";
    public static final String DEFAULT_ROOT = "containerd/snapshotter";

    public ContainerdSettings {
        socket = socket.toAbsolutePath().normalize();
        root = root.toAbsolutePath().normalize();
        if (socket.startsWith(root)) {
            throw new IllegalArgumentException("the socket " + socket + " must not lie under the snapshot root " + root);
        }
    }

    public Set<PosixFilePermission> socketMode() {
        return PosixFilePermissions.fromString(groupAccess ? "rw-rw----" : "rw-------");
    }
}

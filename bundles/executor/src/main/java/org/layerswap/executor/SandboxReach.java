package org.layerswap.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether the sandbox's host user can pass through every directory from {@code /} down to a function's root by its
 * path, as bubblewrap (running as that user) must to bind it. The answer picks how the root reaches the sandbox:
 * directly, or rebound in a private mount namespace ({@link SandboxProcess#REBOUND_ROOT}) when an operator's
 * directory above it (a 0700 home or temporary folder) stops that user. A stat per path component, no cache: the
 * directories may change between runs.
 */
final class SandboxReach {

    private SandboxReach() {
    }

    /** True when {@code uid:gid} (no supplementary groups) may search every directory down to {@code dir}, itself included. */
    static boolean reachable(Path dir, int uid, int gid) {
        Path p = dir.toAbsolutePath().normalize();
        for (int i = 0; i <= p.getNameCount(); i++) {
            Path d = i == 0 ? p.getRoot() : p.getRoot().resolve(p.subpath(0, i));
            try {
                int mode = ((Number) Files.getAttribute(d, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
                int owner = ((Number) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue();
                int group = ((Number) Files.getAttribute(d, "unix:gid", LinkOption.NOFOLLOW_LINKS)).intValue();
                // the kernel checks the owner's bits for the owner, else the group's for the group, else the others'
                boolean search = owner == uid ? (mode & 0100) != 0 : group == gid ? (mode & 010) != 0 : (mode & 01) != 0;
                if (!search) {
                    return false;
                }
            } catch (IOException | UnsupportedOperationException e) {
                return false; // unknown: rebinding works either way
            }
        }
        return true;
    }
}

package org.layerswap.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A minimal root filesystem for sandbox tests: Debian's static busybox and a few applets. */
final class TestRoots {

    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final Path BWRAP = Path.of("/usr/bin/bwrap");

    private TestRoots() {
    }

    /** Fails (never skips) with what to install: .ci/run installs both packages. */
    static void requireTools() {
        if (!Files.isExecutable(BWRAP) || !Files.isExecutable(BUSYBOX)) {
            throw new AssertionError("these tests run real sandboxes: install Debian's bubblewrap and busybox-static "
                    + "(apt-get install bubblewrap busybox-static; .ci/run does this)");
        }
    }

    /**
     * A busybox root at {@code dir}, with the mount points bubblewrap needs; as the filesystem backends do, its top
     * directory belongs to the sandbox's host user (nobody), and its parent (a test's 0700 temporary directory) is
     * opened to others' x, since bubblewrap runs as that unprivileged user and reaches the root by its path.
     */
    static Path busyboxRoot(Path dir) throws IOException {
        requireTools();
        Files.setPosixFilePermissions(dir.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("fn"));
        for (String mountPoint : List.of("proc", "dev", "tmp")) {
            Files.createDirectories(dir.resolve(mountPoint));
        }
        Files.setAttribute(dir, "unix:uid", SandboxSettings.NOBODY);
        Files.setAttribute(dir, "unix:gid", SandboxSettings.NOBODY);
        Files.copy(BUSYBOX, dir.resolve("bin/busybox"));
        for (String applet : List.of("sh", "cat", "echo", "env", "sleep", "hostname", "head", "wc", "yes", "ls", "ps", "id", "grep", "mount", "mknod", "unshare", "tr")) {
            Files.createSymbolicLink(dir.resolve("bin/" + applet), Path.of("busybox"));
        }
        return dir;
    }

    static void script(Path root, String body) throws IOException {
        Files.writeString(root.resolve("fn/handler.sh"), body);
    }
}

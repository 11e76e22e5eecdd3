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

    static Path busyboxRoot(Path dir) throws IOException {
        requireTools();
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("fn"));
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

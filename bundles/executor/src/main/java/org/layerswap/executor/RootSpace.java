package org.layerswap.executor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.layerswap.nativeio.FileSystemSpace;
import org.layerswap.nativeio.NativeIO;

/**
 * Watches the file system a function writes into: {@code statvfs} of its root. Through an overlay mount that is
 * the invocation's own upper (a tmpfs sized by the backend's upper limit), so "no block or inode left" means the
 * function used up the bytes it may write; for a copy farm or a persistent upper it is the host file system the
 * backend lives on. Either way the run is ended as {@code DISK_EXHAUSTED}. Without the native binding nothing is
 * ever reported full (the function then sees its own ENOSPC).
 */
final class RootSpace {

    private final Optional<NativeIO> nativeIo;
    private final Path root;

    RootSpace(Optional<NativeIO> nativeIo, Path root) {
        this.nativeIo = nativeIo;
        this.root = root;
    }

    static RootSpace of(Path root) {
        return new RootSpace(NativeIO.tryGet(), root);
    }

    /** Whether nothing more can be written under the root; false when it cannot be told. */
    boolean full() {
        return space().map(FileSystemSpace::exhausted).orElse(false);
    }

    /** The size of the file system under the root (0 when it cannot be told). */
    long totalBytes() {
        return space().map(FileSystemSpace::totalBytes).orElse(0L);
    }

    private Optional<FileSystemSpace> space() {
        if (nativeIo.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(nativeIo.get().statvfs(root));
        } catch (IOException e) {
            return Optional.empty(); // the root went away (the run is over): nothing to report
        }
    }
}

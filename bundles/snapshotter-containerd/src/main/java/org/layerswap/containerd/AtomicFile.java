package org.layerswap.containerd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole-file replacement that a crash cannot tear: the bytes go to {@code <file>.tmp}, which is fsynced, renamed over
 * {@code file} and the directory fsynced. The file on disk is always the previous or the new content, never a mix;
 * a {@code .tmp} left by a crash is garbage (delete it before reading, {@link #tmp}).
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /** The temporary name {@link #write} uses for {@code file}. */
    public static Path tmp(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /** Replaces {@code file}'s content with {@code bytes} (its directory must exist). */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = tmp(file);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}

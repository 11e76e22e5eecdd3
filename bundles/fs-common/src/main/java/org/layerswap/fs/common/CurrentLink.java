package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Supplier;

import org.layerswap.nativeio.NativeErrnoException;
import org.layerswap.nativeio.NativeIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flips a function's {@code current} symlink to a new generation in one step: the new link is made
 * as {@code current.tmp}, then swapped in with {@code renameat2(RENAME_EXCHANGE)} (and the old link,
 * now at {@code current.tmp}, removed), or moved over {@code current} with {@code rename(2)} where the
 * kernel or file system has no exchange (remembered after the first EINVAL/ENOSYS) or there is no
 * native binding. Either way a path lookup through {@code current} sees the old or the new target,
 * never no link.
 */
final class CurrentLink {

    private static final Logger LOG = LoggerFactory.getLogger(CurrentLink.class);
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;

    private final Optional<NativeIO> nativeIo;
    private final Supplier<String> backendName;
    private volatile boolean exchangeSupported = true;

    /** @param backendName names the backend in the log (asked when needed: subclasses answer after construction) */
    CurrentLink(Optional<NativeIO> nativeIo, Supplier<String> backendName) {
        this.nativeIo = nativeIo;
        this.backendName = backendName;
    }

    /** Points {@code <fnDir>/current} at {@code <genDir>/merged} ({@code genDir} is in {@code fnDir}). */
    void flip(Path fnDir, Path genDir) throws IOException {
        Path tmp = fnDir.resolve(GenerationLayout.TMP);
        Path cur = fnDir.resolve(GenerationLayout.CURRENT);
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(genDir.getFileName().toString(), GenerationLayout.MERGED));
        if (exchangeSupported && nativeIo.isPresent() && Files.isSymbolicLink(cur)) {
            try {
                nativeIo.get().renameat2(tmp, cur, NativeIO.RENAME_EXCHANGE);
                Files.deleteIfExists(tmp); // now the old link
                return;
            } catch (NativeErrnoException e) {
                if (e.errno() != EINVAL && e.errno() != ENOSYS) {
                    throw e;
                }
                exchangeSupported = false;
                LOG.info("{} backend: renameat2(RENAME_EXCHANGE) unsupported here ({}); flipping with rename(2)", backendName.get(),
                        e.getMessage());
            }
        }
        Files.move(tmp, cur, StandardCopyOption.ATOMIC_MOVE); // rename(2): atomically replaces the old link
    }

    /** Whether flips use renameat2(RENAME_EXCHANGE) (false after the kernel or file system refused it). */
    boolean usesRenameExchange() {
        return exchangeSupported && nativeIo.isPresent();
    }
}

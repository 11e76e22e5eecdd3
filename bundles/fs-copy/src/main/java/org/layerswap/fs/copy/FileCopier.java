package org.layerswap.fs.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

import org.layerswap.nativeio.NativeIO;

/**
 * Copies one layer's regular files into a farm: a reflink ({@code ioctl(FICLONE)}: the copy shares the
 * source's extents copy-on-write, so no bytes are duplicated and a write to the copy never reaches the
 * source) where the file system can, otherwise the bytes. The first refusal (EOPNOTSUPP, EXDEV, EINVAL,
 * ENOTTY: tmpfs, ext4, source and farm on different file systems) turns reflinks off for the rest of
 * this copier's files, which all go from one layer to one farm. Either way the copy is a new inode with
 * the source's times; the caller then sets the owner and the rwx bits (a reflink is created with the rwx
 * bits only, a byte copy with the source's mode).
 *
 * <p>Not thread-safe: one copier per layer application.
 */
final class FileCopier {

    /** How a file was copied. */
    enum How { REFLINK, BYTES }

    /** The clone step; {@link NativeIO#reflink} in production. */
    interface Cloner {
        /** Creates {@code dst} as a clone of {@code src}; false (and no {@code dst}) when the file system refuses. */
        boolean clone(Path src, Path dst, int mode) throws IOException;
    }

    private final Cloner cloner;
    private boolean refused;

    FileCopier(Optional<NativeIO> nativeIo) {
        this(nativeIo.<Cloner>map(n -> n::reflink).orElse(null));
    }

    /** @param cloner null: always copy bytes */
    FileCopier(Cloner cloner) {
        this.cloner = cloner;
        this.refused = cloner == null;
    }

    /** Whether reflinks are still tried (false after the first refusal). */
    boolean triesReflinks() {
        return !refused;
    }

    /** Copies {@code src} to the new file {@code dst} (never through a symlink; {@code dst} must not exist). */
    How copy(Path src, Path dst) throws IOException {
        int mode = ((Number) Files.getAttribute(src, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 0777;
        if (!refused) {
            if (cloner.clone(src, dst, mode)) {
                BasicFileAttributes a = Files.readAttributes(src, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Files.getFileAttributeView(dst, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(a.lastModifiedTime(), a.lastAccessTime(), null);
                return How.REFLINK;
            }
            refused = true;
        }
        Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return How.BYTES;
    }
}

package org.layerswap.containerd;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.layerswap.fs.common.Trees;

/**
 * The snapshots' directories under the snapshotter root: {@code snapshots/<id>/fs} (an active's upper, then the
 * committed content; empty and unused for views) and {@code snapshots/<id>/work} (overlay's work dir, actives
 * only, deleted at commit). Directories are named by the numeric id, never by a key, so no request text ever
 * becomes a path. {@code snapshots/} and every {@code <id>/} are 0700: only root reaches the content.
 *
 * <p>Deletes go through {@link Trees#deleteTree}, which refuses to cross into a mount: removing a snapshot
 * containerd still has mounted fails with a message instead of emptying the mounted tree.
 */
public final class SnapshotDirs {

    static final String SNAPSHOTS = "snapshots";

    /** Bytes and inodes of one snapshot's own directory. */
    public record Usage(long bytes, long inodes) {
    }

    private final Path snapshots;

    public SnapshotDirs(Path root) throws IOException {
        this.snapshots = root.toAbsolutePath().normalize().resolve(SNAPSHOTS);
        Files.createDirectories(snapshots);
        Files.setPosixFilePermissions(snapshots, PosixFilePermissions.fromString("rwx------"));
    }

    public Path dir(long id) {
        return snapshots.resolve(Long.toString(id));
    }

    public Path fs(long id) {
        return dir(id).resolve("fs");
    }

    public Path work(long id) {
        return dir(id).resolve("work");
    }

    /** Creates {@code <id>/fs} (0755: it becomes the root directory of a container) and, for actives, {@code work}. */
    void create(long id, boolean withWork) throws IOException {
        Path d = Files.createDirectory(dir(id));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectory(fs(id));
        Files.setPosixFilePermissions(fs(id), PosixFilePermissions.fromString("rwxr-xr-x"));
        if (withWork) {
            Files.createDirectory(work(id));
            Files.setPosixFilePermissions(work(id), PosixFilePermissions.fromString("rwx------"));
        }
    }

    void delete(long id) throws IOException {
        Trees.deleteTree(dir(id));
    }

    /** A committed snapshot keeps only its content: overlay's work dir goes. */
    void dropWork(long id) throws IOException {
        Trees.deleteTree(work(id));
    }

    /** The ids of the directories present under {@code snapshots/} (entries that are not ids are listed too, as -1 never matches). */
    Set<Long> present() throws IOException {
        Set<Long> ids = new HashSet<>();
        try (Stream<Path> s = Files.list(snapshots)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    ids.add(Long.parseLong(p.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // not ours: a stray file is left alone
                }
            }
        }
        return ids;
    }

    /** Deletes every snapshot directory whose id is not in {@code owned}; returns the ids deleted. */
    List<Long> deleteOrphans(Set<Long> owned) throws IOException {
        List<Long> deleted = new ArrayList<>();
        for (long id : present()) {
            if (!owned.contains(id)) {
                delete(id);
                deleted.add(id);
            }
        }
        return deleted;
    }

    /**
     * What a snapshot's content directory holds (its own {@code fs/} or its store layer), as containerd's overlay
     * snapshotter reports it: every inode counted once (hard links share one) including directories and the
     * root, and bytes as the apparent size of the regular files (the JDK exposes no block count). Parents are
     * not included.
     */
    public static Usage usage(Path content) throws IOException {
        Set<Object> inodes = new HashSet<>();
        long[] bytes = {0};
        Files.walkFileTree(content, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                inodes.add(attrs.fileKey());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (inodes.add(attrs.fileKey()) && attrs.isRegularFile()) {
                    bytes[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new Usage(bytes[0], inodes.size());
    }

    boolean exists(long id) {
        return Files.isDirectory(dir(id), LinkOption.NOFOLLOW_LINKS);
    }
}

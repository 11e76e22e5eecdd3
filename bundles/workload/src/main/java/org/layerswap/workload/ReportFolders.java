package org.layerswap.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps a report root (e.g. {@code ${karaf.data}/replay}) from growing without end: {@link #prune} deletes all but the
 * newest {@code keep} report folders (newest by name, which starts with {@code yyyyMMdd-HHmmss}, then by modification
 * time). Deletion never follows a symbolic link: a link inside a report folder is removed, not its target.
 */
public final class ReportFolders {

    public static final int DEFAULT_KEEP = 20;

    private ReportFolders() {
    }

    /** The number of report folders under {@code root} deleted; nothing when {@code root} does not exist. */
    public static int prune(Path root, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int deleted = 0;
        for (Path old : folders.subList(Math.min(keep, folders.size()), folders.size())) {
            deleteTree(old);
            deleted++;
        }
        return deleted;
    }

    /** The newest-N count from system property {@code layerswap.replay.keepReports} (default {@value #DEFAULT_KEEP}). */
    public static int keepFromSystem() {
        return Math.max(1, Integer.getInteger("layerswap.replay.keepReports", DEFAULT_KEEP));
    }

    static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file); // a symlink is visited as a file (walkFileTree does not follow): the link goes
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete old report folder " + dir + ": " + e.getMessage(), e);
        }
    }
}

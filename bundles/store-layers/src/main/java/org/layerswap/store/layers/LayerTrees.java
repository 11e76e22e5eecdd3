package org.layerswap.store.layers;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.layerswap.nativeio.NativeIO;

/**
 * Computes the file tree an OverlayFS mount of unpacked layers would show, without mounting:
 * upper layers hide lower entries, overlay whiteouts (0/0 char devices) delete them, opaque
 * directories ({@code trusted.overlay.opaque=y}) hide everything below them in lower layers.
 */
public final class LayerTrees {

    /** Path (relative, '/'-separated) to a one-letter type: d directory, f file, l symlink, c/b device, p fifo. */
    public static Map<String, String> merged(List<Path> layersBaseFirst) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        Optional<NativeIO> nativeIo = NativeIO.tryGet();
        for (Path layer : layersBaseFirst) {
            Files.walkFileTree(layer, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (dir.equals(layer)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String rel = rel(layer, dir);
                    boolean opaque = nativeIo.isPresent() && nativeIo.get().lgetxattr(dir, NativeIO.OVERLAY_OPAQUE_XATTR)
                            .map(v -> new String(v).equals("y")).orElse(false);
                    if (opaque || !"d".equals(tree.get(rel))) {
                        removeBelow(tree, rel);
                    }
                    tree.put(rel, "d");
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(layer, file);
                    removeBelow(tree, rel);
                    if (isWhiteout(file, attrs)) {
                        tree.remove(rel);
                    } else {
                        tree.put(rel, type(file, attrs));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return tree;
    }

    private static boolean isWhiteout(Path file, BasicFileAttributes attrs) throws IOException {
        if (!attrs.isOther()) {
            return false;
        }
        int mode = ((Number) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
        long rdev = ((Number) Files.getAttribute(file, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue();
        return (mode & 0170000) == NativeIO.S_IFCHR && rdev == 0;
    }

    private static String type(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isSymbolicLink()) {
            return "l";
        }
        if (attrs.isRegularFile()) {
            return "f";
        }
        int mode = ((Number) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 0170000;
        return mode == NativeIO.S_IFCHR ? "c" : mode == NativeIO.S_IFBLK ? "b" : "p";
    }

    private static void removeBelow(Map<String, String> tree, String dir) {
        String prefix = dir + "/";
        Iterator<String> it = ((TreeMap<String, String>) tree).tailMap(prefix, true).keySet().iterator();
        while (it.hasNext()) {
            if (it.next().startsWith(prefix)) {
                it.remove();
            } else {
                break;
            }
        }
    }

    private static String rel(Path base, Path p) {
        return base.relativize(p).toString().replace('\\', '/');
    }

    private LayerTrees() {
    }
}

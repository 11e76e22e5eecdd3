package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The on-disk layout of a {@link GenerationalBackend}, under its root:
 * <pre>
 * &lt;root&gt;/&lt;dirName(fn)&gt;/function      the function id (UTF-8), to map the directory back
 *                         /current       relative symlink to gen-&lt;n&gt;/merged (the stable path)
 *                         /current.tmp   the next link, briefly, during a flip
 *                         /gen-&lt;n&gt;/layers  the lower dirs, one absolute path a line, base first
 *                         /gen-&lt;n&gt;/merged  the composed root (built by the backend)
 * </pre>
 * Invariant: {@code layers} is written before a generation is built, and {@code current} only ever
 * names a fully built generation; so after a crash the generation {@code current} names is complete
 * and every other {@code gen-<n>} is stale or half-built.
 */
public final class GenerationLayout {

    public static final String CURRENT = "current";
    static final String TMP = "current.tmp";
    static final String FUNCTION_FILE = "function";
    static final String LAYERS_FILE = "layers";
    static final String MERGED = "merged";
    private static final Pattern GEN_DIR = Pattern.compile("gen-(\\d+)");
    private static final Pattern CURRENT_TARGET = Pattern.compile("(gen-\\d+)/" + MERGED);
    private static final int MAX_DIR_NAME = 48;

    /** rwx------: every directory a backend makes for itself (not the composed trees' own contents). */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private GenerationLayout() {
    }

    /**
     * Creates {@code dir} (it must not exist) with mode 0700, set explicitly so the umask does not
     * matter: the backend's root, function, generation, upper and work directories are reachable by
     * root alone, so no other host user reaches a function's tree or its writes through them.
     */
    public static Path createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
        Files.setPosixFilePermissions(dir, PRIVATE);
        return dir;
    }

    /**
     * Makes {@code dir} exist with mode 0700. Missing parents up to and including the backend root
     * are created 0700 too; an existing backend root keeps its mode (it may be a directory the
     * administrator shares): what is below it is private through the function directories.
     */
    public static Path ensurePrivateDirectory(Path dir) throws IOException {
        Path parent = dir.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            ensurePrivateDirectory(parent);
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                return createPrivateDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created meanwhile: made private below
            }
        }
        Files.setPosixFilePermissions(dir, PRIVATE);
        return dir;
    }

    /**
     * The directory name of a function: safe characters kept, anything else %-escaped (a leading
     * '.' too, so no name is hidden, "." or ".."); ids whose name would pass 48 characters are cut
     * and suffixed with a hash so names stay short (they appear in overlay mount options).
     */
    public static String dirName(String functionId) {
        StringBuilder b = new StringBuilder();
        for (byte c : functionId.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || (c == '.' && b.length() > 0)) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        if (b.length() > MAX_DIR_NAME) {
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(functionId.getBytes(StandardCharsets.UTF_8));
                StringBuilder hex = new StringBuilder();
                for (int i = 0; i < 8; i++) {
                    hex.append(String.format("%02x", h[i]));
                }
                return b.substring(0, 31) + "~" + hex;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }

    /** The directory name of generation {@code n}. */
    static String generationName(long n) {
        return "gen-" + n;
    }

    /** The generation number a directory name stands for, or -1 when it names no generation. */
    static long generationNumber(Path p) {
        Matcher m = GEN_DIR.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The {@code gen-<n>} entries of a function directory (in directory order). */
    static List<Path> generations(Path fnDir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(fnDir)) {
            for (Path p : ds) {
                if (generationNumber(p) >= 0) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** The highest generation number in a function directory; 0 when there is none or it cannot be read. */
    static long highestGeneration(Path fnDir) {
        long max = 0;
        try {
            for (Path p : generations(fnDir)) {
                max = Math.max(max, generationNumber(p));
            }
        } catch (IOException e) {
            // fresh directory
        }
        return max;
    }

    /** The generation directory name {@code current} points at, or null (no link, or not of our form). */
    static String currentGeneration(Path fnDir) throws IOException {
        Path cur = fnDir.resolve(CURRENT);
        if (!Files.isSymbolicLink(cur)) {
            return null;
        }
        Matcher m = CURRENT_TARGET.matcher(Files.readSymbolicLink(cur).toString());
        return m.matches() ? m.group(1) : null;
    }

    static void writeFunctionId(Path fnDir, String functionId) throws IOException {
        Files.writeString(fnDir.resolve(FUNCTION_FILE), functionId, StandardCharsets.UTF_8);
    }

    /** The function id recorded in a function directory, trimmed; null when the file is missing. */
    static String readFunctionId(Path fnDir) throws IOException {
        Path idFile = fnDir.resolve(FUNCTION_FILE);
        return Files.isRegularFile(idFile, LinkOption.NOFOLLOW_LINKS) ? Files.readString(idFile, StandardCharsets.UTF_8).trim() : null;
    }

    static void writeLayers(Path genDir, List<Path> layerDirs) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path d : layerDirs) {
            lines.add(d.toString());
        }
        Files.write(genDir.resolve(LAYERS_FILE), lines);
    }

    static List<Path> readLayers(Path genDir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String l : Files.readAllLines(genDir.resolve(LAYERS_FILE), StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(Path.of(l));
            }
        }
        return out;
    }

    /**
     * Checks what a compose asks for and returns the layer dirs absolute and normalised: a function
     * id, at least one layer, each an existing directory whose name has no newline (the layers
     * file is one path a line).
     */
    static List<Path> checkLayers(String functionId, List<Path> layerDirs) throws IOException {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("compose without a function id");
        }
        if (layerDirs == null || layerDirs.isEmpty()) {
            throw new IllegalArgumentException("function " + functionId + ": no layer directories to compose");
        }
        List<Path> out = new ArrayList<>(layerDirs.size());
        for (Path p : layerDirs) {
            if (p == null) {
                throw new IllegalArgumentException("function " + functionId + ": null layer directory");
            }
            Path a = p.toAbsolutePath().normalize();
            if (!Files.isDirectory(a)) {
                throw new IOException("function " + functionId + ": layer directory " + a + " does not exist or is not a directory");
            }
            if (a.toString().indexOf('\n') >= 0) {
                throw new IllegalArgumentException("function " + functionId + ": layer directory name contains a newline: " + a);
            }
            out.add(a);
        }
        return out;
    }
}

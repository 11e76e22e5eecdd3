package org.layerswap.store.layers;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.layerswap.nativeio.FdOps;
import org.layerswap.nativeio.NativeIO;

import com.github.luben.zstd.ZstdInputStream;

/**
 * Unpacks a layer tar (plain, gzip or zstd, detected from magic bytes) into an empty directory that
 * becomes an OverlayFS lower dir. The appliance runs as root, so the unpacker must not be turnable
 * against the host. Invariants:
 * <ul>
 * <li>names are normalised lexically (absolute names, {@code ..}, NUL, components over 255 bytes and
 *     paths over 4095 bytes are refused);</li>
 * <li>every change goes through a descriptor of the layer root ({@link RootedTree}): parents are
 *     opened with {@code openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS)} (component-wise
 *     {@code openat(O_NOFOLLOW)} on old kernels), entries are created with {@code *at} calls, and
 *     metadata is set with {@code fchown/fchmod/futimens} on the descriptor a file was written through
 *     or with {@code AT_SYMLINK_NOFOLLOW}; no String path is handed to the kernel to re-resolve, no
 *     symlink is ever followed;</li>
 * <li>an entry recorded as a directory is never replaced; hard links only name regular files this
 *     unpack extracted; symlinks are stored verbatim (relative ones must stay lexically inside, absolute
 *     ones only with {@code allowAbsoluteSymlinks});</li>
 * <li>setuid/setgid bits are stripped unless {@link UnpackLimits#keepSetuidBits()}; device nodes
 *     and FIFOs only with {@code allowDeviceNodes}; sparse and unknown entry types are refused;</li>
 * <li>entries, bytes per file and per layer and free space are checked while streaming ({@link UnpackBudget}).</li>
 * <li>each regular file's SHA-256 is computed from the bytes as they are written ({@link Result#fileDigests()}),
 *     so the layer's digest tree is recorded without reading the layer back.</li>
 * </ul>
 * OCI whiteouts become overlay whiteouts (0/0 character device; {@code trusted.overlay.opaque=y}).
 * Needs the native libc binding; without it an unpack fails clearly before touching anything.
 */
public final class TarUnpacker {

    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final HexFormat HEX = HexFormat.of();
    private static final int READ_ONLY_DIR = FdOps.O_RDONLY | FdOps.O_DIRECTORY;

    /**
     * What an unpack produced. {@code fileDigests}: for every regular file (hard links included) the SHA-256 hex of
     * the bytes written to it, computed while writing, keyed by its path relative to the root; lets the caller
     * record the layer's digest tree without reading the files again ({@link LayerTree#scan(Path, Map)}).
     */
    public record Result(long entries, long regularBytes, long diskBytes, int whiteouts, Map<String, String> fileDigests) {
        public Result {
            fileDigests = Map.copyOf(fileDigests);
        }
    }

    /** A directory entry's metadata, applied after all content (deepest last-listed first). */
    private record DirMeta(int uid, int gid, int mode, long mtimeNanos) {
    }

    private final UnpackLimits limits;
    private final Optional<NativeIO> nativeIo;

    public TarUnpacker(UnpackLimits limits) {
        this(limits, NativeIO.tryGet());
    }

    public TarUnpacker(UnpackLimits limits, Optional<NativeIO> nativeIo) {
        this.limits = limits;
        this.nativeIo = nativeIo;
    }

    /** Decompresses by magic bytes: gzip {@code 1f 8b}, zstd {@code 28 b5 2f fd}, else plain tar. */
    public static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return new ZstdInputStream(in);
        }
        return in;
    }

    /** Unpacks {@code layer} (compressed or not) into {@code root}, an existing empty directory named after the layer. */
    public Result unpack(InputStream layer, Path root) throws IOException {
        Path name = root.toAbsolutePath().normalize().getFileName();
        return unpack(layer, root, name == null ? root.toString() : name.toString());
    }

    /** As {@link #unpack(InputStream, Path)}; {@code layerName} names the layer in refusals. */
    public Result unpack(InputStream layer, Path root, String layerName) throws IOException {
        NativeIO io = nativeIo.orElseThrow(() -> new IOException("unpacking layer '" + layerName
                + "' needs the native libc binding (descriptor-relative, no-follow file operations), which is not available"));
        Path base = root.toAbsolutePath().normalize();
        FileStore fs = Files.getFileStore(base);
        UnpackBudget budget = new UnpackBudget(limits, layerName, () -> usable(fs));
        boolean chown = limits.preserveOwnership() && io.isRoot();
        Map<String, DirMeta> dirs = new LinkedHashMap<>();
        int whiteouts = 0;
        Map<String, String> digests = new HashMap<>();
        MessageDigest sha256 = sha256();
        FdOps fd = io.fd();
        byte[] buf = new byte[1 << 16];
        try (RootedTree tree = new RootedTree(fd, base);
             TarArchiveInputStream tar = new TarArchiveInputStream(decompress(layer), StandardCharsets.UTF_8.name())) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                budget.nextEntry(e.getName());
                String rel = normalise(e.getName());
                if (rel.isEmpty()) {
                    if (!e.isDirectory()) {
                        throw new UnsafeLayerException("entry '" + e.getName() + "' names the layer root but is not a directory");
                    }
                    dirs.remove(rel);
                    dirs.put(rel, meta(e)); // "./": attributes of the layer root
                    continue;
                }
                int slash = rel.lastIndexOf('/');
                String parentRel = slash < 0 ? "" : rel.substring(0, slash);
                String fileName = rel.substring(slash + 1);
                int dir = tree.directory(parentRel, e.getName());
                if (fileName.equals(OPAQUE)) {
                    opaque(fd, dir, e.getName());
                    whiteouts++;
                    continue;
                }
                if (fileName.startsWith(WHITEOUT_PREFIX)) {
                    String hidden = fileName.substring(WHITEOUT_PREFIX.length());
                    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..") || hidden.startsWith(WHITEOUT_PREFIX)) {
                        throw new UnsafeLayerException("entry '" + e.getName() + "' is a malformed whiteout");
                    }
                    String victim = parentRel.isEmpty() ? hidden : parentRel + "/" + hidden;
                    tree.clear(dir, victim, hidden, e.getName());
                    whiteout(fd, dir, hidden, e.getName());
                    tree.record(victim, RootedTree.Kind.WHITEOUT);
                    if (chown) {
                        fd.fchownatNoFollow(dir, hidden, uid(e), gid(e));
                    }
                    whiteouts++;
                    continue;
                }
                if (e.isDirectory()) {
                    if (tree.kind(rel) != RootedTree.Kind.DIR) {
                        tree.clear(dir, rel, fileName, e.getName());
                        fd.mkdirat(dir, fileName, 0700);
                        tree.record(rel, RootedTree.Kind.DIR);
                    }
                    dirs.remove(rel);
                    dirs.put(rel, meta(e));
                } else if (e.isSymbolicLink()) {
                    checkSymlink(rel, e);
                    tree.clear(dir, rel, fileName, e.getName());
                    fd.symlinkat(e.getLinkName(), dir, fileName);
                    tree.record(rel, RootedTree.Kind.SYMLINK);
                    if (chown) {
                        fd.fchownatNoFollow(dir, fileName, uid(e), gid(e));
                    }
                    fd.utimensatNoFollow(dir, fileName, mtime(e), mtime(e));
                } else if (e.isLink()) {
                    String target = hardlinkTarget(tree, rel, e);
                    tree.clear(dir, rel, fileName, e.getName());
                    link(fd, tree, target, dir, fileName);
                    tree.record(rel, RootedTree.Kind.FILE);
                    digests.put(rel, digests.get(target)); // a FILE in the tree was written (or linked) by this unpack
                } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                    if (!limits.allowDeviceNodes()) {
                        throw new UnsafeLayerException("entry '" + e.getName() + "' is a device node or FIFO ("
                                + (e.isCharacterDevice() ? "char " : e.isBlockDevice() ? "block " : "fifo ")
                                + e.getDevMajor() + ":" + e.getDevMinor() + "); device nodes are not allowed by configuration");
                    }
                    tree.clear(dir, rel, fileName, e.getName());
                    int type = e.isCharacterDevice() ? NativeIO.S_IFCHR : e.isBlockDevice() ? NativeIO.S_IFBLK : NativeIO.S_IFIFO;
                    fd.mknodat(dir, fileName, type | 0600, e.getDevMajor(), e.getDevMinor());
                    tree.record(rel, RootedTree.Kind.NODE);
                    if (chown) {
                        fd.fchownatNoFollow(dir, fileName, uid(e), gid(e));
                    }
                    fd.fchmodatNoFollow(dir, fileName, e.getMode() & limits.modeMask());
                    fd.utimensatNoFollow(dir, fileName, mtime(e), mtime(e));
                } else if (e.isGNUSparse() || e.isStarSparse() || e.isPaxGNUSparse()) {
                    throw new UnsafeLayerException("entry '" + e.getName() + "' is a sparse file, which layers do not use");
                } else if (e.isFile()) {
                    budget.declare(e.getSize());
                    tree.clear(dir, rel, fileName, e.getName());
                    int out = fd.createExclusive(dir, fileName, 0600);
                    tree.record(rel, RootedTree.Kind.FILE);
                    try {
                        long copied = 0;
                        int n;
                        while ((n = tar.read(buf)) > 0) {
                            budget.write(n);
                            fd.writeFully(out, buf, n);
                            sha256.update(buf, 0, n);
                            copied += n;
                        }
                        digests.put(rel, HEX.formatHex(sha256.digest())); // digest() resets it for the next file
                        if (copied != e.getSize()) {
                            throw new UnsafeLayerException("entry '" + e.getName() + "' declared " + e.getSize() + " bytes but held " + copied);
                        }
                        if (chown) {
                            fd.fchown(out, uid(e), gid(e)); // before fchmod: chown clears setuid bits
                        }
                        fd.fchmod(out, e.getMode() & limits.modeMask());
                        fd.futimens(out, mtime(e), mtime(e));
                    } finally {
                        fd.close(out);
                    }
                } else {
                    throw new UnsafeLayerException("entry '" + e.getName() + "' has unsupported tar type '" + (char) typeFlag(e) + "'");
                }
            }
            // directories last, last-listed first: times change as children are added; each is opened
            // beneath the root without following links, and was never replaced (RootedTree invariant)
            List<Map.Entry<String, DirMeta>> order = new ArrayList<>(dirs.entrySet());
            for (int k = order.size() - 1; k >= 0; k--) {
                setDirectoryMetadata(fd, tree, order.get(k).getKey(), order.get(k).getValue(), chown);
            }
        }
        return new Result(budget.entries(), budget.layerBytes(), diskUsage(base), whiteouts, digests);
    }

    private static MessageDigest sha256() throws IOException {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("SHA-256 is not available: " + e.getMessage(), e);
        }
    }

    private void setDirectoryMetadata(FdOps fd, RootedTree tree, String rel, DirMeta m, boolean chown) throws IOException {
        int d = tree.open(rel, READ_ONLY_DIR);
        try {
            if (chown) {
                fd.fchown(d, m.uid(), m.gid());
            }
            fd.fchmod(d, m.mode() & limits.modeMask());
            fd.futimens(d, m.mtimeNanos(), m.mtimeNanos());
        } finally {
            fd.close(d);
        }
    }

    private static DirMeta meta(TarArchiveEntry e) {
        return new DirMeta(uid(e), gid(e), e.getMode(), mtime(e));
    }

    private static int uid(TarArchiveEntry e) {
        return (int) e.getLongUserId();
    }

    private static int gid(TarArchiveEntry e) {
        return (int) e.getLongGroupId();
    }

    private static long mtime(TarArchiveEntry e) {
        FileTime t = e.getLastModifiedTime();
        if (t == null) {
            return 0;
        }
        java.time.Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static long usable(FileStore fs) {
        try {
            return fs.getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("free space of the layer root's filesystem: " + e.getMessage(), e);
        }
    }

    private static int typeFlag(TarArchiveEntry e) {
        try {
            java.lang.reflect.Field f = TarArchiveEntry.class.getDeclaredField("linkFlag");
            f.setAccessible(true);
            return f.getByte(e);
        } catch (ReflectiveOperationException | RuntimeException ex) {
            return '?';
        }
    }

    /** Lexical normalisation of an entry name, relative to the layer root; rejects anything that could escape. */
    static String normalise(String name) throws UnsafeLayerException {
        if (name.indexOf('\0') >= 0) {
            throw new UnsafeLayerException("entry name contains NUL: '" + name.replace('\0', '?') + "'");
        }
        if (name.startsWith("/")) {
            throw new UnsafeLayerException("entry '" + name + "' has an absolute path");
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new UnsafeLayerException("entry '" + name + "' contains a '..' component");
            }
            if (part.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new UnsafeLayerException("entry '" + name.substring(0, 64) + "...' has a name component longer than 255 bytes");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(part);
        }
        if (out.length() > 4095) {
            throw new UnsafeLayerException("entry '" + name.substring(0, 64) + "...' has a path longer than 4095 bytes");
        }
        return out.toString();
    }

    /** Relative targets must stay lexically inside the root (they are never followed here; this keeps host-side readers in too). */
    private void checkSymlink(String rel, TarArchiveEntry e) throws UnsafeLayerException {
        String target = e.getLinkName();
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new UnsafeLayerException("symlink '" + e.getName() + "' has an empty or invalid target");
        }
        if (target.startsWith("/")) {
            if (!limits.allowAbsoluteSymlinks()) {
                throw new UnsafeLayerException("symlink '" + e.getName() + "' -> '" + target
                        + "' has an absolute target (allowAbsoluteSymlinks is off)");
            }
            return; // resolves inside the container root; never followed here
        }
        Path inside = Path.of("/root");
        Path link = inside.resolve(rel);
        if (!link.getParent().resolve(target).normalize().startsWith(inside)) {
            throw new UnsafeLayerException("symlink '" + e.getName() + "' -> '" + target + "' points outside the layer root");
        }
    }

    /** The recorded regular file a hardlink names: inside the root, extracted earlier, not through a symlink. */
    private static String hardlinkTarget(RootedTree tree, String rel, TarArchiveEntry e) throws IOException {
        String linkName = e.getLinkName();
        String target;
        try {
            target = normalise(linkName == null ? "" : linkName);
        } catch (UnsafeLayerException bad) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' -> '" + linkName + "' points outside the layer root ("
                    + bad.getMessage() + ")");
        }
        if (target.isEmpty()) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' has an empty target");
        }
        if (target.equals(rel)) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' links to itself");
        }
        String via = tree.symlinkOnPath(target);
        if (via != null) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' -> '" + linkName + "' goes through symlink '" + via + "'");
        }
        if (tree.kind(target) != RootedTree.Kind.FILE) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' -> '" + linkName
                    + "' does not name a regular file extracted earlier in this layer");
        }
        return target;
    }

    private static void link(FdOps fd, RootedTree tree, String target, int dir, String fileName) throws IOException {
        int slash = target.lastIndexOf('/');
        int from = tree.open(slash < 0 ? "" : target.substring(0, slash), READ_ONLY_DIR);
        try {
            fd.linkat(from, target.substring(slash + 1), dir, fileName);
        } finally {
            fd.close(from);
        }
    }

    private static void whiteout(FdOps fd, int dir, String hidden, String entry) throws IOException {
        try {
            fd.mknodat(dir, hidden, NativeIO.S_IFCHR, 0, 0);
        } catch (IOException e) {
            throw new IOException("whiteout '" + entry + "' needs an overlay whiteout (0/0 character device), which requires root: "
                    + e.getMessage(), e);
        }
    }

    private static void opaque(FdOps fd, int dir, String entry) throws IOException {
        try {
            fd.fsetxattr(dir, NativeIO.OVERLAY_OPAQUE_XATTR, new byte[] {'y'});
        } catch (IOException e) {
            throw new IOException("opaque whiteout '" + entry + "' needs xattr " + NativeIO.OVERLAY_OPAQUE_XATTR
                    + " (root and a filesystem with trusted.* xattrs): " + e.getMessage(), e);
        }
    }

    /** Bytes on disk below {@code dir} (allocated blocks), links not followed. */
    public static long diskUsage(Path dir) throws IOException {
        long[] total = {0};
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                total[0] += attrs.isRegularFile() ? attrs.size() : 0;
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                total[0] += 4096;
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }
}

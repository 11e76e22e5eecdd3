package org.layerswap.store.layers;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.layerswap.nativeio.NativeIO;

import com.github.luben.zstd.ZstdInputStream;

/**
 * Unpacks a layer tar (plain, gzip or zstd, detected from magic bytes) into an empty directory that
 * becomes an OverlayFS lower dir. Safe by construction: entry names are normalised lexically
 * (absolute names, {@code ..} and NUL rejected), every parent component is checked to be a real
 * directory (never a symlink) before anything is created, files are created with
 * {@code CREATE_NEW} after removing what was there, symlinks and hardlinks whose targets leave the
 * layer root are rejected, device nodes are rejected unless allowed, and sizes are bounded.
 * OCI whiteouts become overlay whiteouts (0/0 character device; {@code trusted.overlay.opaque=y}).
 * Modes (incl. setuid/setgid/sticky), ownership (as root) and modification times are kept.
 */
public final class TarUnpacker {

    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    /** What an unpack produced. */
    public record Result(long entries, long regularBytes, long diskBytes, int whiteouts) {
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

    /** Unpacks {@code layer} (compressed or not) into {@code root}, an existing empty directory. */
    public Result unpack(InputStream layer, Path root) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        List<Path> dirs = new ArrayList<>();
        List<TarArchiveEntry> dirEntries = new ArrayList<>();
        long entries = 0;
        long bytes = 0;
        int whiteouts = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(decompress(layer), StandardCharsets.UTF_8.name())) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new UnsafeLayerException("layer has more than " + limits.maxEntries() + " entries");
                }
                String rel = normalise(e.getName());
                if (rel.isEmpty()) {
                    if (e.isDirectory()) { // "./": attributes of the layer root
                        dirs.add(base);
                        dirEntries.add(e);
                    }
                    continue;
                }
                Path target = base.resolve(rel);
                if (!target.normalize().startsWith(base) || target.equals(base)) {
                    throw new UnsafeLayerException("entry '" + e.getName() + "' resolves outside the layer root");
                }
                Path parent = target.getParent();
                ensureRealDirectories(base, parent, e.getName());
                String fileName = target.getFileName().toString();
                if (fileName.equals(OPAQUE)) {
                    opaque(parent, e.getName());
                    whiteouts++;
                    continue;
                }
                if (fileName.startsWith(WHITEOUT_PREFIX)) {
                    String hidden = fileName.substring(WHITEOUT_PREFIX.length());
                    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..") || hidden.startsWith(WHITEOUT_PREFIX)) {
                        throw new UnsafeLayerException("entry '" + e.getName() + "' is a malformed whiteout");
                    }
                    Path victim = parent.resolve(hidden);
                    removeExisting(victim, e.getName());
                    whiteout(victim, e.getName());
                    owner(victim, e);
                    whiteouts++;
                    continue;
                }
                if (e.isDirectory()) {
                    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        removeExisting(target, e.getName());
                    }
                    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectory(target);
                    }
                    dirs.add(target);
                    dirEntries.add(e);
                } else if (e.isSymbolicLink()) {
                    checkSymlink(base, target, e);
                    removeExisting(target, e.getName());
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                    owner(target, e);
                    times(target, e, true);
                } else if (e.isLink()) {
                    Path existing = hardlinkTarget(base, e);
                    removeExisting(target, e.getName());
                    Files.createLink(target, existing);
                } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                    if (!limits.allowDeviceNodes()) {
                        throw new UnsafeLayerException("entry '" + e.getName() + "' is a device node or FIFO ("
                                + (e.isCharacterDevice() ? "char " : e.isBlockDevice() ? "block " : "fifo ")
                                + e.getDevMajor() + ":" + e.getDevMinor() + "); device nodes are not allowed by configuration");
                    }
                    removeExisting(target, e.getName());
                    int type = e.isCharacterDevice() ? NativeIO.S_IFCHR : e.isBlockDevice() ? NativeIO.S_IFBLK : NativeIO.S_IFIFO;
                    requireNative("device node '" + e.getName() + "'").mknod(target, type | (e.getMode() & 07777),
                            e.getDevMajor(), e.getDevMinor());
                    owner(target, e);
                    times(target, e, true);
                } else if (e.isGNUSparse() || e.isStarSparse() || e.isPaxGNUSparse()) {
                    throw new UnsafeLayerException("entry '" + e.getName() + "' is a sparse file, which layers do not use");
                } else if (e.isFile()) {
                    long size = e.getSize();
                    if (size > limits.maxEntryBytes()) {
                        throw new UnsafeLayerException("entry '" + e.getName() + "' declares " + size + " bytes, above the "
                                + limits.maxEntryBytes() + "-byte limit per file");
                    }
                    if (bytes + size > limits.maxLayerBytes()) {
                        throw new UnsafeLayerException("layer expands past the " + limits.maxLayerBytes()
                                + "-byte limit at entry '" + e.getName() + "'");
                    }
                    removeExisting(target, e.getName());
                    long copied;
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        copied = tar.transferTo(out);
                    }
                    if (copied != size) {
                        throw new UnsafeLayerException("entry '" + e.getName() + "' declared " + size + " bytes but held " + copied);
                    }
                    bytes += size;
                    owner(target, e);
                    mode(target, e.getMode());
                    times(target, e, false);
                } else {
                    throw new UnsafeLayerException("entry '" + e.getName() + "' has unsupported tar type '" + (char) typeFlag(e) + "'");
                }
            }
        }
        // directories last, deepest first: modes may remove write permission, times change as children are added
        for (int k = dirs.size() - 1; k >= 0; k--) {
            Path d = dirs.get(k);
            TarArchiveEntry e = dirEntries.get(k);
            owner(d, e);
            mode(d, e.getMode());
            times(d, e, false);
        }
        return new Result(entries, bytes, diskUsage(base), whiteouts);
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
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }

    /** Every component from the layer root down to {@code dir} must be a real directory; missing ones are created. */
    private static void ensureRealDirectories(Path base, Path dir, String entry) throws IOException {
        Path rel = base.relativize(dir);
        Path cur = base;
        if (rel.toString().isEmpty()) {
            return;
        }
        for (Path part : rel) {
            cur = cur.resolve(part);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(cur, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException missing) {
                Files.createDirectory(cur);
                continue;
            }
            if (a.isSymbolicLink()) {
                throw new UnsafeLayerException("entry '" + entry + "' would be written through symlink '" + base.relativize(cur) + "'");
            }
            if (!a.isDirectory()) {
                throw new UnsafeLayerException("entry '" + entry + "' needs '" + base.relativize(cur) + "' to be a directory");
            }
        }
    }

    private void checkSymlink(Path base, Path link, TarArchiveEntry e) throws UnsafeLayerException {
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
        Path resolved = link.getParent().resolve(target).normalize();
        if (!resolved.startsWith(base)) {
            throw new UnsafeLayerException("symlink '" + e.getName() + "' -> '" + target + "' points outside the layer root");
        }
    }

    private static Path hardlinkTarget(Path base, TarArchiveEntry e) throws IOException {
        String linkName = e.getLinkName();
        String rel;
        try {
            rel = normalise(linkName == null ? "" : linkName);
        } catch (UnsafeLayerException bad) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' -> '" + linkName + "' points outside the layer root ("
                    + bad.getMessage() + ")");
        }
        if (rel.isEmpty()) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' has an empty target");
        }
        Path existing = base.resolve(rel);
        if (!existing.normalize().startsWith(base)) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' -> '" + linkName + "' points outside the layer root");
        }
        ensureNoSymlinkOnPath(base, existing, e.getName());
        if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeLayerException("hardlink '" + e.getName() + "' -> '" + linkName
                    + "' does not name a regular file extracted earlier in this layer");
        }
        return existing;
    }

    private static void ensureNoSymlinkOnPath(Path base, Path p, String entry) throws IOException {
        Path cur = base;
        for (Path part : base.relativize(p.getParent() == null ? base : p.getParent())) {
            if (part.toString().isEmpty()) {
                continue;
            }
            cur = cur.resolve(part);
            if (Files.isSymbolicLink(cur) || !Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
                throw new UnsafeLayerException("hardlink '" + entry + "' target goes through '" + base.relativize(cur)
                        + "', which is not a real directory");
            }
        }
    }

    /** Removes what an entry replaces (a file, link, device or an empty directory) without following links. */
    private static void removeExisting(Path p, String entry) throws IOException {
        try {
            Files.deleteIfExists(p);
        } catch (DirectoryNotEmptyException e) {
            throw new UnsafeLayerException("entry '" + entry + "' would replace non-empty directory '" + p.getFileName() + "'");
        }
    }

    private void whiteout(Path victim, String entry) throws IOException {
        try {
            requireNative("whiteout '" + entry + "'").makeWhiteout(victim);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("whiteout '" + entry + "': " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("whiteout '" + entry + "' needs an overlay whiteout (0/0 character device), which requires root: "
                    + e.getMessage(), e);
        }
    }

    private void opaque(Path dir, String entry) throws IOException {
        try {
            requireNative("opaque whiteout '" + entry + "'").setxattr(dir, NativeIO.OVERLAY_OPAQUE_XATTR, new byte[] {'y'});
        } catch (IOException e) {
            throw new IOException("opaque whiteout '" + entry + "' needs xattr " + NativeIO.OVERLAY_OPAQUE_XATTR
                    + " (root and a filesystem with trusted.* xattrs): " + e.getMessage(), e);
        }
    }

    private NativeIO requireNative(String what) throws IOException {
        return nativeIo.orElseThrow(() -> new IOException(what + " needs the native libc binding, which is not available"));
    }

    private void owner(Path p, TarArchiveEntry e) throws IOException {
        if (limits.preserveOwnership() && nativeIo.isPresent() && nativeIo.get().isRoot()) {
            nativeIo.get().lchown(p, (int) e.getLongUserId(), (int) e.getLongGroupId());
        }
    }

    private void mode(Path p, int mode) throws IOException {
        if (nativeIo.isPresent()) {
            nativeIo.get().chmod(p, mode & 07777);
        } else {
            Files.setPosixFilePermissions(p, permissions(mode));
        }
    }

    private void times(Path p, TarArchiveEntry e, boolean noFollow) throws IOException {
        long nanos = e.getLastModifiedTime() == null ? 0 : toNanos(e.getLastModifiedTime());
        if (nativeIo.isPresent()) {
            nativeIo.get().setTimesNoFollow(p, nanos, nanos);
        } else if (!noFollow) {
            Files.setLastModifiedTime(p, FileTime.from(java.time.Instant.ofEpochSecond(0, nanos)));
        }
    }

    private static long toNanos(FileTime t) {
        java.time.Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int b = 0; b < 9; b++) {
            if ((mode & (1 << b)) != 0) {
                s.add(all[b]);
            }
        }
        return s;
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

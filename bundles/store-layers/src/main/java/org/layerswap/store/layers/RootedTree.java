package org.layerswap.store.layers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.layerswap.nativeio.FdOps;

/**
 * The layer root being unpacked, as a directory descriptor plus a record of every entry this unpack
 * created. Invariants: (1) nothing is reached through a String path the kernel re-resolves: a
 * parent directory is opened from the root descriptor with {@link FdOps#openBeneath} (no symlink,
 * no escape), and the entry is then created/changed relative to that descriptor with a no-follow
 * call; (2) the record is checked first, so the refusal names the offending symlink or file; (3) an
 * entry recorded as a directory is never replaced (a later symlink/file/hardlink/whiteout of that
 * name is refused), so the directory metadata pass can never land on something else.
 */
final class RootedTree implements AutoCloseable {

    /** What an unpacked name is. */
    enum Kind { DIR, FILE, SYMLINK, NODE, WHITEOUT }

    private final FdOps fd;
    private final int rootFd;
    private final Map<String, Kind> recorded = new HashMap<>();
    /** The last parent directory opened (entries of one directory come together in a tar); owned here. */
    private String cachedRel;
    private int cachedFd = -1;

    RootedTree(FdOps fd, Path root) throws IOException {
        this.fd = fd;
        this.rootFd = fd.openDirectory(root.toAbsolutePath().normalize().toString());
        recorded.put("", Kind.DIR);
    }

    Kind kind(String rel) {
        return recorded.get(rel);
    }

    void record(String rel, Kind kind) {
        recorded.put(rel, kind);
    }

    /**
     * The descriptor of directory {@code rel} (created with mode 0755 where missing, component by
     * component), owned by this tree: do not close. Refuses when a component is a symlink or not a directory.
     */
    int directory(String rel, String entry) throws IOException {
        if (rel.equals(cachedRel)) {
            return cachedFd;
        }
        String prefix = "";
        int dir = -1;
        try {
            for (String part : rel.isEmpty() ? new String[0] : rel.split("/")) {
                String parentRel = prefix;
                prefix = prefix.isEmpty() ? part : prefix + "/" + part;
                Kind k = recorded.get(prefix);
                if (k == Kind.SYMLINK) {
                    throw new UnsafeLayerException("entry '" + entry + "' would be written through symlink '" + prefix + "'");
                }
                if (k != null && k != Kind.DIR) {
                    throw new UnsafeLayerException("entry '" + entry + "' needs '" + prefix + "' to be a directory");
                }
                if (k == null) {
                    if (dir < 0) {
                        dir = fd.openBeneath(rootFd, parentRel, FdOps.O_RDONLY | FdOps.O_DIRECTORY);
                    }
                    fd.mkdirat(dir, part, 0755);
                    recorded.put(prefix, Kind.DIR);
                }
                if (dir >= 0) {
                    int next = fd.openBeneath(dir, part, FdOps.O_RDONLY | FdOps.O_DIRECTORY);
                    fd.close(dir);
                    dir = next;
                }
            }
            int opened = dir >= 0 ? dir : fd.openBeneath(rootFd, rel, FdOps.O_RDONLY | FdOps.O_DIRECTORY);
            dir = -1;
            fd.close(cachedFd);
            cachedRel = rel;
            cachedFd = opened;
            return opened;
        } finally {
            fd.close(dir);
        }
    }

    /** The first recorded symlink on the way to {@code rel} (its parents only), or null. */
    String symlinkOnPath(String rel) {
        int slash = -1;
        while ((slash = rel.indexOf('/', slash + 1)) > 0) {
            if (recorded.get(rel.substring(0, slash)) == Kind.SYMLINK) {
                return rel.substring(0, slash);
            }
        }
        return null;
    }

    /**
     * Makes room for a new entry {@code rel} named {@code name} in {@code dirfd}: refuses when a
     * directory was recorded there, otherwise unlinks what is there (the name itself, never a link target).
     */
    void clear(int dirfd, String rel, String name, String entry) throws IOException {
        Kind k = recorded.get(rel);
        if (k == Kind.DIR) {
            throw new UnsafeLayerException("entry '" + entry + "' would replace directory '" + rel
                    + "' extracted earlier in this layer; a directory is never replaced");
        }
        if (k != null) {
            fd.unlinkat(dirfd, name, 0);
            recorded.remove(rel);
        }
    }

    /** A descriptor of {@code rel} opened beneath the root without following symlinks; the caller closes it. */
    int open(String rel, int flags) throws IOException {
        return fd.openBeneath(rootFd, rel, flags);
    }

    @Override
    public void close() {
        fd.close(cachedFd);
        cachedFd = -1;
        cachedRel = null;
        fd.close(rootFd);
    }
}

package org.layerswap.store.layers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The digest tree of an unpacked layer: for every entry (the root included) its type, mode, owner, size and, for a
 * regular file, the SHA-256 of its bytes (a symlink: its target; a device: its number), plus a stat stamp (inode,
 * mtime, ctime). Recorded when the layer is committed; the layer's own digest (verified on download) vouches for
 * what was unpacked, and this tree for what is on disk since.
 *
 * <p>{@link #check} is the cheap test, one {@code lstat} per entry: every stamp equal means nothing was written,
 * chmod-ed, chown-ed, renamed or replaced (each of those moves the ctime, which user space cannot set back). For
 * an entry whose stamp moved it re-verifies: hashes the file again and compares type, mode, owner, size and
 * digest. Equal (e.g. a hard link to a store file moved its ctime) means intact, with new stamps; anything else, or
 * an entry added or missing, means modified.
 *
 * <p>The file format is one line per entry, paths URL-encoded (a hostile tar may put tabs or newlines in names).
 */
final class LayerTree {

    /** One entry; {@code content} is the SHA-256 hex of a file, the target of a link, the rdev of a device, else "". */
    record Node(String path, char type, int mode, int uid, int gid, long size, String content, long ino, long mtimeNanos,
                long ctimeNanos) {

        boolean sameStamp(Node o) {
            return equals(o);
        }

        boolean sameContent(Node o) {
            return path.equals(o.path) && type == o.type && mode == o.mode && uid == o.uid && gid == o.gid && size == o.size
                    && content.equals(o.content);
        }

        String line() {
            return String.join("\t", URLEncoder.encode(path, StandardCharsets.UTF_8), String.valueOf(type), Integer.toOctalString(mode),
                    Integer.toString(uid), Integer.toString(gid), Long.toString(size), content, Long.toString(ino),
                    Long.toString(mtimeNanos), Long.toString(ctimeNanos));
        }

        static Node parse(String line) {
            String[] f = line.split("\t", -1);
            if (f.length != 10 || f[1].length() != 1) {
                throw new IllegalArgumentException("malformed digest tree line: " + line);
            }
            return new Node(URLDecoder.decode(f[0], StandardCharsets.UTF_8), f[1].charAt(0), Integer.parseInt(f[2], 8),
                    Integer.parseInt(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]), f[6], Long.parseLong(f[7]),
                    Long.parseLong(f[8]), Long.parseLong(f[9]));
        }
    }

    /** What {@link #check} found. {@code tree} is the tree to keep (new stamps when {@code RESTAMPED}). */
    record Verdict(Kind kind, String reason, LayerTree tree) {
        enum Kind { INTACT, RESTAMPED, MODIFIED }
    }

    private static final String ATTRS = "unix:mode,uid,gid,size,ino,ctime,lastModifiedTime,rdev";

    private final List<Node> nodes;

    private LayerTree(List<Node> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    List<Node> nodes() {
        return nodes;
    }

    /** Scans {@code dir} (never following a link, never leaving its file system) and hashes every regular file. */
    static LayerTree scan(Path dir) throws IOException {
        return scan(dir, Map.of());
    }

    /**
     * Like {@link #scan(Path)}, but a regular file whose path is in {@code fileDigests} takes that SHA-256 hex (what
     * the unpacker wrote through its descriptor) instead of being read again; one {@code lstat} per entry.
     */
    static LayerTree scan(Path dir, Map<String, String> fileDigests) throws IOException {
        List<Node> out = new ArrayList<>();
        walk(dir, (rel, p, a) -> out.add(node(rel, p, a, null, fileDigests.get(rel))));
        return new LayerTree(out);
    }

    /**
     * Compares {@code dir} with this tree: stamps first; only entries whose stamp moved are hashed again. Never
     * follows a link; an I/O error while reading counts as modified.
     */
    Verdict check(Path dir) {
        Map<String, Node> recorded = new java.util.HashMap<>();
        nodes.forEach(n -> recorded.put(n.path(), n));
        List<Node> now = new ArrayList<>();
        String[] problem = {null};
        boolean[] restamped = {false};
        try {
            walk(dir, (rel, p, a) -> {
                if (problem[0] != null) {
                    return;
                }
                Node was = recorded.remove(rel);
                Node stamp = node(rel, p, a, was, null);
                if (was == null) {
                    problem[0] = "'" + printable(rel) + "' was added";
                } else if (!stamp.sameStamp(was)) {
                    Node is = node(rel, p, a, null, null); // re-verify: the content again, whatever the type
                    if (!is.sameContent(was)) {
                        problem[0] = "'" + printable(rel) + "' differs from its digest tree (" + difference(was, is) + ")";
                    }
                    restamped[0] = true;
                    stamp = is;
                }
                now.add(stamp);
            });
        } catch (IOException e) {
            return new Verdict(Verdict.Kind.MODIFIED, "cannot read it: " + e.getMessage(), this);
        }
        if (problem[0] == null && !recorded.isEmpty()) {
            problem[0] = "'" + printable(recorded.keySet().iterator().next()) + "' is missing";
        }
        if (problem[0] != null) {
            return new Verdict(Verdict.Kind.MODIFIED, problem[0], this);
        }
        return restamped[0] ? new Verdict(Verdict.Kind.RESTAMPED, "", new LayerTree(now)) : new Verdict(Verdict.Kind.INTACT, "", this);
    }

    private static String difference(Node was, Node is) {
        if (was.type() != is.type()) {
            return "type " + was.type() + " -> " + is.type();
        }
        if (was.mode() != is.mode()) {
            return "mode " + Integer.toOctalString(was.mode()) + " -> " + Integer.toOctalString(is.mode());
        }
        if (was.uid() != is.uid() || was.gid() != is.gid()) {
            return "owner " + was.uid() + ":" + was.gid() + " -> " + is.uid() + ":" + is.gid();
        }
        return was.size() != is.size() ? "size " + was.size() + " -> " + is.size() : "content";
    }

    private static String printable(String path) {
        return path.isEmpty() ? "/" : path.replaceAll("\\p{Cntrl}", "?");
    }

    void write(Path file, Path tmpDir) throws IOException {
        StringBuilder b = new StringBuilder();
        nodes.forEach(n -> b.append(n.line()).append('\n'));
        Files.createDirectories(file.getParent());
        Path t = Files.createTempFile(tmpDir, "tree-", ".tmp");
        Files.writeString(t, b, StandardCharsets.UTF_8);
        Files.move(t, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static LayerTree read(Path file) throws IOException {
        List<Node> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isEmpty()) {
                    out.add(Node.parse(line));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return new LayerTree(out);
    }

    // ---- the walk

    private interface Visitor {
        void visit(String rel, Path p, Map<String, Object> attrs) throws IOException;
    }

    private static void walk(Path dir, Visitor v) throws IOException {
        Object dev = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Files.walkFileTree(dir, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!dev.equals(Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                    throw new IOException(d + " is another file system mounted inside the layer");
                }
                v.visit(rel(dir, d), d, Files.readAttributes(d, ATTRS, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                v.visit(rel(dir, f), f, Files.readAttributes(f, ATTRS, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                throw e;
            }
        });
    }

    private static String rel(Path dir, Path p) {
        return dir.relativize(p).toString();
    }

    /**
     * The node of {@code p}; its content is hashed unless {@code known} (a recorded node) lends it, or, for a regular
     * file, {@code fileDigest} (computed while it was written) is given.
     */
    private static Node node(String rel, Path p, Map<String, Object> a, Node known, String fileDigest) throws IOException {
        int mode = (Integer) a.get("mode");
        char type = switch (mode & 0170000) {
            case 0040000 -> 'd';
            case 0100000 -> 'f';
            case 0120000 -> 'l';
            case 0020000 -> 'c';
            case 0060000 -> 'b';
            case 0010000 -> 'p';
            default -> '?';
        };
        String content;
        if (known != null) {
            content = known.content();
        } else {
            content = switch (type) {
                case 'f' -> fileDigest != null ? fileDigest : sha256(p);
                case 'l' -> URLEncoder.encode(Files.readSymbolicLink(p).toString(), StandardCharsets.UTF_8);
                case 'c', 'b' -> a.get("rdev").toString();
                default -> "";
            };
        }
        return new Node(rel, type, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
                type == 'd' ? 0 : (Long) a.get("size"), content,
                (Long) a.get("ino"), ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

package org.layerswap.store.layers;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.layerswap.api.LayerId;
import org.layerswap.fs.common.Trees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the layer store keeps what, under its root:
 * <ul>
 * <li>{@code tmp/}: downloads in progress ({@code <hex>-<n>.part}), unpacks ({@code unpack-*}), layers
 * being deleted ({@code evict-*}) and metadata being written; wiped on start, after its partial downloads were
 * moved to {@code partial/};</li>
 * <li>{@code partial/<hex>.part}: the bytes of a download cut by a stop or crash (the longest one per layer), taken
 * over by the next download of that layer, which continues from there (see {@link BlobDownloader}); dropped on
 * start when the layer is committed or the file is older than {@link #PARTIAL_MAX_AGE};</li>
 * <li>{@code blobs/<alg>/<hex>}: verified blobs, committed by atomic rename after fsync;</li>
 * <li>{@code layers/<alg>/<hex>/}: unpacked layers, committed by atomic rename;</li>
 * <li>{@code meta/<alg>/<hex>.properties}: compressed and unpacked size of a layer;
 * {@code meta/<alg>/<hex>.tree}: its digest tree ({@link LayerTree});</li>
 * <li>{@code tmp/quarantine-*}: layers found modified on disk, kept until no root uses them (wiped on start).</li>
 * </ul>
 * Invariant: a directory under {@code layers/} always holds a complete layer (it appears by one
 * rename and leaves by one rename into {@code tmp/}); its metadata may be missing (recomputed on
 * start) but never describes another layer. Everything goes through temporary names in {@code tmp/},
 * which is on the same filesystem, so every commit is a rename.
 */
final class StoreLayout {

    private static final Logger LOG = LoggerFactory.getLogger(StoreLayout.class);
    /** The digest algorithms a layer directory may be named by. */
    static final List<String> ALGORITHMS = List.of("sha256", "sha512");

    /** A committed layer found on start. */
    record Recovered(LayerId id, Path dir, long sizeBytes, long unpackedBytes) {
    }

    private final Path root;
    private final Path tmp;
    private final Path blobs;
    private final Path layers;
    private final Path meta;
    private final Path partial;
    /** Partial downloads older than this are dropped on start (their layer was not asked for again). */
    static final Duration PARTIAL_MAX_AGE = Duration.ofHours(24);
    private static final Pattern PART = Pattern.compile("([0-9a-f]+)-\\d+\\.part");

    StoreLayout(Path root) {
        this.root = root.toAbsolutePath();
        this.tmp = this.root.resolve("tmp");
        this.blobs = this.root.resolve("blobs");
        this.layers = this.root.resolve("layers");
        this.meta = this.root.resolve("meta");
        this.partial = this.root.resolve("partial");
    }

    Path root() {
        return root;
    }

    Path tmp() {
        return tmp;
    }

    /** The partial download of {@code id} kept from before the last start, if any. */
    Path keptPartial(LayerId id) {
        return partial.resolve(id.hex() + ".part");
    }

    Path layerDir(LayerId id) {
        return layers.resolve(id.algorithm()).resolve(id.hex());
    }

    Path blobFile(LayerId id) {
        return blobs.resolve(id.algorithm()).resolve(id.hex());
    }

    Path metaFile(LayerId id) {
        return meta.resolve(id.algorithm()).resolve(id.hex() + ".properties");
    }

    Path treeFile(LayerId id) {
        return meta.resolve(id.algorithm()).resolve(id.hex() + ".tree");
    }

    /**
     * Takes a layer found modified out of {@code layers/} (metadata first, then one rename into {@code tmp/}); the
     * tree is deleted now when {@code inUse} is false, else left for the start-up wipe of {@code tmp/} (roots
     * mounted over it keep working until they are torn down).
     */
    void quarantineLayer(LayerId id, Path dir, boolean inUse) throws IOException {
        Files.deleteIfExists(metaFile(id));
        Files.deleteIfExists(treeFile(id));
        Path q = tmp.resolve("quarantine-" + id.hex() + "-" + System.nanoTime());
        Files.move(dir, q, StandardCopyOption.ATOMIC_MOVE);
        if (!inUse) {
            Trees.deleteTree(q);
        }
    }

    /** The partial download of {@code id} by fetch number {@code seq}. */
    Path partFile(LayerId id, long seq) {
        return tmp.resolve(id.hex() + "-" + seq + ".part");
    }

    /** A fresh, empty directory in {@code tmp/} to unpack {@code id} into. */
    Path newUnpackDir(LayerId id) throws IOException {
        return Files.createTempDirectory(tmp, "unpack-" + id.shortForm() + "-");
    }

    /** Moves a fully downloaded and verified blob into {@code blobs/} (replacing one there). */
    void commitBlob(Path part, LayerId id) throws IOException {
        Path blob = blobFile(id);
        Files.createDirectories(blob.getParent());
        Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(blob.getParent());
    }

    /** Moves a fully unpacked layer into {@code layers/}; returns its directory there. */
    Path commitLayer(Path unpacked, LayerId id) throws IOException {
        Path committed = layerDir(id);
        Files.createDirectories(committed.getParent());
        Files.move(unpacked, committed, StandardCopyOption.ATOMIC_MOVE);
        fsyncDir(committed.getParent());
        return committed;
    }

    /** Drops a committed layer: metadata first, then one rename out of {@code layers/}, then the delete. */
    void removeLayer(LayerId id, Path dir) throws IOException {
        Files.deleteIfExists(metaFile(id));
        Files.deleteIfExists(treeFile(id));
        Path doomed = tmp.resolve("evict-" + id.hex() + "-" + System.nanoTime());
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        Trees.deleteTree(doomed);
    }

    /** Writes the metadata of {@code id} (through {@code tmp/} and a rename). */
    void writeMeta(LayerId id, long size, long unpacked) throws IOException {
        Properties p = new Properties();
        p.setProperty("sizeBytes", Long.toString(size));
        p.setProperty("unpackedBytes", Long.toString(unpacked));
        Path f = metaFile(id);
        Files.createDirectories(f.getParent());
        Path t = tmp.resolve(id.hex() + ".meta");
        try (var out = Files.newOutputStream(t)) {
            p.store(out, "layer " + id);
        }
        Files.move(t, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Start-up: wipes {@code tmp/}, creates the directories, removes entries under {@code layers/}
     * that are not named by a digest, drops metadata without a layer, and returns the committed
     * layers (unpacked sizes from their metadata, recomputed and rewritten where it is missing or
     * unreadable).
     */
    List<Recovered> recover() throws IOException {
        Files.createDirectories(partial);
        if (Files.exists(tmp)) {
            keepPartials();
            Trees.deleteTree(tmp);
        }
        Files.createDirectories(tmp);
        Files.createDirectories(blobs);
        Files.createDirectories(layers);
        Files.createDirectories(meta);
        List<Recovered> out = new ArrayList<>();
        for (String alg : ALGORITHMS) {
            Path dir = layers.resolve(alg);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    LayerId id;
                    try {
                        id = LayerId.of(alg + ":" + p.getFileName());
                    } catch (IllegalArgumentException e) {
                        LOG.warn("removing unexpected entry {} from the layer store", p);
                        Trees.deleteTree(p);
                        continue;
                    }
                    out.add(recoverLayer(id, p));
                }
            }
            Path metaDir = meta.resolve(alg);
            if (Files.isDirectory(metaDir)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(metaDir)) {
                    for (Path m : ds) {
                        String name = m.getFileName().toString();
                        String hex = name.indexOf('.') < 0 ? name : name.substring(0, name.indexOf('.'));
                        if (!Files.isDirectory(dir.resolve(hex))) {
                            Files.deleteIfExists(m);
                        }
                    }
                }
            }
        }
        dropStalePartials();
        return out;
    }

    /** Moves {@code tmp/<hex>-<n>.part} to {@code partial/<hex>.part} (the longest per layer); drops stale partials. */
    private void keepPartials() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, "*.part")) {
            for (Path p : ds) {
                Matcher m = PART.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) == 0) {
                    continue;
                }
                Path kept = partial.resolve(m.group(1) + ".part");
                if (!Files.exists(kept) || Files.size(kept) < Files.size(p)) {
                    Files.move(p, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("keeping the partial download {} ({} bytes) for a resume", kept.getFileName(), Files.size(kept));
                }
            }
        }
    }

    private void dropStalePartials() throws IOException {
        long oldest = System.currentTimeMillis() - PARTIAL_MAX_AGE.toMillis();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(partial)) {
            for (Path p : ds) {
                String hex = p.getFileName().toString().replace(".part", "");
                boolean committed = ALGORITHMS.stream().anyMatch(a -> Files.isDirectory(layers.resolve(a).resolve(hex)));
                if (committed || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        || Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() < oldest) {
                    Trees.deleteTree(p);
                }
            }
        }
    }

    private Recovered recoverLayer(LayerId id, Path dir) throws IOException {
        long size = 0;
        long unpacked = -1;
        Path mf = metaFile(id);
        if (Files.isRegularFile(mf)) {
            Properties props = new Properties();
            try (var in = Files.newInputStream(mf)) {
                props.load(in);
                size = Long.parseLong(props.getProperty("sizeBytes", "0"));
                unpacked = Long.parseLong(props.getProperty("unpackedBytes", "-1"));
            } catch (IOException | NumberFormatException e) {
                unpacked = -1;
            }
        }
        if (unpacked < 0) {
            unpacked = TarUnpacker.diskUsage(dir);
            writeMeta(id, size, unpacked);
        }
        return new Recovered(id, dir, size, unpacked);
    }

    /** fsync of a directory, so a rename into it survives a crash; filesystems that refuse it are ignored. */
    static void fsyncDir(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // some filesystems refuse fsync on directories; the rename is still atomic
        }
    }
}

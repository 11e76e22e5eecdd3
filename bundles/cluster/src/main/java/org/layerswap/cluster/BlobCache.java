package org.layerswap.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSourceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's verified layer blobs, the ones it serves to its peers: {@code blobs/<algorithm>/<hex>} under its root.
 * <b>Invariant</b>: a file under {@code blobs/} always hashes to its name. {@link #fill} streams a transfer to a
 * private part file in {@code tmp/}, hashing as it writes, resumes a cut transfer at the first byte not yet written
 * (the opener gets that offset: an HTTP Range request), refuses more bytes than the descriptor declares, and commits
 * by an atomic rename only when the digest matches; a mismatch deletes the part file ({@link CorruptBlobException}).
 * This is the same check the store's downloader makes on every registry pull (which then checks these bytes again).
 */
public final class BlobCache {

    private static final Logger LOG = LoggerFactory.getLogger(BlobCache.class);
    private static final int CHUNK = 64 * 1024;

    /** Opens a blob from {@code offset} on (a registry, a peer). */
    @FunctionalInterface
    public interface Opener {
        InputStream open(long offset) throws IOException;
    }

    /** The transfer's bytes do not match the digest or the declared size: refused, nothing kept. */
    public static final class CorruptBlobException extends IOException {
        private static final long serialVersionUID = 1L;

        public CorruptBlobException(String message) {
            super(message);
        }
    }

    private final Path blobs;
    private final Path tmp;

    /** Opens (creating, 0700) the cache at {@code root}, dropping part files left by a previous run. */
    public BlobCache(Path root) throws IOException {
        this.blobs = root.resolve("blobs");
        this.tmp = root.resolve("tmp");
        for (Path d : List.of(root, blobs, tmp)) {
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        }
        try (Stream<Path> parts = Files.list(tmp)) {
            for (Path p : parts.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public Path file(LayerId id) {
        return blobs.resolve(id.algorithm()).resolve(id.hex());
    }

    public boolean has(LayerId id) {
        return Files.isRegularFile(file(id));
    }

    /** The blob from {@code offset} on; {@link NoSuchFileException} when this node does not hold it. */
    public InputStream open(LayerId id, long offset) throws IOException {
        SeekableByteChannel ch = Files.newByteChannel(file(id), StandardOpenOption.READ);
        try {
            ch.position(offset);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return Channels.newInputStream(ch);
    }

    public long size(LayerId id) throws IOException {
        return Files.size(file(id));
    }

    public void delete(LayerId id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    /** The blobs held, in no particular order. */
    public List<LayerId> list() throws IOException {
        List<LayerId> out = new ArrayList<>();
        try (Stream<Path> algs = Files.list(blobs)) {
            for (Path alg : algs.toList()) {
                try (Stream<Path> files = Files.list(alg)) {
                    files.forEach(f -> {
                        try {
                            out.add(LayerId.of(alg.getFileName() + ":" + f.getFileName()));
                        } catch (IllegalArgumentException foreign) {
                            LOG.warn("ignoring {} in the cluster blob cache: not a blob name", f);
                        }
                    });
                }
            }
        }
        return out;
    }

    /**
     * Transfers {@code layer}'s blob through {@code opener} and commits it verified (see the class invariant). Up to
     * {@code attempts} openings, each continuing at the byte reached; a {@link LayerSourceException} that is not
     * retryable (e.g. 401, 404) ends the transfer at once.
     *
     * @throws CorruptBlobException the bytes are longer than declared or hash to another digest (nothing kept)
     * @throws IOException          the transfer failed {@code attempts} times (nothing kept)
     */
    public void fill(LayerDescriptor layer, Opener opener, int attempts) throws IOException {
        LayerId id = layer.id();
        Path part = tmp.resolve(id.hex() + "." + UUID.randomUUID() + ".part");
        MessageDigest md = digest(id);
        long done = 0;
        int failures = 0;
        byte[] buf = new byte[CHUNK];
        try {
            while (true) {
                try (InputStream in = opener.open(done);
                     OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        if (done + n > layer.sizeBytes()) {
                            throw new CorruptBlobException("layer " + id + ": more than the " + layer.sizeBytes()
                                    + " bytes its descriptor declares; refused");
                        }
                        out.write(buf, 0, n);
                        md.update(buf, 0, n);
                        done += n;
                    }
                    if (done < layer.sizeBytes()) {
                        throw new IOException("blob ended after " + done + " of " + layer.sizeBytes() + " bytes");
                    }
                    break;
                } catch (CorruptBlobException e) {
                    throw e;
                } catch (LayerSourceException e) {
                    if (!e.retryable() || ++failures >= attempts) {
                        throw e;
                    }
                } catch (IOException e) {
                    if (++failures >= attempts) {
                        throw new IOException("layer " + id + ": transfer failed " + failures + " times, last at byte " + done + " of "
                                + layer.sizeBytes() + ": " + e.getMessage(), e);
                    }
                }
                LOG.debug("layer {}: transfer cut at byte {}; resuming", id, done);
            }
            String got = id.algorithm() + ":" + HexFormat.of().formatHex(md.digest());
            if (!got.equals(id.digest())) {
                throw new CorruptBlobException("layer " + id + ": digest mismatch, content hashes to " + got + "; refused (not stored)");
            }
            Path target = file(id);
            Files.createDirectories(target.getParent());
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private static MessageDigest digest(LayerId id) {
        try {
            return MessageDigest.getInstance(id.algorithm().equals("sha512") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

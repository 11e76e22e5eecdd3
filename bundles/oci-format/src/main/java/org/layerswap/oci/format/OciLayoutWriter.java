package org.layerswap.oci.format;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import org.layerswap.api.ImageConfig;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;

/**
 * Builds an OCI image-layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256})
 * from generated tar layers: for tests, the demo and benchmarks. Images are named by the
 * {@code org.opencontainers.image.ref.name} annotation, as {@code skopeo copy oci:DIR:REF} expects.
 */
public final class OciLayoutWriter {

    /** Content of one layer tar. */
    @FunctionalInterface
    public interface LayerContent {
        void write(TarLayerBuilder tar) throws IOException;
    }

    /** A layer blob written to the layout, with the digest of its uncompressed tar. */
    public record LayerBlob(LayerDescriptor descriptor, String diffId, long uncompressedSize) {
    }

    private final Path root;
    private final List<Descriptor> manifests = new ArrayList<>();

    private OciLayoutWriter(Path root) {
        this.root = root;
    }

    /** Creates (or appends to) a layout at {@code dir}. */
    public static OciLayoutWriter create(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        OciLayoutWriter w = new OciLayoutWriter(dir);
        Path index = dir.resolve("index.json");
        if (Files.exists(index)) {
            w.manifests.addAll(OciManifests.parseIndex(Files.readAllBytes(index)));
        }
        return w;
    }

    public Path root() {
        return root;
    }

    /** Writes a gzip-compressed layer (level 1: fast, like a build cache would). */
    public LayerBlob addLayer(LayerContent content) throws IOException {
        return addLayer(true, content);
    }

    /** Writes a layer, gzip-compressed or plain tar. */
    public LayerBlob addLayer(boolean gzip, LayerContent content) throws IOException {
        Path tmp = Files.createTempFile(root.resolve("blobs"), "layer", ".tmp");
        MessageDigest compressed = Digests.sha256();
        MessageDigest uncompressed = Digests.sha256();
        long[] raw = new long[1];
        try {
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 DigestOutputStream c = new DigestOutputStream(file, compressed);
                 OutputStream z = gzip ? new FastGzip(c) : c;
                 DigestOutputStream u = new DigestOutputStream(new CountingStream(z, raw), uncompressed)) {
                TarLayerBuilder tar = new TarLayerBuilder(u);
                content.write(tar);
                tar.finish();
            }
            String digest = Digests.format("sha256", compressed);
            long size = Files.size(tmp);
            Files.move(tmp, blob(digest), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new LayerBlob(new LayerDescriptor(LayerId.of(digest), size,
                    gzip ? OciMediaTypes.OCI_LAYER_GZIP : OciMediaTypes.OCI_LAYER_TAR),
                    Digests.format("sha256", uncompressed), raw[0]);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Adds a blob given as bytes (config, manifest, or a prebuilt layer). */
    public Descriptor addBlob(String mediaType, byte[] data) throws IOException {
        String digest = Digests.sha256(data);
        Path p = blob(digest);
        if (!Files.exists(p)) {
            Path tmp = Files.createTempFile(root.resolve("blobs"), "blob", ".tmp");
            Files.write(tmp, data);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return new Descriptor(mediaType, digest, data.length);
    }

    /** Writes config + manifest for the layers (base first) and names the image {@code refName} in index.json. */
    public Descriptor addImage(String refName, List<LayerBlob> layers, ImageConfig config) throws IOException {
        List<String> diffIds = layers.stream().map(LayerBlob::diffId).toList();
        Descriptor cfg = addBlob(OciMediaTypes.OCI_CONFIG, OciManifests.writeConfig(config, diffIds, "linux", "amd64"));
        Descriptor manifest = addBlob(OciMediaTypes.OCI_MANIFEST,
                OciManifests.writeManifest(cfg, layers.stream().map(LayerBlob::descriptor).toList()));
        Descriptor entry = new Descriptor(OciMediaTypes.OCI_MANIFEST, manifest.digest(), manifest.size(),
                java.util.Map.of(OciManifests.REF_NAME_ANNOTATION, refName), "linux", "amd64", null);
        manifests.removeIf(d -> refName.equals(d.annotation(OciManifests.REF_NAME_ANNOTATION)));
        manifests.add(entry);
        writeIndex();
        return entry;
    }

    public Path blob(String digest) {
        LayerId id = LayerId.of(digest);
        return root.resolve("blobs").resolve(id.algorithm()).resolve(id.hex());
    }

    private void writeIndex() throws IOException {
        Path tmp = root.resolve("index.json.tmp");
        Files.write(tmp, OciManifests.writeIndex(manifests));
        Files.move(tmp, root.resolve("index.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        private final long[] count;

        CountingStream(OutputStream out, long[] count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count[0] += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count[0]++;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

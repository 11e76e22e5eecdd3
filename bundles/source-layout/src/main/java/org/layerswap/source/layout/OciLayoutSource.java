package org.layerswap.source.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.oci.format.Descriptor;
import org.layerswap.oci.format.OciManifests;

/**
 * A {@link LayerSource} reading an OCI image-layout directory ({@code oci-layout}, {@code index.json},
 * {@code blobs/<alg>/<hex>}). Images are referenced by their {@code org.opencontainers.image.ref.name}
 * annotation (the full reference or just its tag), or by manifest digest. No server needed.
 */
public final class OciLayoutSource implements LayerSource {

    public static final String NAME = "layout";

    private final Path root;
    private final String name;

    public OciLayoutSource(Path root) {
        this(root, NAME);
    }

    public OciLayoutSource(Path root, String name) {
        this.root = root;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    @Override
    public ImageManifest resolve(String imageReference) throws LayerSourceException {
        if (!Files.isRegularFile(root.resolve("oci-layout"))) {
            throw new LayerSourceException("not an OCI image layout (no oci-layout file): " + root, false);
        }
        try {
            List<Descriptor> index = OciManifests.parseIndex(Files.readAllBytes(root.resolve("index.json")));
            Descriptor entry = find(index, imageReference);
            byte[] doc = blob(entry.digest());
            if (OciManifests.isIndex(entry.mediaType(), doc)) {
                entry = OciManifests.selectPlatform(OciManifests.parseIndex(doc), "linux", "amd64");
                doc = blob(entry.digest());
            }
            OciManifests.Manifest m = OciManifests.parseManifest(doc);
            byte[] config = blob(m.config().digest());
            return new ImageManifest(imageReference, repositoryOf(imageReference), entry.digest(), m.layers(),
                    OciManifests.parseConfig(config));
        } catch (LayerSourceException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw new LayerSourceException("layout " + root + ": cannot resolve '" + imageReference + "': " + e.getMessage(), false, e);
        }
    }

    private Descriptor find(List<Descriptor> index, String ref) throws LayerSourceException {
        String digest = ref.contains("@") ? ref.substring(ref.indexOf('@') + 1) : ref.startsWith("sha256:") ? ref : null;
        List<String> names = new ArrayList<>();
        for (Descriptor d : index) {
            String n = d.annotation(OciManifests.REF_NAME_ANNOTATION);
            if (digest != null ? digest.equals(d.digest()) : ref.equals(n)) {
                return d;
            }
            names.add(n);
        }
        if (digest == null) {
            String tag = tagOf(ref);
            for (Descriptor d : index) {
                if (tag != null && tag.equals(d.annotation(OciManifests.REF_NAME_ANNOTATION))) {
                    return d;
                }
            }
        }
        throw new LayerSourceException("layout " + root + " has no image '" + ref + "' (names: " + names + ")", false);
    }

    @Override
    public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
        Path p = blobPath(layer.id());
        try {
            InputStream in = Files.newInputStream(p);
            long skipped = 0;
            while (skipped < offset) {
                long n = in.skip(offset - skipped);
                if (n <= 0) {
                    in.close();
                    throw new LayerSourceException("layout " + root + ": blob " + layer.id() + " is shorter than offset " + offset, false);
                }
                skipped += n;
            }
            return in;
        } catch (NoSuchFileException e) {
            throw new LayerSourceException("layout " + root + " has no blob " + layer.id() + " (looked for " + p + ")", false, e);
        } catch (IOException e) {
            throw new LayerSourceException("layout " + root + ": cannot read blob " + layer.id() + ": " + e.getMessage(), true, e);
        }
    }

    /** The manifest's blob, as the layout holds it (the repository does not matter: one blob directory). */
    @Override
    public byte[] manifestBytes(String repository, String manifestDigest) throws LayerSourceException {
        try {
            return blob(manifestDigest);
        } catch (IOException | IllegalArgumentException e) {
            throw new LayerSourceException("layout " + root + ": cannot read manifest " + manifestDigest + ": " + e.getMessage(), false, e);
        }
    }

    public Path blobPath(LayerId id) {
        return root.resolve("blobs").resolve(id.algorithm()).resolve(id.hex());
    }

    private byte[] blob(String digest) throws IOException, LayerSourceException {
        Path p = blobPath(LayerId.of(digest));
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new LayerSourceException("layout " + root + " is missing blob " + digest, false, e);
        }
    }

    static String repositoryOf(String ref) {
        String r = ref;
        int at = r.indexOf('@');
        if (at >= 0) {
            r = r.substring(0, at);
        }
        String tag = tagOf(r);
        return tag == null ? r : r.substring(0, r.length() - tag.length() - 1);
    }

    static String tagOf(String ref) {
        int colon = ref.lastIndexOf(':');
        return colon > ref.lastIndexOf('/') && colon >= 0 ? ref.substring(colon + 1) : null;
    }
}

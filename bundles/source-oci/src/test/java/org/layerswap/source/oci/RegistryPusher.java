package org.layerswap.source.oci;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSourceException;
import org.layerswap.oci.format.Descriptor;
import org.layerswap.oci.format.OciManifests;
import org.layerswap.oci.format.OciMediaTypes;

/**
 * Test support: pushes blobs, manifests and whole images from an OCI image layout to a registry
 * through a {@link RegistryClient}'s transport (same auth, retries and attempt counter). Blobs up
 * to 16 MiB go up in one PUT, larger ones in 16 MiB PATCH chunks. The appliance only pulls, so this
 * lives in the test-jar (with {@code LocalRegistry} and {@code FaultProxy}).
 */
public final class RegistryPusher {

    private static final long PUSH_CHUNK = 16L << 20;

    private final RegistrySettings config;
    private final RegistryTransport transport;

    public RegistryPusher(RegistryClient client) {
        this.config = client.config();
        this.transport = client.transport();
    }

    /** True when the registry holds the blob. */
    public boolean hasBlob(String repository, String digest) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " blob " + digest;
        HttpResponse<Void> r = transport.send(what, repository,
                () -> HttpRequest.newBuilder(transport.v2(repository, "blobs/" + digest)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .timeout(config.readTimeout()), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw new LayerSourceException(what + ": HEAD gave HTTP " + r.statusCode(), r.statusCode() >= 500);
    }

    /** Uploads a blob file (monolithic up to 16 MiB, chunked PATCH above), skipping it when present. */
    public void pushBlob(String repository, String digest, Path file) throws LayerSourceException {
        if (hasBlob(repository, digest)) {
            return;
        }
        String what = "registry " + config.registry() + " repository " + repository + " upload " + digest;
        try {
            long size = Files.size(file);
            HttpResponse<String> start = transport.send(what, repository,
                    () -> HttpRequest.newBuilder(transport.v2(repository, "blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(config.readTimeout()), HttpResponse.BodyHandlers.ofString());
            expect(start, 202, what);
            URI location = location(start, what);
            if (size > PUSH_CHUNK) {
                long off = 0;
                while (off < size) {
                    long len = Math.min(PUSH_CHUNK, size - off);
                    long from = off;
                    URI at = location;
                    HttpResponse<String> p = transport.send(what, repository, () -> HttpRequest.newBuilder(at)
                            .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                                    HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, from, len)), len))
                            .header("Content-Type", "application/octet-stream")
                            .header("Content-Range", from + "-" + (from + len - 1))
                            .timeout(Duration.ofMinutes(5)), HttpResponse.BodyHandlers.ofString());
                    expect(p, 202, what);
                    location = location(p, what);
                    off += len;
                }
                URI done = RegistryAuth.withQuery(location, "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
                HttpResponse<String> fin = transport.send(what, repository, () -> HttpRequest.newBuilder(done)
                        .PUT(HttpRequest.BodyPublishers.noBody()).timeout(config.readTimeout()), HttpResponse.BodyHandlers.ofString());
                expect(fin, 201, what);
            } else {
                URI done = RegistryAuth.withQuery(location, "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
                HttpResponse<String> put = transport.send(what, repository, () -> {
                    try {
                        return HttpRequest.newBuilder(done).PUT(HttpRequest.BodyPublishers.ofFile(file))
                                .header("Content-Type", "application/octet-stream").timeout(Duration.ofMinutes(5));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, HttpResponse.BodyHandlers.ofString());
                expect(put, 201, what);
            }
        } catch (IOException e) {
            if (e instanceof LayerSourceException lse) {
                throw lse;
            }
            throw new LayerSourceException(what + ": " + e, false, e);
        }
    }

    /** PUTs a manifest or index under {@code reference} (tag or digest). */
    public void pushManifest(String repository, String reference, String mediaType, byte[] body) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " manifest " + reference;
        HttpResponse<String> r = transport.send(what, repository, () -> HttpRequest.newBuilder(transport.v2(repository, "manifests/" + reference))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", mediaType)
                .timeout(config.readTimeout()), HttpResponse.BodyHandlers.ofString());
        expect(r, 201, what);
    }

    /**
     * Pushes the image named {@code refName} in an OCI image layout to {@code repository:tag}: every
     * blob (layers, config), then the manifest (and, for an index entry, the index's manifests).
     */
    public void pushFromLayout(Path layout, String refName, String repository, String tag) throws LayerSourceException {
        try {
            List<Descriptor> index = OciManifests.parseIndex(Files.readAllBytes(layout.resolve("index.json")));
            Descriptor entry = index.stream().filter(d -> refName.equals(d.annotation(OciManifests.REF_NAME_ANNOTATION)))
                    .findFirst().orElseThrow(() -> new LayerSourceException("layout " + layout + " has no image '" + refName + "'", false));
            byte[] manifest = Files.readAllBytes(blob(layout, entry.digest()));
            OciManifests.Manifest m = OciManifests.parseManifest(manifest);
            pushBlob(repository, m.config().digest(), blob(layout, m.config().digest()));
            for (LayerDescriptor l : m.layers()) {
                pushBlob(repository, l.id().digest(), blob(layout, l.id().digest()));
            }
            String mt = Optional.ofNullable(m.mediaType()).orElse(OciMediaTypes.OCI_MANIFEST);
            pushManifest(repository, tag, mt, manifest);
        } catch (IOException e) {
            if (e instanceof LayerSourceException lse) {
                throw lse;
            }
            throw new LayerSourceException("push of " + layout + ":" + refName + " failed: " + e, false, e);
        }
    }

    private static Path blob(Path layout, String digest) {
        int colon = digest.indexOf(':');
        return layout.resolve("blobs").resolve(digest.substring(0, colon)).resolve(digest.substring(colon + 1));
    }

    private static InputStream slice(Path file, long from, long len) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(from);
            return new java.io.FilterInputStream(in) {
                long left = len;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int n) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int r = super.read(b, off, (int) Math.min(n, left));
                    if (r > 0) {
                        left -= r;
                    }
                    return r;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private URI location(HttpResponse<?> r, String what) throws LayerSourceException {
        String loc = r.headers().firstValue("Location").orElseThrow(
                () -> new LayerSourceException(what + ": upload response without Location header", false));
        return r.uri().resolve(loc);
    }

    private void expect(HttpResponse<String> r, int status, String what) throws LayerSourceException {
        if (r.statusCode() != status) {
            throw new LayerSourceException(what + ": HTTP " + r.statusCode() + " (wanted " + status + ") " + RegistryTransport.abbreviate(r.body()),
                    r.statusCode() >= 500);
        }
    }
}

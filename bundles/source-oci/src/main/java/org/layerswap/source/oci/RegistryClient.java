package org.layerswap.source.oci;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.oci.format.Descriptor;
import org.layerswap.oci.format.Digests;
import org.layerswap.oci.format.OciManifests;
import org.layerswap.oci.format.OciMediaTypes;

/**
 * OCI Distribution API client (pull side) on {@link HttpClient}: manifests (OCI and Docker v2,
 * image indexes resolved to the configured platform), blobs by digest with HTTP Range, timeouts on
 * connect and on every read. Authentication ({@link RegistryAuth}: anonymous / basic / bearer token
 * from the {@code WWW-Authenticate} challenge), bounded retries and the "down" period after a
 * registry failed every attempt are the {@link RegistryTransport}'s. Manifests fetched by digest and
 * small blobs are digest-checked here; layer blobs are checked by the caller while streaming.
 * Manifests, indexes and config blobs are capped at {@link RegistrySettings#maxDocumentBytes()}
 * ({@link CappedBody}); layer blobs are streamed, and bounded by the store's budget.
 * Errors name registry, repository, digest/reference and HTTP status.
 */
public final class RegistryClient implements LayerSource {

    public static final String NAME = "oci";

    private final RegistrySettings config;
    private final String name;
    private final RegistryTransport transport;

    public RegistryClient(RegistrySettings config) {
        this(config, NAME);
    }

    public RegistryClient(RegistrySettings config, String name) {
        this.config = config;
        this.name = name;
        this.transport = new RegistryTransport(config);
    }

    @Override
    public String name() {
        return name;
    }

    public RegistrySettings config() {
        return config;
    }

    /** HTTP requests sent so far (each attempt counts), for tests and metrics. */
    public long attempts() {
        return transport.attempts();
    }

    /** The transport (auth, retries) this client sends with; a pusher in the same package shares it. */
    RegistryTransport transport() {
        return transport;
    }

    // ------------------------------------------------------------------ pull

    @Override
    public ImageManifest resolve(String imageReference) throws LayerSourceException {
        ImageReference ref = ImageReference.parse(imageReference, config.registry());
        Fetched doc = getManifest(ref.repository(), ref.reference());
        String manifestDigest = doc.digest;
        byte[] body = doc.body;
        String what = "registry " + config.registry() + " repository " + ref.repository() + " manifest " + ref.reference();
        try {
            if (OciManifests.isIndex(doc.contentType, body)) {
                Descriptor d = OciManifests.selectPlatform(OciManifests.parseIndex(body), config.os(), config.architecture());
                Fetched m = getManifest(ref.repository(), d.digest());
                manifestDigest = d.digest();
                body = m.body;
            }
            OciManifests.Manifest m = OciManifests.parseManifest(body);
            byte[] cfg = getSmallBlob(ref.repository(), m.config().digest());
            return new ImageManifest(imageReference, ref.repository(), manifestDigest, m.layers(), OciManifests.parseConfig(cfg));
        } catch (IllegalArgumentException e) {
            throw new LayerSourceException(what + ": malformed document: " + e.getMessage(), false, e);
        }
    }

    @Override
    public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " blob " + layer.id();
        URI uri = transport.v2(repository, "blobs/" + layer.id().digest());
        HttpResponse<InputStream> r = transport.send(what, repository, () -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(config.connectTimeout());
            if (offset > 0) {
                b.header("Range", "bytes=" + offset + "-");
            }
            return b;
        }, HttpResponse.BodyHandlers.ofInputStream());
        int status = r.statusCode();
        InputStream body = r.body();
        try {
            if (status == 206) {
                String cr = r.headers().firstValue("Content-Range").orElse("");
                if (!cr.startsWith("bytes " + offset + "-")) {
                    body.close();
                    throw new LayerSourceException(what + ": asked for bytes " + offset + "- but got Content-Range '" + cr + "'", true);
                }
            } else if (status == 200) {
                if (offset > 0) { // server ignored Range: skip what we already have
                    body.skipNBytes(offset);
                }
            } else if (status == 416) {
                body.close();
                throw new LayerSourceException(what + ": range " + offset + "- not satisfiable (HTTP 416)", false);
            } else {
                String text = new String(body.readNBytes(512), StandardCharsets.UTF_8);
                body.close();
                throw new LayerSourceException(what + ": HTTP " + status + " " + text.strip(), status >= 500 || status == 429);
            }
        } catch (IOException e) {
            if (e instanceof LayerSourceException lse) {
                throw lse;
            }
            throw new LayerSourceException(what + ": " + e, true, e);
        }
        return InactivityTimeoutStream.wrap(body, config.readTimeout(), what);
    }

    /** The manifest by digest, as the registry serves it (its digest checked). */
    @Override
    public byte[] manifestBytes(String repository, String manifestDigest) throws LayerSourceException {
        if (!manifestDigest.startsWith("sha256:")) {
            throw new LayerSourceException("registry " + config.registry() + ": a manifest digest must be sha256:<hex>, got '"
                    + manifestDigest + "'", false);
        }
        return getManifest(repository, manifestDigest).body;
    }

    private Fetched getManifest(String repository, String reference) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " manifest " + reference;
        URI uri = transport.v2(repository, "manifests/" + reference);
        HttpResponse<byte[]> r = transport.send(what, repository,
                () -> HttpRequest.newBuilder(uri).GET().header("Accept", OciMediaTypes.ACCEPT_ALL).timeout(config.readTimeout()),
                CappedBody.handler(uri, config.maxDocumentBytes()));
        RegistryTransport.requireOk(r, what);
        byte[] body = r.body();
        String computed = Digests.sha256(body);
        if (reference.startsWith("sha256:") && !reference.equals(computed)) {
            throw new LayerSourceException(what + ": manifest content has digest " + computed + ", refusing it", false);
        }
        return new Fetched(body, r.headers().firstValue("Content-Type").orElse(null), computed);
    }

    private byte[] getSmallBlob(String repository, String digest) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " blob " + digest;
        URI uri = transport.v2(repository, "blobs/" + digest);
        HttpResponse<byte[]> r = transport.send(what, repository,
                () -> HttpRequest.newBuilder(uri).GET().timeout(config.readTimeout()),
                CappedBody.handler(uri, config.maxDocumentBytes()));
        RegistryTransport.requireOk(r, what);
        String computed = Digests.sha256(r.body());
        if (!computed.equals(digest)) {
            throw new LayerSourceException(what + ": content has digest " + computed + ", refusing it", false);
        }
        return r.body();
    }

    private record Fetched(byte[] body, String contentType, String digest) {
    }
}

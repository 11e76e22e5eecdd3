package org.layerswap.containerd.learning;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An image's manifest and config byte for byte, with the descriptors containerd stores them under: what a pull writes
 * into containerd's content store. Invariant: each document's bytes hash to its descriptor's digest and are exactly its
 * size (checked when built; a document that does not is refused with what was wrong). Layers are descriptors only.
 */
public record ImageDocuments(Blob manifest, Blob config, List<Blob> layers) {

    /** Largest config accepted (configs are a few KB; a huge one is no config). */
    static final int MAX_CONFIG_BYTES = 4 << 20;
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A descriptor, with its content when it is a document. */
    public record Blob(String mediaType, String digest, long size, byte[] bytes) {
    }

    public ImageDocuments {
        layers = List.copyOf(layers);
    }

    /** Reads manifest {@code manifestDigest} of {@code repository} and its config through {@code source}, verified. */
    public static ImageDocuments read(LayerSource source, String repository, String manifestDigest) throws LayerSourceException {
        byte[] manifest = source.manifestBytes(repository, manifestDigest);
        Blob m = document("manifest", manifestDigest, manifest.length, mediaTypeOf(manifest), manifest);
        JsonNode doc = parse(manifest, manifestDigest);
        Blob c = descriptor(doc.path("config"), "config of manifest " + manifestDigest);
        if (c.size() > MAX_CONFIG_BYTES) {
            throw new IllegalArgumentException("config " + c.digest() + " of manifest " + manifestDigest + " claims " + c.size()
                    + " bytes, more than " + MAX_CONFIG_BYTES);
        }
        byte[] config;
        try (InputStream in = source.openBlob(repository, new LayerDescriptor(LayerId.of(c.digest()), c.size(), c.mediaType()), 0)) {
            config = in.readNBytes((int) c.size() + 1);
        } catch (IOException e) {
            throw new LayerSourceException("cannot read config " + c.digest() + " of " + repository + ": " + e, true, e);
        }
        List<Blob> layers = new ArrayList<>();
        for (JsonNode l : doc.path("layers")) {
            layers.add(descriptor(l, "a layer of manifest " + manifestDigest));
        }
        return new ImageDocuments(m, document("config", c.digest(), c.size(), c.mediaType(), config), layers);
    }

    /** {@code bytes} as the document {@code digest} of {@code size} bytes: refused when either does not match. */
    static Blob document(String what, String digest, long size, String mediaType, byte[] bytes) {
        if (bytes.length != size) {
            throw new IllegalArgumentException(what + " " + digest + " is " + bytes.length + " bytes, its descriptor says " + size);
        }
        String computed = sha256(bytes);
        if (!computed.equals(digest)) {
            throw new IllegalArgumentException(what + " " + digest + " has digest " + computed + ": not the document asked for");
        }
        return new Blob(mediaType, digest, size, bytes);
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static String mediaTypeOf(byte[] manifest) {
        JsonNode doc = parse(manifest, "manifest");
        if (doc.has("manifests")) {
            throw new IllegalArgumentException("an image index, not a manifest (resolve the platform's manifest first)");
        }
        String type = doc.path("mediaType").asText("");
        return type.isEmpty() ? OCI_MANIFEST : type;
    }

    private static JsonNode parse(byte[] json, String what) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is no JSON document: " + e.getMessage(), e);
        }
    }

    private static Blob descriptor(JsonNode d, String what) {
        String digest = d.path("digest").asText("");
        long size = d.path("size").asLong(-1);
        if (!digest.matches("sha256:[0-9a-f]{64}") || size < 0) {
            throw new IllegalArgumentException(what + ": want a sha256 digest and a size, got " + d);
        }
        return new Blob(d.path("mediaType").asText(""), digest, size, null);
    }
}

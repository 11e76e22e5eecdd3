package org.layerswap.oci.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.layerswap.api.ImageConfig;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;

/** Parsing and writing of OCI / Docker v2 manifests, image indexes and image configs. */
public final class OciManifests {

    public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

    /** A parsed image manifest. */
    public record Manifest(String mediaType, Descriptor config, List<LayerDescriptor> layers) {
    }

    /** The {@code mediaType} field of a document, or empty when it has none. */
    public static Optional<String> mediaTypeOf(byte[] document) {
        return Optional.ofNullable(text(Json.object(document), "mediaType"));
    }

    /** True when the document is an image index / manifest list (by media type or by a {@code manifests} array). */
    public static boolean isIndex(String contentType, byte[] document) {
        if (contentType != null && OciMediaTypes.INDEXES.contains(stripParams(contentType))) {
            return true;
        }
        JsonNode m = Json.object(document);
        String mt = text(m, "mediaType");
        if (mt != null) {
            return OciMediaTypes.INDEXES.contains(mt);
        }
        return m.path("manifests").isArray() && !m.path("layers").isArray();
    }

    public static List<Descriptor> parseIndex(byte[] document) {
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode o : array(Json.object(document), "manifests", "image index")) {
            out.add(descriptor(o, "image index manifests[" + out.size() + "]"));
        }
        return out;
    }

    /** The entry for {@code os/arch} (e.g. linux/amd64); errors list the platforms that are there. */
    public static Descriptor selectPlatform(List<Descriptor> index, String os, String arch) {
        List<String> seen = new ArrayList<>();
        for (Descriptor d : index) {
            if (os.equals(d.os()) && arch.equals(d.architecture())) {
                return d;
            }
            seen.add(d.os() + "/" + d.architecture());
        }
        if (index.size() == 1 && index.get(0).os() == null) {
            return index.get(0);
        }
        throw new IllegalArgumentException("image index has no " + os + "/" + arch + " manifest (platforms: " + seen + ")");
    }

    public static Manifest parseManifest(byte[] document) {
        JsonNode m = Json.object(document);
        String mt = text(m, "mediaType");
        if (mt != null && OciMediaTypes.INDEXES.contains(mt)) {
            throw new IllegalArgumentException("expected an image manifest but got an index (" + mt + ")");
        }
        Descriptor config = descriptor(m.path("config"), "manifest config");
        List<LayerDescriptor> layers = new ArrayList<>();
        for (JsonNode o : array(m, "layers", "image manifest")) {
            String where = "manifest layers[" + layers.size() + "]";
            Descriptor d = descriptor(o, where);
            LayerId id;
            try {
                id = LayerId.of(d.digest());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            layers.add(new LayerDescriptor(id, d.size(), d.mediaType()));
        }
        return new Manifest(mt, config, layers);
    }

    /**
     * The runnable parts of an image config and its {@code rootfs.diff_ids} (empty when absent); a config without a
     * {@code config} object has no runnable parts ({@link ImageConfig#EMPTY}'s) but keeps its diff ids. A diff id
     * that is not {@code sha256:<64 lowercase hex>} is refused, naming it.
     */
    public static ImageConfig parseConfig(byte[] document) {
        JsonNode doc = Json.object(document);
        List<String> diffIds = strings(doc.path("rootfs").path("diff_ids"));
        for (String d : diffIds) {
            if (!d.matches("sha256:[0-9a-f]{64}")) {
                throw new IllegalArgumentException("image config rootfs.diff_ids: '" + d + "' is not sha256:<64 lowercase hex>");
            }
        }
        JsonNode c = doc.path("config");
        if (!c.isObject()) {
            return ImageConfig.EMPTY.withDiffIds(diffIds);
        }
        return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
                text(c, "WorkingDir"), diffIds);
    }

    /** An image config document for {@code config} with the given uncompressed layer digests. */
    public static byte[] writeConfig(ImageConfig config, List<String> diffIds, String os, String arch) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Entrypoint", config.entrypoint());
        c.put("Cmd", config.cmd());
        c.put("Env", config.env());
        c.put("WorkingDir", config.workingDir());
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("type", "layers");
        rootfs.put("diff_ids", diffIds);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("architecture", arch);
        doc.put("os", os);
        doc.put("config", c);
        doc.put("rootfs", rootfs);
        return Json.writeBytes(doc);
    }

    public static byte[] writeManifest(Descriptor config, List<LayerDescriptor> layers) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schemaVersion", 2);
        doc.put("mediaType", OciMediaTypes.OCI_MANIFEST);
        doc.put("config", config.toJson());
        List<Object> ls = new ArrayList<>();
        for (LayerDescriptor l : layers) {
            ls.add(new Descriptor(l.mediaType(), l.id().digest(), l.sizeBytes()).toJson());
        }
        doc.put("layers", ls);
        return Json.writeBytes(doc);
    }

    public static byte[] writeIndex(List<Descriptor> manifests) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schemaVersion", 2);
        doc.put("mediaType", OciMediaTypes.OCI_INDEX);
        List<Object> ms = new ArrayList<>();
        for (Descriptor d : manifests) {
            ms.add(d.toJson());
        }
        doc.put("manifests", ms);
        return Json.writeBytes(doc);
    }

    static Descriptor descriptor(JsonNode o, String where) {
        if (!o.isObject()) {
            throw new IllegalArgumentException(where + ": not a descriptor object");
        }
        String digest = text(o, "digest");
        if (digest == null) {
            throw new IllegalArgumentException(where + ": descriptor without a digest");
        }
        JsonNode size = o.path("size");
        if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
            throw new IllegalArgumentException(where + ": descriptor " + digest + " without a valid size");
        }
        Map<String, String> ann = new LinkedHashMap<>();
        o.path("annotations").fields().forEachRemaining(e -> ann.put(e.getKey(), asString(e.getValue())));
        JsonNode p = o.path("platform");
        return new Descriptor(text(o, "mediaType"), digest, size.longValue(), ann,
                text(p, "os"), text(p, "architecture"), text(p, "variant"));
    }

    /** The field's string value, or null when it is absent or not a string. */
    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.textValue() : null;
    }

    private static JsonNode array(JsonNode m, String key, String what) {
        JsonNode a = m.path(key);
        if (!a.isArray()) {
            throw new IllegalArgumentException(what + " has no '" + key + "' array");
        }
        return a;
    }

    /** The array's elements as strings (non-strings in their JSON form); empty when it is not an array. */
    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.elements().forEachRemaining(x -> out.add(asString(x)));
        return out;
    }

    private static String asString(JsonNode v) {
        return v.isTextual() ? v.textValue() : v.toString();
    }

    static String stripParams(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }

    private OciManifests() {
    }
}

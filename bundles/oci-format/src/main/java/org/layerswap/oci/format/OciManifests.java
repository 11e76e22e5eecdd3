package org.layerswap.oci.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        Object mt = Json.parseObject(utf8(document)).get("mediaType");
        return Optional.ofNullable(mt instanceof String s ? s : null);
    }

    /** True when the document is an image index / manifest list (by media type or by a {@code manifests} array). */
    public static boolean isIndex(String contentType, byte[] document) {
        if (contentType != null && OciMediaTypes.INDEXES.contains(stripParams(contentType))) {
            return true;
        }
        Map<String, Object> m = Json.parseObject(utf8(document));
        Object mt = m.get("mediaType");
        if (mt instanceof String s) {
            return OciMediaTypes.INDEXES.contains(s);
        }
        return m.get("manifests") instanceof List && !(m.get("layers") instanceof List);
    }

    public static List<Descriptor> parseIndex(byte[] document) {
        Map<String, Object> m = Json.parseObject(utf8(document));
        List<Descriptor> out = new ArrayList<>();
        for (Object o : list(m, "manifests", "image index")) {
            out.add(descriptor(o, "image index manifests[]"));
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
        Map<String, Object> m = Json.parseObject(utf8(document));
        Object mt = m.get("mediaType");
        if (mt instanceof String s && OciMediaTypes.INDEXES.contains(s)) {
            throw new IllegalArgumentException("expected an image manifest but got an index (" + s + ")");
        }
        Descriptor config = descriptor(m.get("config"), "manifest config");
        List<LayerDescriptor> layers = new ArrayList<>();
        int k = 0;
        for (Object o : list(m, "layers", "image manifest")) {
            Descriptor d = descriptor(o, "manifest layers[" + k++ + "]");
            LayerId id;
            try {
                id = LayerId.of(d.digest());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("manifest layer " + (k - 1) + ": " + e.getMessage(), e);
            }
            layers.add(new LayerDescriptor(id, d.size(), d.mediaType()));
        }
        return new Manifest(mt instanceof String s ? s : null, config, layers);
    }

    @SuppressWarnings("unchecked")
    public static ImageConfig parseConfig(byte[] document) {
        Map<String, Object> m = Json.parseObject(utf8(document));
        Object c = m.get("config");
        if (!(c instanceof Map)) {
            return ImageConfig.EMPTY;
        }
        Map<String, Object> cfg = (Map<String, Object>) c;
        return new ImageConfig(strings(cfg.get("Entrypoint")), strings(cfg.get("Cmd")), strings(cfg.get("Env")),
                cfg.get("WorkingDir") instanceof String w ? w : null);
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
        return Json.write(doc).getBytes(StandardCharsets.UTF_8);
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
        return Json.write(doc).getBytes(StandardCharsets.UTF_8);
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
        return Json.write(doc).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static Descriptor descriptor(Object o, String where) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(where + ": not a descriptor object");
        }
        Map<String, Object> m = (Map<String, Object>) o;
        if (!(m.get("digest") instanceof String digest)) {
            throw new IllegalArgumentException(where + ": descriptor without a digest");
        }
        if (!(m.get("size") instanceof Long size) || size < 0) {
            throw new IllegalArgumentException(where + ": descriptor " + digest + " without a valid size");
        }
        Map<String, String> ann = new LinkedHashMap<>();
        if (m.get("annotations") instanceof Map<?, ?> a) {
            a.forEach((k, v) -> ann.put(String.valueOf(k), String.valueOf(v)));
        }
        String os = null;
        String arch = null;
        String variant = null;
        if (m.get("platform") instanceof Map<?, ?> p) {
            os = p.get("os") instanceof String s ? s : null;
            arch = p.get("architecture") instanceof String s ? s : null;
            variant = p.get("variant") instanceof String s ? s : null;
        }
        return new Descriptor(m.get("mediaType") instanceof String s ? s : null, digest, size, ann, os, arch, variant);
    }

    private static List<?> list(Map<String, Object> m, String key, String what) {
        if (!(m.get(key) instanceof List<?> l)) {
            throw new IllegalArgumentException(what + " has no '" + key + "' array");
        }
        return l;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                out.add(String.valueOf(x));
            }
        }
        return out;
    }

    static String stripParams(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private OciManifests() {
    }
}

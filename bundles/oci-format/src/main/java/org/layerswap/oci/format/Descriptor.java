package org.layerswap.oci.format;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** An OCI content descriptor (mediaType, digest, size, annotations, optional platform). */
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations,
                         String os, String architecture, String variant) {

    public Descriptor {
        Objects.requireNonNull(digest, "digest");
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
    }

    public Descriptor(String mediaType, String digest, long size) {
        this(mediaType, digest, size, Map.of(), null, null, null);
    }

    public String annotation(String key) {
        return annotations.get(key);
    }

    public Descriptor withAnnotation(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(annotations);
        m.put(key, value);
        return new Descriptor(mediaType, digest, size, m, os, architecture, variant);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mediaType", mediaType);
        m.put("digest", digest);
        m.put("size", size);
        if (os != null || architecture != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("architecture", architecture);
            p.put("os", os);
            if (variant != null) {
                p.put("variant", variant);
            }
            m.put("platform", p);
        }
        if (!annotations.isEmpty()) {
            m.put("annotations", new LinkedHashMap<>(annotations));
        }
        return m;
    }
}

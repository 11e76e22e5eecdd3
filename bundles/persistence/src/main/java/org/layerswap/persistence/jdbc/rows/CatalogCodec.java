package org.layerswap.persistence.jdbc.rows;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.layerswap.api.ImageConfig;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;

/**
 * Text forms of the catalog columns: layers one a line ({@code <digest> <sizeBytes> <mediaType>}, base first) and
 * the image config as {@link Properties} text ({@code entrypoint.<i>}, {@code cmd.<i>}, {@code env.<i>}, {@code diffId.<i>},
 * {@code workingDir}). Decoding throws {@link IllegalArgumentException} naming what is wrong.
 */
final class CatalogCodec {

    private CatalogCodec() {
    }

    static String encodeLayers(List<LayerDescriptor> layers) {
        StringBuilder sb = new StringBuilder();
        for (LayerDescriptor d : layers) {
            sb.append(d.id()).append(' ').append(d.sizeBytes()).append(' ').append(d.mediaType()).append('\n');
        }
        return sb.toString();
    }

    static List<LayerDescriptor> decodeLayers(String text) {
        List<LayerDescriptor> out = new ArrayList<>();
        if (text == null) {
            throw new IllegalArgumentException("no layers column");
        }
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            if (f.length != 3) {
                throw new IllegalArgumentException("layer line " + n + " '" + abbreviate(line) + "' is not '<digest> <size> <mediaType>'");
            }
            long size;
            try {
                size = Long.parseLong(f[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer line " + n + ": size '" + abbreviate(f[1]) + "' is not a number");
            }
            out.add(new LayerDescriptor(LayerId.of(f[0]), size, f[2]));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no layers");
        }
        return out;
    }

    static String encodeConfig(ImageConfig c) {
        Properties p = new Properties();
        put(p, "entrypoint", c.entrypoint());
        put(p, "cmd", c.cmd());
        put(p, "env", c.env());
        put(p, "diffId", c.diffIds());
        p.setProperty("workingDir", c.workingDir());
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    static ImageConfig decodeConfig(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text == null ? "" : text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("config is not properties text: " + e.getMessage());
        }
        for (String k : p.stringPropertyNames()) {
            if (!k.equals("workingDir") && !k.matches("(entrypoint|cmd|env|diffId)\\.\\d+")) {
                throw new IllegalArgumentException("unknown config key '" + abbreviate(k) + "' (want entrypoint.<i>, cmd.<i>, env.<i>, diffId.<i>, workingDir)");
            }
        }
        return new ImageConfig(list(p, "entrypoint"), list(p, "cmd"), list(p, "env"), p.getProperty("workingDir", "/"),
                list(p, "diffId"));
    }

    private static void put(Properties p, String name, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            p.setProperty(name + "." + i, values.get(i));
        }
    }

    private static List<String> list(Properties p, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; p.containsKey(name + "." + i); i++) {
            out.add(p.getProperty(name + "." + i));
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}

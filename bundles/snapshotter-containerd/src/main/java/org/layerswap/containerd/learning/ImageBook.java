package org.layerswap.containerd.learning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.containerd.LayerCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images containerd runs, made known to LayerSwap: an image name from containerd (an image create/update, or the
 * image of a started container) is resolved through LayerSwap's configured layer sources, first as containerd names it
 * ({@code registry.example:5000/fn/thumb:1}), then without its registry host ({@code fn/thumb:1}, what a source bound
 * to one registry or an OCI layout resolves). The image's layers and chain ids (from the config's diff ids) go into
 * the {@link LayerCatalog}, so a labelled Prepare for them is a handshake hit. An image that no source resolves, or
 * whose config has no diff ids, stays unknown (retried when containerd names it again). Which image each function runs
 * is the latest one a start of it named. Thread-safe.
 */
public final class ImageBook {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBook.class);

    private final Supplier<List<LayerSource>> sources;
    private final LayerCatalog catalog;
    private final Map<String, KnownImage> byName = new ConcurrentHashMap<>();
    private final Map<String, String> imageOfFunction = new ConcurrentHashMap<>();
    private final Map<String, Resolved> resolvedBy = new ConcurrentHashMap<>();

    /** Which source resolved an image, and its manifest's digest there. */
    private record Resolved(LayerSource source, String repository, String manifestDigest) {
    }

    public ImageBook(Supplier<List<LayerSource>> sources, LayerCatalog catalog) {
        this.sources = sources;
        this.catalog = catalog;
    }

    /** Resolves {@code containerdName} unless known; empty when no source resolves it with diff ids. */
    public Optional<KnownImage> learn(String containerdName) {
        if (containerdName == null || containerdName.isBlank()) {
            return Optional.empty();
        }
        KnownImage known = byName.get(containerdName);
        if (known != null) {
            return Optional.of(known);
        }
        List<String> tried = new ArrayList<>();
        for (String ref : references(containerdName)) {
            for (LayerSource s : sources.get()) {
                try {
                    ImageManifest m = s.resolve(ref);
                    KnownImage image = KnownImage.of(containerdName, m.repository(), m.layers(), m.config().diffIds());
                    catalog.register(image.layerIds(), m.config().diffIds());
                    resolvedBy.put(containerdName, new Resolved(s, m.repository(), m.manifestDigest()));
                    byName.put(containerdName, image);
                    LOG.info("containerd image {} resolved as {} through layer source {}: {} layers", containerdName, ref, s.name(),
                            image.layers().size());
                    return Optional.of(image);
                } catch (LayerSourceException | RuntimeException e) {
                    tried.add(s.name() + "(" + ref + "): " + e.getMessage());
                }
            }
        }
        LOG.debug("containerd image {} is unknown to LayerSwap's layer sources: {}", containerdName, tried);
        return Optional.empty();
    }

    /**
     * The manifest and config of {@code image} byte for byte, read through the source that resolved it (for
     * {@link PresentImages}); refused when it is not one this book resolved.
     */
    public ImageDocuments documents(KnownImage image) throws LayerSourceException {
        Resolved r = resolvedBy.get(image.containerdName());
        if (r == null || r.manifestDigest() == null) {
            throw new IllegalArgumentException("image " + image.containerdName() + " was not resolved by a layer source with a manifest digest");
        }
        return ImageDocuments.read(r.source(), r.repository(), r.manifestDigest());
    }

    /** Records that {@code functionId} runs {@code containerdName}; the image as {@link #learn} resolves it. */
    public Optional<KnownImage> ran(String functionId, String containerdName) {
        Optional<KnownImage> image = learn(containerdName);
        image.ifPresent(i -> imageOfFunction.put(functionId, containerdName));
        return image;
    }

    /** The image {@code functionId} ran last, when known. */
    public Optional<KnownImage> imageOf(String functionId) {
        String name = imageOfFunction.get(functionId);
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    public Map<String, String> functions() {
        return Map.copyOf(imageOfFunction);
    }

    public int size() {
        return byName.size();
    }

    /** The references a source may know {@code name} by: as given, then without a leading registry host. */
    static List<String> references(String name) {
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return List.of(name, name.substring(slash + 1));
            }
        }
        return List.of(name);
    }
}

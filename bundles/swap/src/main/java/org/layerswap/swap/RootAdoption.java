package org.layerswap.swap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.ResidentLayer;
import org.layerswap.api.SwapRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a restart: takes over the roots a backend's recovery kept ({@link FilesystemBackend#composed()}: each one a
 * complete generation whose mount the backend found intact or re-made) instead of composing them again. A recovered
 * root this manager does not know yet is
 * <ul>
 * <li><b>adopted</b> (same generation, same mount; its layers pinned again) when it is the root of a defined
 * function built from exactly the store directories of the function's stack, base first; or a variant root
 * {@code fn@<hash>} built from the function's stack plus data layers that are bound to {@code fn} and hash to
 * that key (then known to {@link VariantRoots} again, idle, in its LRU);</li>
 * <li><b>cleaned</b> (removed from the backend at once: no invocation runs on a recovered root) when it is a
 * shadow root (rollouts are not kept across restarts), when one of its lower directories is not a resident
 * store layer, when it was built from other layers than the definition now says (the next use composes the
 * definition's stack), when its data layers are no longer bound, or when its function is not defined once the
 * catalog is complete;</li>
 * <li>left <b>pending</b> while it cannot be adopted and the catalog may still be restored (a definition or binding
 * may still arrive): decided by a later pass, at the latest the one after {@code catalogComplete}; a function root
 * may also be adopted meanwhile by the function's first composition ({@link SwapRunner}).</li>
 * </ul>
 * Runs on the composer thread (each key under its {@link RootComposer#lock}); every pass is idempotent: roots the
 * manager already knows are skipped.
 */
final class RootAdoption {

    private static final Logger LOG = LoggerFactory.getLogger(RootAdoption.class);
    private static final Pattern VARIANT = Pattern.compile("(.+)" + VariantRoots.SEPARATOR + "[0-9a-f]{12}");

    private final RootComposer roots;
    private final LayerCatalog catalog;
    private final VariantRoots variants;
    private final LayerStore store;
    /** Report lines; lock-free (adoptions are also reported from other threads holding a root lock). */
    private final List<String> adopted = new CopyOnWriteArrayList<>();
    private final List<String> cleaned = new CopyOnWriteArrayList<>();
    private volatile List<String> pending = List.of();

    RootAdoption(RootComposer roots, LayerCatalog catalog, VariantRoots variants, LayerStore store) {
        this.roots = Objects.requireNonNull(roots, "roots");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.variants = Objects.requireNonNull(variants, "variants");
        this.store = Objects.requireNonNull(store, "store");
        roots.onAdoption(new RootComposer.AdoptionListener() { // also a function's first composition (SwapRunner)
            @Override
            public void adopted(String line) {
                adopted.add(line);
            }

            @Override
            public void replaced(String line) {
                cleaned.add(line);
            }
        });
    }

    /** One pass over {@code b}'s recovered roots; {@code catalogComplete}: roots of undefined functions are cleaned. */
    synchronized void run(FilesystemBackend b, boolean catalogComplete) {
        if (b == null) {
            return;
        }
        Map<Path, LayerId> byDir = new HashMap<>();
        for (ResidentLayer r : store.resident()) {
            if (r.path() != null) {
                byDir.put(r.path().toAbsolutePath().normalize(), r.id());
            }
        }
        List<String> waiting = new ArrayList<>();
        for (ComposedRoot r : b.composed()) {
            String key = r.functionId();
            if (roots.root(key) != null) {
                continue; // this manager composed or adopted it already
            }
            String fn = functionOf(key);
            synchronized (roots.lock(key.equals(fn) || key.endsWith(SwapManagerCore.SHADOW_SUFFIX) ? fn : key)) {
                if (roots.root(key) != null) {
                    continue;
                }
                String why = decide(b, r, fn, byDir, catalogComplete);
                if (why == null) {
                    waiting.add(key + " on " + b.name() + " (generation " + r.generation() + "): waiting for the catalog of " + fn);
                } else if (!why.isEmpty()) {
                    clean(b, key, r.generation(), why);
                }
            }
        }
        pending = List.copyOf(waiting);
    }

    /** Adopts {@code r} and returns "", or returns why it is cleaned; null when it stays pending. */
    private String decide(FilesystemBackend b, ComposedRoot r, String fn, Map<Path, LayerId> byDir, boolean catalogComplete) {
        String key = r.functionId();
        if (key.endsWith(SwapManagerCore.SHADOW_SUFFIX)) {
            return "shadow rollouts are not kept across restarts";
        }
        List<LayerId> layers = new ArrayList<>(r.layerDirs().size());
        for (Path d : r.layerDirs()) {
            LayerId id = byDir.get(d.toAbsolutePath().normalize());
            if (id == null) {
                return "lower directory " + d + " is not a resident layer of the store";
            }
            layers.add(id);
        }
        String why = matchCatalog(b, r, fn, layers);
        // until the catalog is restored a definition or binding may still arrive: only adopt, never clean
        return why.isEmpty() || catalogComplete ? why : null;
    }

    /** Adopts {@code r} when the catalog says it is current ("" returned), else returns why it is not. */
    private String matchCatalog(FilesystemBackend b, ComposedRoot r, String fn, List<LayerId> layers) {
        String key = r.functionId();
        if (catalog.function(fn).isEmpty()) {
            return "function " + fn + " is not defined";
        }
        List<LayerId> own = catalog.stackOf(fn);
        if (key.equals(fn)) {
            if (!layers.equals(own)) {
                return "built from other layers than the definition of " + fn + " (its next use composes the definition)";
            }
            return adopt(b, r, fn, layers, "root", null);
        }
        if (layers.size() <= own.size() || !layers.subList(0, own.size()).equals(own)) {
            return "variant root not built on the current stack of " + fn;
        }
        List<LayerId> data = List.copyOf(layers.subList(own.size(), layers.size()));
        if (!variants.dataLayersOf(fn, layers, own).equals(data) || !VariantRoots.key(fn, data).equals(key)) {
            return "its data layers " + data + " are no longer bound to " + fn + " under this key";
        }
        return adopt(b, r, fn, layers, "variant root " + key, data);
    }

    private String adopt(FilesystemBackend b, ComposedRoot r, String fn, List<LayerId> layers, String what, List<LayerId> data) {
        SwapRecord rec = roots.adopt(fn, r, b, layers, what);
        if (rec == null) {
            return "its layers could not be pinned in the store";
        }
        if (data != null) {
            variants.adopted(fn, r.functionId(), data);
        }
        LOG.info("adopted the recovered {} of {} on the {} backend (generation {})", what, fn, b.name(), r.generation());
        return "";
    }

    private void clean(FilesystemBackend b, String key, long generation, String why) {
        try {
            boolean now = b.remove(key);
            cleaned.add(key + " on " + b.name() + " (generation " + generation + "): " + why + (now ? "" : " (drains)"));
            LOG.info("removed the recovered root {} from the {} backend: {}", key, b.name(), why);
        } catch (IOException | RuntimeException e) {
            cleaned.add(key + " on " + b.name() + ": " + why + "; removing it failed: " + e.getMessage());
            LOG.warn("cannot remove the recovered root {} from the {} backend: {}", key, b.name(), e.toString());
        }
    }

    /** The function a backend key belongs to: {@code fn}, {@code fn#shadow} and {@code fn@<12 hex>} all name {@code fn}. */
    String functionOf(String key) {
        if (catalog.function(key).isPresent()) {
            return key;
        }
        if (key.endsWith(SwapManagerCore.SHADOW_SUFFIX)) {
            return key.substring(0, key.length() - SwapManagerCore.SHADOW_SUFFIX.length());
        }
        var m = VARIANT.matcher(key);
        return m.matches() ? m.group(1) : key;
    }

    List<String> adoptedLines() {
        return List.copyOf(adopted);
    }

    List<String> cleanedLines() {
        return List.copyOf(cleaned);
    }

    List<String> pendingLines() {
        return pending;
    }
}

package org.layerswap.swap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerId;
import org.layerswap.api.RootLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parameter-selected data layers and the "variant" roots built with them.
 *
 * <p>A {@link DataLayerBinding} says: an invocation of function {@code f} with {@code param=value} needs these
 * data layers. {@link #withDataLayers} puts the selected layers on top of the function's own stack (base first,
 * then the data layers in parameter-name order); {@link #enter} pins the variant root composed from exactly
 * that stack, under the backend key {@code f@<12 hex of sha256(data layer digests)>}. Each variant is composed
 * once and reused (recomposed, atomically, only when the function's own stack changed). Variants are kept per
 * function in LRU order, at most {@code maxPerFunction}; a variant is removed only when no invocation holds it
 * (a variant in use is never torn down: the bound is exceeded meanwhile). Re-defining a function with another
 * stack retires its variants (each removed when its last invocation ends), and so does removing the binding
 * that provided a variant's data layers. The binding table itself is {@link DataLayerBindingTable}.
 */
final class VariantRoots {

    private static final Logger LOG = LoggerFactory.getLogger(VariantRoots.class);
    static final char SEPARATOR = '@';

    /** What the swap manager core provides. */
    interface Host {
        FilesystemBackend backend();

        /** The backend {@code key} is composed on, or null. */
        FilesystemBackend composedOn(String key);

        List<LayerId> composedLayers(String key);

        /** Pins {@code layers} and composes {@code key} from them on {@code b} (new generation, atomic flip). */
        void compose(String functionId, String key, FilesystemBackend b, List<LayerId> layers, String note) throws Exception;

        /** Forgets {@code key} and removes it from its backend (the backend drains running invocations). */
        void discard(String functionId, String key);

        List<LayerId> stackOf(String functionId);

        boolean isResident(LayerId id);

        void async(Runnable r);

        Object lock(String key);
    }

    private static final class Variant {
        final String fn;
        final String key;
        final List<LayerId> data;
        final String label;
        int live;
        boolean retired;

        Variant(String fn, String key, List<LayerId> data, String label) {
            this.fn = fn;
            this.key = key;
            this.data = data;
            this.label = label;
        }
    }

    private final Host host;
    private volatile int maxPerFunction = 8;
    private final DataLayerBindingTable bindings = new DataLayerBindingTable();
    /** fn -> variants, least recently used first; guarded by the map itself. */
    private final ConcurrentHashMap<String, LinkedHashMap<String, Variant>> variants = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Variant> byKey = new ConcurrentHashMap<>();
    /** Predicted (fn, binding) pairs waiting for their layers to become resident. */
    private final Set<DataLayerBinding> wanted = ConcurrentHashMap.newKeySet();

    VariantRoots(Host host) {
        this.host = host;
    }

    void setMaxPerFunction(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxVariantsPerFunction must be >= 1, got " + max);
        }
        this.maxPerFunction = max;
        for (String fn : variants.keySet()) {
            host.async(() -> trim(fn));
        }
    }

    int maxPerFunction() {
        return maxPerFunction;
    }

    // ---- bindings ---------------------------------------------------------------------------------

    /** Adds or replaces the binding of {@code b.paramName()=b.paramValue()}; variants using dropped layers retire. */
    synchronized void bind(DataLayerBinding b) {
        bindings.bind(b);
        retireUnbound(b.functionId());
    }

    /**
     * Removes the binding of {@code param=value} of {@code fn}; returns it, or null when there was none. Variants
     * whose data layers no remaining binding of {@code fn} provides retire (idle ones are removed now, held ones
     * when their last invocation ends); a predicted variant still waiting for its layers is no longer composed.
     */
    synchronized DataLayerBinding unbind(String fn, String param, String value) {
        DataLayerBinding gone = bindings.unbind(fn, param, value);
        if (gone != null) {
            wanted.remove(gone);
            retireUnbound(fn);
        }
        return gone;
    }

    /** Retires {@code fn}'s variants using a layer none of its bindings provides any more. */
    private void retireUnbound(String fn) {
        Set<LayerId> all = bindings.layersOf(fn);
        retireWhere(fn, v -> !all.containsAll(v.data));
    }

    /** Bindings of {@code functionId}, or of every function when null, by function, parameter and value. */
    List<DataLayerBinding> bindings(String functionId) {
        return bindings.list(functionId);
    }

    boolean isDataLayer(LayerId id) {
        return bindings.isDataLayer(id);
    }

    /**
     * The invocation's stack: {@code own} with the data layers {@code params} select on top; {@code own} itself
     * (same instance) when they select none. Data layers already in {@code own} are not repeated.
     */
    List<LayerId> withDataLayers(String functionId, List<LayerId> own, Map<String, String> params) {
        return bindings.withDataLayers(functionId, own, params);
    }

    /** The data layers of a plan's stack: its layers bound to the function and not in its own stack. */
    List<LayerId> dataLayersOf(String functionId, List<LayerId> planLayers, List<LayerId> own) {
        Set<LayerId> bound = bindings.layersOf(functionId);
        if (bound.isEmpty() || planLayers.size() <= own.size()) {
            return List.of();
        }
        List<LayerId> data = new ArrayList<>(2);
        for (LayerId l : planLayers) {
            if (bound.contains(l) && !own.contains(l)) {
                data.add(l);
            }
        }
        return data;
    }

    /** The backend key of {@code functionId}'s variant with {@code dataLayers}: {@code fn@<12 hex digits>}. */
    static String key(String functionId, List<LayerId> dataLayers) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (LayerId l : dataLayers) {
                md.update(l.toString().getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            byte[] h = md.digest();
            StringBuilder sb = new StringBuilder(functionId.length() + 13).append(functionId).append(SEPARATOR);
            for (int i = 0; i < 6; i++) {
                sb.append(Character.forDigit((h[i] >> 4) & 0xf, 16)).append(Character.forDigit(h[i] & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    // ---- the invocation side ----------------------------------------------------------------------

    /**
     * Pins the variant root of a plan with data layers (composing it first when it is missing or built from
     * another stack); null when the plan selects no data layer.
     */
    RootLease enter(String functionId, List<LayerId> planLayers) throws IOException {
        List<LayerId> own = host.stackOf(functionId);
        List<LayerId> data = dataLayersOf(functionId, planLayers, own);
        if (data.isEmpty()) {
            return null;
        }
        String key = key(functionId, data);
        Variant v = reserve(functionId, key, data, true);
        RootLease lease;
        try {
            synchronized (host.lock(key)) {
                FilesystemBackend on = host.composedOn(key);
                if (on == null || !planLayers.equals(host.composedLayers(key))) {
                    FilesystemBackend b = host.backend();
                    if (b == null) {
                        throw new IOException("no filesystem backend is available for the variant root " + key);
                    }
                    try {
                        host.compose(functionId, key, b, planLayers, "variant root " + key + " (" + v.label + ")");
                    } catch (IOException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IOException("cannot compose the variant root " + key + " of " + functionId + " ("
                                + v.label + "): " + e.getMessage(), e);
                    }
                    on = b;
                }
                lease = on.enter(key);
            }
        } catch (IOException | RuntimeException e) {
            release(v);
            throw e;
        }
        if (overBound(functionId)) {
            host.async(() -> trim(functionId));
        }
        // reports the function id (not the variant's backend key) and releases the variant on close
        return new ForwardingRootLease(functionId, lease, () -> release(v));
    }

    /** A recovered variant root {@code key} of {@code fn} was adopted: known again, idle, most recently used. */
    void adopted(String fn, String key, List<LayerId> data) {
        reserve(fn, key, data, false);
        if (overBound(fn)) {
            host.async(() -> trim(fn));
        }
    }

    private Variant reserve(String fn, String key, List<LayerId> data, boolean use) {
        LinkedHashMap<String, Variant> m = variants.computeIfAbsent(fn, k -> new LinkedHashMap<>(8, 0.75f, true));
        synchronized (m) {
            Variant v = m.get(key);
            if (v == null) {
                v = new Variant(fn, key, List.copyOf(data), label(fn, data));
                m.put(key, v);
                byKey.put(key, v);
            }
            if (use) {
                v.live++;
            }
            return v;
        }
    }

    private void release(Variant v) {
        LinkedHashMap<String, Variant> m = variants.computeIfAbsent(v.fn, k -> new LinkedHashMap<>(8, 0.75f, true));
        boolean discard;
        boolean over;
        synchronized (m) {
            v.live--;
            discard = v.retired && v.live == 0;
            over = m.size() > maxPerFunction;
        }
        if (discard) {
            host.async(() -> discardIfUnused(v));
        } else if (over) {
            host.async(() -> trim(v.fn)); // the bound was exceeded while every variant was in use
        }
    }

    private boolean overBound(String fn) {
        LinkedHashMap<String, Variant> m = variants.get(fn);
        if (m == null) {
            return false;
        }
        synchronized (m) {
            return m.size() > maxPerFunction;
        }
    }

    /** Removes least recently used idle variants of {@code fn} beyond the bound. */
    void trim(String fn) {
        LinkedHashMap<String, Variant> m = variants.get(fn);
        if (m == null) {
            return;
        }
        List<Variant> out = new ArrayList<>();
        synchronized (m) {
            int excess = m.size() - maxPerFunction;
            for (Iterator<Variant> it = m.values().iterator(); it.hasNext() && excess > 0; ) {
                Variant v = it.next();
                if (v.live == 0) {
                    it.remove();
                    byKey.remove(v.key, v);
                    v.retired = true;
                    out.add(v);
                    excess--;
                }
            }
            if (excess > 0) {
                LOG.debug("{} keeps {} variant roots (bound {}): the others are in use", fn, m.size(), maxPerFunction);
            }
        }
        out.forEach(this::discardIfUnused);
    }

    private void retireWhere(String fn, java.util.function.Predicate<Variant> p) {
        LinkedHashMap<String, Variant> m = variants.get(fn);
        if (m == null) {
            return;
        }
        List<Variant> idle = new ArrayList<>();
        synchronized (m) {
            for (Iterator<Variant> it = m.values().iterator(); it.hasNext(); ) {
                Variant v = it.next();
                if (p.test(v)) {
                    it.remove();
                    byKey.remove(v.key, v);
                    v.retired = true;
                    if (v.live == 0) {
                        idle.add(v);
                    }
                }
            }
        }
        for (Variant v : idle) {
            host.async(() -> discardIfUnused(v));
        }
    }

    private void discardIfUnused(Variant v) {
        synchronized (host.lock(v.key)) {
            if (byKey.containsKey(v.key)) {
                return; // the same variant was needed again meanwhile: its root stays
            }
            if (host.composedOn(v.key) != null) {
                host.discard(v.fn, v.key);
                LOG.debug("removed variant root {} ({})", v.key, v.label);
            }
        }
    }

    /** A function was (re-)defined: its variants built on another stack retire. */
    void functionDefined(String fn, List<LayerId> oldStack, List<LayerId> newStack) {
        if (!oldStack.isEmpty() && !oldStack.equals(newStack)) {
            retireWhere(fn, v -> true);
        }
    }

    // ---- composing ahead --------------------------------------------------------------------------

    /** The data layer {@code id} of {@code fn} is predicted: compose its variant now, or once its layers are resident. */
    void predicted(String fn, LayerId id) {
        for (Map<String, DataLayerBinding> vs : bindings.of(fn).values()) {
            for (DataLayerBinding b : vs.values()) {
                if (b.layerIds().contains(id)) {
                    composeAheadOrWait(b);
                }
            }
        }
    }

    /** Every function binding {@code id} (for a score at or above the threshold). */
    void predicted(LayerId id) {
        for (String fn : bindings.functionsBinding(id)) {
            predicted(fn, id);
        }
    }

    /** A layer became resident: compose the predicted variants waiting for it. */
    void onResident(LayerId id) {
        if (wanted.isEmpty()) {
            return;
        }
        for (DataLayerBinding b : List.copyOf(wanted)) {
            if (b.layerIds().contains(id) || host.stackOf(b.functionId()).contains(id)) {
                composeAheadOrWait(b);
            }
        }
    }

    private void composeAheadOrWait(DataLayerBinding b) {
        List<LayerId> own = host.stackOf(b.functionId());
        if (own.isEmpty()) {
            return;
        }
        List<LayerId> stack = new ArrayList<>(own);
        for (LayerId l : b.layerIds()) {
            if (!stack.contains(l)) {
                stack.add(l);
            }
        }
        for (LayerId l : stack) {
            if (!host.isResident(l)) {
                wanted.add(b);
                return;
            }
        }
        wanted.remove(b);
        List<LayerId> data = stack.subList(own.size(), stack.size());
        if (data.isEmpty()) {
            return;
        }
        String key = key(b.functionId(), data);
        if (host.composedOn(key) == host.backend() && stack.equals(host.composedLayers(key))) {
            return;
        }
        host.async(() -> composeAhead(b.functionId(), key, List.copyOf(data), List.copyOf(stack)));
    }

    private void composeAhead(String fn, String key, List<LayerId> data, List<LayerId> stack) {
        Variant v = reserve(fn, key, data, true);
        try {
            synchronized (host.lock(key)) {
                FilesystemBackend b = host.backend();
                if (b == null || !stack.subList(0, stack.size() - data.size()).equals(host.stackOf(fn))
                        || (host.composedOn(key) == b && stack.equals(host.composedLayers(key)))) {
                    return;
                }
                host.compose(fn, key, b, stack, "variant root " + key + " (" + v.label + ") composed ahead: data layer predicted");
            }
        } catch (Exception e) {
            LOG.warn("composing the variant root {} of {} ahead failed: {}", key, fn, e.toString());
        } finally {
            release(v);
        }
        trim(fn);
    }

    // ---- views ------------------------------------------------------------------------------------

    /** "variant of f: p=v" for a variant key, null for other keys. */
    String describe(String key) {
        Variant v = byKey.get(key);
        return v == null ? null : "variant of " + v.fn + ": " + v.label;
    }

    /** The variant keys of {@code fn}, least recently used first. */
    List<String> variantKeys(String fn) {
        LinkedHashMap<String, Variant> m = variants.get(fn);
        if (m == null) {
            return List.of();
        }
        synchronized (m) {
            return List.copyOf(m.keySet());
        }
    }

    private String label(String fn, List<LayerId> data) {
        List<String> parts = new ArrayList<>();
        bindings.of(fn).forEach((p, vs) -> vs.forEach((val, b) -> {
            if (data.containsAll(b.layerIds())) {
                parts.add(p + "=" + val);
            }
        }));
        return parts.isEmpty() ? data.size() + " data layer(s)" : String.join(", ", parts);
    }
}

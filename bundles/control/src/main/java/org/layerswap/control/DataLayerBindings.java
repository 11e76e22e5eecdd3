package org.layerswap.control;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.SwapManager;

/**
 * The operator's view of parameter-selected data layers, shared by {@code layerswap:bind/unbind/bindings} and
 * {@code /layerswap/api/bindings}: validates every argument before the swap manager sees it and names the one
 * that is wrong (a missing one, an unknown function with the defined ones, a value that is not bound with the
 * bound ones). Blank values are refused: an operator binds {@code param=value} for a real value.
 *
 * <p>Failures: {@link IllegalArgumentException} for bad input; {@link IllegalStateException} when no swap
 * manager runs or the layer source cannot resolve the image (naming it).
 */
final class DataLayerBindings {

    private final Supplier<SwapManager> swapManager;

    DataLayerBindings(Supplier<SwapManager> swapManager) {
        this.swapManager = Objects.requireNonNull(swapManager, "swap manager supplier");
    }

    /** Every binding (function null or blank) or those of one defined function. */
    List<DataLayerBinding> list(String functionId) {
        SwapManager s = running();
        if (functionId == null || functionId.isBlank()) {
            return s.dataLayerBindings(null);
        }
        return s.dataLayerBindings(knownFunction(s, functionId));
    }

    List<LayerId> bind(String functionId, String paramName, String paramValue, String imageOrDigest) {
        SwapManager s = running();
        String fn = knownFunction(s, functionId);
        String param = paramName(paramName);
        String value = required(paramValue, "parameter value");
        String ref = required(imageOrDigest, "image reference or layer digest");
        try {
            return s.bindDataLayer(fn, param, value, ref);
        } catch (LayerSourceException e) {
            throw new IllegalStateException("cannot resolve image '" + ref + "': " + e.getMessage(), e);
        }
    }

    /** Removes a binding and returns it; refuses a value the function has not bound, naming the bound ones. */
    DataLayerBinding unbind(String functionId, String paramName, String paramValue) {
        SwapManager s = running();
        String fn = knownFunction(s, functionId);
        String param = paramName(paramName);
        String value = required(paramValue, "parameter value");
        return s.unbindDataLayer(fn, param, value).orElseThrow(() -> {
            List<DataLayerBinding> bound = s.dataLayerBindings(fn);
            return new IllegalArgumentException("function " + fn + " has no data layer bound to " + param + "=" + value
                    + "; bound: " + (bound.isEmpty() ? "none" : String.join(", ", bound.stream()
                    .map(x -> x.paramName() + "=" + x.paramValue()).toList())));
        });
    }

    private SwapManager running() {
        SwapManager s = swapManager.get();
        if (s == null) {
            throw new IllegalStateException("no swap manager is running (feature layerswap-swap)");
        }
        return s;
    }

    private static String knownFunction(SwapManager s, String functionId) {
        String fn = required(functionId, "function");
        if (!s.functionLayers().contains(fn)) {
            throw new IllegalArgumentException("unknown function '" + fn + "'; defined functions: "
                    + (s.functionLayers().functions().isEmpty() ? "none" : String.join(", ", new TreeSet<>(s.functionLayers().functions()))));
        }
        return fn;
    }

    private static String paramName(String name) {
        String p = required(name, "parameter name");
        if (p.contains("=")) {
            throw new IllegalArgumentException("bad parameter name '" + p + "': want a name without '='");
        }
        return p;
    }

    private static String required(String v, String what) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing " + what);
        }
        return v.trim();
    }
}

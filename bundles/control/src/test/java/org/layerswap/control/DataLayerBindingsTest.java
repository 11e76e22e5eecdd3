package org.layerswap.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapRecord;

class DataLayerBindingsTest {

    private static final LayerId DATA = LayerId.of("sha256:" + "d".repeat(64));

    /** Knows function f; binds digests, refuses the image "missing:1" as its layer source would. */
    static final class Swaps implements SwapManager {
        final List<DataLayerBinding> bound = new ArrayList<>();

        @Override
        public List<LayerId> bindDataLayer(String fn, String p, String v, String ref) throws LayerSourceException {
            if (ref.equals("missing:1")) {
                throw new LayerSourceException("manifest unknown", false);
            }
            bound.removeIf(b -> b.paramName().equals(p) && b.paramValue().equals(v));
            bound.add(new DataLayerBinding(fn, p, v, ref, "data", List.of(new LayerDescriptor(DATA, 1, LayerDescriptor.OCI_TAR_GZIP))));
            return List.of(DATA);
        }

        @Override
        public java.util.Optional<DataLayerBinding> unbindDataLayer(String fn, String p, String v) {
            java.util.Optional<DataLayerBinding> b = bound.stream()
                    .filter(x -> x.functionId().equals(fn) && x.paramName().equals(p) && x.paramValue().equals(v)).findFirst();
            b.ifPresent(bound::remove);
            return b;
        }

        @Override
        public List<DataLayerBinding> dataLayerBindings(String fn) {
            return bound.stream().filter(b -> fn == null || b.functionId().equals(fn)).toList();
        }

        @Override
        public FunctionLayerMap functionLayers() {
            return FunctionLayerMap.of(Map.of("f", List.of(DATA), "g", List.of(DATA)));
        }

        @Override
        public InvocationPlan handleInvocation(String functionId, Map<String, String> inputParams) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SwapRecord swap(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<SwapRecord> swapHistory(int limit) {
            return List.of();
        }

        @Override
        public double threshold() {
            return 0.5;
        }

        @Override
        public void setThreshold(double threshold) {
        }
    }

    private final Swaps swaps = new Swaps();
    private final DataLayerBindings control = new DataLayerBindings(() -> swaps);

    private static void refused(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void bindListAndUnbindGoThroughToTheSwapManager() {
        assertEquals(List.of(DATA), control.bind(" f ", "dataset", "a", DATA.toString()));
        assertEquals(List.of("f dataset=a"), control.list(null).stream().map(b -> b.functionId() + " " + b.paramName() + "="
                + b.paramValue()).toList());
        assertEquals(1, control.list("f").size());
        assertEquals(List.of(), control.list("g"));
        assertEquals("a", control.unbind("f", "dataset", "a").paramValue());
        assertEquals(List.of(), control.list(""));
    }

    @Test
    void eachBadArgumentIsNamed() {
        refused("missing function", () -> control.bind(" ", "dataset", "a", "x:1"));
        refused("unknown function 'h'; defined functions: f, g", () -> control.bind("h", "dataset", "a", "x:1"));
        refused("unknown function 'h'; defined functions: f, g", () -> control.list("h"));
        refused("missing parameter name", () -> control.bind("f", null, "a", "x:1"));
        refused("bad parameter name 'a=b': want a name without '='", () -> control.bind("f", "a=b", "a", "x:1"));
        refused("missing parameter value", () -> control.bind("f", "dataset", "", "x:1"));
        refused("missing image reference or layer digest", () -> control.bind("f", "dataset", "a", null));
        assertEquals(List.of(), swaps.bound, "nothing reached the swap manager");
    }

    @Test
    void unbindingAValueThatIsNotBoundNamesTheBoundOnes() {
        control.bind("f", "dataset", "a", DATA.toString());
        control.bind("f", "dataset", "b", DATA.toString());
        refused("function f has no data layer bound to dataset=c; bound: dataset=a, dataset=b", () -> control.unbind("f", "dataset", "c"));
        refused("function g has no data layer bound to dataset=a; bound: none", () -> control.unbind("g", "dataset", "a"));
        assertEquals(2, swaps.bound.size());
    }

    @Test
    void anImageTheSourceCannotResolveAndAMissingSwapManagerAreStateErrors() {
        assertEquals("cannot resolve image 'missing:1': manifest unknown",
                assertThrows(IllegalStateException.class, () -> control.bind("f", "dataset", "a", "missing:1")).getMessage());
        assertEquals("no swap manager is running (feature layerswap-swap)",
                assertThrows(IllegalStateException.class, () -> new DataLayerBindings(() -> null).list(null)).getMessage());
    }
}

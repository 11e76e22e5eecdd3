package org.layerswap.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;

/** Which layers an invocation needs: the function's image (base first) plus optional data layers its parameters select. */
public interface LayerResolver {

    /** The function's image layers, base (lowest) first. Never empty. */
    List<LayerDescriptor> baseLayers(String functionId);

    /** Optional layers (e.g. data sets) selected by the invocation's parameters; empty when none. */
    List<LayerDescriptor> optionalLayers(String functionId, Map<String, String> params);

    /** Every layer the invocation needs, base first, optional layers on top. */
    default List<LayerDescriptor> layersFor(InvocationEvent e) {
        List<LayerDescriptor> base = baseLayers(e.functionId());
        List<LayerDescriptor> opt = optionalLayers(e.functionId(), e.params());
        if (opt.isEmpty()) {
            return base;
        }
        List<LayerDescriptor> all = new ArrayList<>(base.size() + opt.size());
        all.addAll(base);
        for (LayerDescriptor d : opt) {
            if (!all.contains(d)) {
                all.add(d);
            }
        }
        return all;
    }
}

package org.layerswap.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.workload.LayerResolver;

final class Fixtures {
    static final long MB = 1_000_000L;

    private Fixtures() {
    }

    static LayerDescriptor layer(char c, long bytes) {
        return new LayerDescriptor(LayerId.of("sha256:" + String.valueOf(c).repeat(64)), bytes, null);
    }

    /** A resolver from an explicit map; optional layers from "dataset" values. */
    static LayerResolver resolver(Map<String, List<LayerDescriptor>> stacks, Map<String, LayerDescriptor> data) {
        return new LayerResolver() {
            @Override
            public List<LayerDescriptor> baseLayers(String functionId) {
                List<LayerDescriptor> s = stacks.get(functionId);
                if (s == null) {
                    throw new IllegalArgumentException("unknown function " + functionId);
                }
                return s;
            }

            @Override
            public List<LayerDescriptor> optionalLayers(String functionId, Map<String, String> params) {
                String v = params.get("dataset");
                return v == null || !data.containsKey(v) ? List.of() : List.of(data.get(v));
            }
        };
    }

    static List<InvocationEvent> events(Object... fnAndTime) {
        List<InvocationEvent> out = new ArrayList<>();
        for (int i = 0; i < fnAndTime.length; i += 2) {
            out.add(InvocationEvent.of((String) fnAndTime[i], ((Number) fnAndTime[i + 1]).longValue()));
        }
        return out;
    }

    static PolicyResult replay(EventTable tab, NodeSettings node, long warmup, ReplayPolicy p) {
        return new Simulator(tab, node, p, warmup, null).run("test", Double.NaN);
    }
}

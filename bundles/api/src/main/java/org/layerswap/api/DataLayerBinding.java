package org.layerswap.api;

import java.util.List;
import java.util.Objects;

/**
 * A data layer that an input parameter selects: an invocation of {@code functionId} whose parameters
 * contain {@code paramName=paramValue} runs on the function's layers with {@code layers} on top (its own
 * "variant" root). The layers are stored resolved, so a restored binding needs no layer source.
 *
 * @param reference  what the operator declared: an image reference or a layer digest
 * @param repository where the layers are fetched from
 * @param layers     the data layers, lowest first (never empty)
 */
public record DataLayerBinding(String functionId, String paramName, String paramValue, String reference, String repository,
                               List<LayerDescriptor> layers) {

    public DataLayerBinding {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("data layer binding without a function id");
        }
        if (paramName == null || paramName.isBlank() || paramName.contains("=")) {
            throw new IllegalArgumentException("bad parameter name '" + paramName + "' for a data layer of function " + functionId
                    + ": want a non-blank name without '='");
        }
        if (paramValue == null) {
            throw new IllegalArgumentException("parameter " + paramName + " of function " + functionId + " has no value");
        }
        reference = Objects.requireNonNullElse(reference, "");
        repository = Objects.requireNonNullElse(repository, "");
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("data layer binding " + paramName + "=" + paramValue + " of function " + functionId
                    + " has no layers");
        }
        layers = List.copyOf(layers);
    }

    public List<LayerId> layerIds() {
        return layers.stream().map(LayerDescriptor::id).toList();
    }
}

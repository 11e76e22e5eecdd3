package org.layerswap.api;

import java.util.List;
import java.util.Objects;

/**
 * A function as declared to the swap manager: the image it runs, resolved to its layers (base first)
 * and its config (entrypoint, cmd, env, working dir), which the executor uses to start it.
 *
 * @param imageReference what the operator declared, e.g. {@code functions/thumbnail:1.2} ("" when the
 *                       layers were given directly)
 * @param repository     where its layers are fetched from
 */
public record FunctionDefinition(String functionId, String imageReference, String repository, List<LayerDescriptor> layers,
                                 ImageConfig config) {

    public FunctionDefinition {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("function definition without a function id");
        }
        imageReference = Objects.requireNonNullElse(imageReference, "");
        repository = Objects.requireNonNullElse(repository, "");
        layers = List.copyOf(layers);
        config = Objects.requireNonNullElse(config, ImageConfig.EMPTY);
    }

    public List<LayerId> layerIds() {
        return layers.stream().map(LayerDescriptor::id).toList();
    }
}

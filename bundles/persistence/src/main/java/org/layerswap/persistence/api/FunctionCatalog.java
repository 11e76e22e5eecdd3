package org.layerswap.persistence.api;

import java.util.List;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;

/**
 * The swap manager's stored function catalog, as read back.
 *
 * @param functions definitions, by function id
 * @param bindings  data layer bindings, by function, parameter and value
 * @param skipped   rows that could not be read (unknown format, bad digest, ...), each naming the row and why
 */
public record FunctionCatalog(List<FunctionDefinition> functions, List<DataLayerBinding> bindings, List<String> skipped) {

    public FunctionCatalog {
        functions = List.copyOf(functions);
        bindings = List.copyOf(bindings);
        skipped = List.copyOf(skipped);
    }
}

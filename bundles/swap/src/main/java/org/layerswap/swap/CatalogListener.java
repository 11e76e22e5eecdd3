package org.layerswap.swap;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;

/**
 * Sees every change of the swap manager's function catalog (e.g. to persist it): function definitions and
 * data layer bindings and their removal. Called on the thread that made the change: must be quick; exceptions are logged and
 * ignored (the change itself stands).
 */
public interface CatalogListener {

    default void functionDefined(FunctionDefinition definition) {
    }

    default void dataLayerBound(DataLayerBinding binding) {
    }

    /** {@code binding} (as it was bound) was removed. */
    default void dataLayerUnbound(DataLayerBinding binding) {
    }
}

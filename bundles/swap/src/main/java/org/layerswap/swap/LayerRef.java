package org.layerswap.swap;

import org.layerswap.api.LayerDescriptor;

/** Where a layer comes from: what {@link org.layerswap.api.LayerStore#fetch} needs. */
public record LayerRef(String repository, LayerDescriptor descriptor) {
}
